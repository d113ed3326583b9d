#include "voltsim/models/accelerator/CountedBuffer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace voltsim::models {

CountedBuffer::CountedBuffer(const sc_core::sc_module_name& name, const BufferSpecs& specs,
                             std::unique_ptr<memory::BufferSram> cells)
    : sc_core::sc_module(name), m_specs(specs), m_cells(std::move(cells))
{
    if (specs.banks == 0 || specs.sizeBytes == 0)
        throw std::invalid_argument(std::string("CountedBuffer ") + basename() +
                                    ": size and banks must be positive");
    m_stats.readsPerBank.assign(specs.banks, 0);
    m_stats.writesPerBank.assign(specs.banks, 0);
}

nlohmann::json CountedBuffer::statsJson() const
{
    nlohmann::json stats{{"size_bytes", m_specs.sizeBytes},
                         {"reads", m_stats.reads()},
                         {"writes", m_stats.writes()},
                         {"peak_bytes", m_stats.peakBytes},
                         {"reads_per_bank", m_stats.readsPerBank},
                         {"writes_per_bank", m_stats.writesPerBank}};
    if (m_cells) {
        stats["faulty_cells"] = m_cells->faultyCells();
        stats["bits_flipped"] = m_stats.bitsFlipped;
    }
    return stats;
}

std::uint64_t CountedBuffer::readBack(std::uint64_t address, std::uint8_t* data, std::size_t bytes)
{
    if (!m_cells)
        return 0;
    const std::uint64_t flipped = applyByteFaults(m_cells->faultsIn(address, bytes), data);
    m_stats.bitsFlipped += flipped;
    return flipped;
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

std::int32_t CountedBuffer::accumulate(const ByteFaults& word, const std::int32_t* partials,
                                       std::size_t count)
{
    return accumulateThrough(word, partials, count, &m_stats.bitsFlipped);
}

} // namespace voltsim::models
