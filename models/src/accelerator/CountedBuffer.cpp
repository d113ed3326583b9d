#include "voltsim/models/accelerator/CountedBuffer.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace voltsim::models {

std::uint64_t BufferStats::reads() const
{
    return std::accumulate(readsPerBank.begin(), readsPerBank.end(), std::uint64_t{0});
}

std::uint64_t BufferStats::writes() const
{
    return std::accumulate(writesPerBank.begin(), writesPerBank.end(), std::uint64_t{0});
}

CountedBuffer::CountedBuffer(std::string key, const BufferSpecs& specs)
    : m_key(std::move(key)), m_specs(specs)
{
    if (specs.banks == 0 || specs.sizeBytes == 0)
        throw std::invalid_argument("CountedBuffer " + m_key + ": size and banks must be positive");
    m_stats.readsPerBank.assign(specs.banks, 0);
    m_stats.writesPerBank.assign(specs.banks, 0);
}

void CountedBuffer::require(std::uint64_t bytes, std::uint64_t capacityBytes, const std::string& what)
{
    if (bytes > capacityBytes)
        throw InputError(m_key + ".size_kib: " + what + " needs " + std::to_string(bytes) +
                         " bytes but only " + std::to_string(capacityBytes) + " of " +
                         std::to_string(m_specs.sizeBytes) + " bytes are available for it");
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
