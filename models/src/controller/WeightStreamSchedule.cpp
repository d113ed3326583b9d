#include "voltsim/models/controller/WeightStreamSchedule.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace voltsim::models {

void WeightStreamSchedule::startBatch()
{
    m_loadCycles.clear();
    m_loadEnd.clear();
    m_computeEnd.clear();
    m_now = 0;
}

void WeightStreamSchedule::setLoadCycles(std::size_t step, std::uint64_t cycles)
{
    if (m_loadCycles.size() <= step)
        m_loadCycles.resize(step + 1, 0);
    m_loadCycles[step] = cycles;
}

std::uint64_t WeightStreamSchedule::compute(std::size_t step, std::uint64_t cycles)
{
    if (step != m_computeEnd.size() || step >= m_loadCycles.size())
        throw std::logic_error("WeightStreamSchedule: step " + std::to_string(step) +
                               " computes out of order or without a load");
    const std::uint64_t dmaFree = step >= 1 ? m_loadEnd[step - 1] : 0;
    const std::uint64_t halfFree = step >= 2 ? m_computeEnd[step - 2] : 0;
    m_loadEnd.push_back(std::max(dmaFree, halfFree) + m_loadCycles[step]);
    const std::uint64_t start = std::max(m_now, m_loadEnd[step]);
    const std::uint64_t waited = start - m_now;
    m_now = start + cycles;
    m_computeEnd.push_back(m_now);
    return waited;
}

void WeightStreamSchedule::computeOther(std::uint64_t cycles)
{
    m_now += cycles;
}

} // namespace voltsim::models
