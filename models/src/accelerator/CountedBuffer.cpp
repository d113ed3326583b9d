#include "voltsim/models/accelerator/CountedBuffer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace voltsim::models {

CountedBuffer::CountedBuffer(const sc_core::sc_module_name& name, const BufferSpecs& specs)
    : sc_core::sc_module(name), m_specs(specs)
{
    if (specs.banks == 0 || specs.sizeBytes == 0)
        throw std::invalid_argument(std::string("CountedBuffer ") + basename() +
                                    ": size and banks must be positive");
    m_stats.readsPerBank.assign(specs.banks, 0);
    m_stats.writesPerBank.assign(specs.banks, 0);
}

nlohmann::json CountedBuffer::statsJson() const
{
    return nlohmann::json{{"size_bytes", m_specs.sizeBytes},
                          {"reads", m_stats.reads()},
                          {"writes", m_stats.writes()},
                          {"peak_bytes", m_stats.peakBytes},
                          {"reads_per_bank", m_stats.readsPerBank},
                          {"writes_per_bank", m_stats.writesPerBank}};
}

void CountedBuffer::recordFootprint(std::uint64_t bytes)
{
    m_stats.peakBytes = std::max(m_stats.peakBytes, bytes);
}

void CountedBuffer::spread(std::vector<std::uint64_t>& banks, std::uint32_t& next, std::uint64_t elements)
{
    const auto count = static_cast<std::uint32_t>(banks.size());
    for (auto& bank : banks)
        bank += elements / count;
    for (std::uint64_t i = 0; i < elements % count; ++i) {
        ++banks[next];
        next = (next + 1) % count;
    }
}

void CountedBuffer::countReads(std::uint64_t elements)
{
    spread(m_stats.readsPerBank, m_nextRead, elements);
}

void CountedBuffer::countWrites(std::uint64_t elements)
{
    spread(m_stats.writesPerBank, m_nextWrite, elements);
}

} // namespace voltsim::models
