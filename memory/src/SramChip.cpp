#include "voltsim/memory/SramChip.hpp"

#include "voltsim/memory/FaultModels.hpp"
#include "voltsim/memory/Variation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace voltsim::memory {
namespace {

/// Lowest voltage at which both the profile's rate and, for a map profile, its measured map are
/// defined.
double lowestDescribedMv(const SramProfile& profile)
{
    const double lowest = profile.lowestVoltageMv();
    return profile.faultMap ? std::max(lowest, profile.faultMap->measuredMv.back()) : lowest;
}

} // namespace

SramChip::SramChip(std::shared_ptr<const SramProfile> profile, std::uint64_t seed, const ChipOptions& options)
    : m_profile(std::move(profile)),
      m_model(
          faultModels().create(options.faultModel.empty() ? m_profile->faultSemantics : options.faultModel,
                               "chip of profile " + m_profile->name)),
      m_seed(seed), m_geometry(options.useProfileGeometry ? m_profile->geometry : options.geometry),
      m_chipOffsetMv(memory::chipOffsetMv(m_profile->variation, seed)), m_voltageMv(m_profile->vNomMv)
{
    validateGeometry(m_geometry);
    m_banks.reserve(m_geometry.banks);
    m_cells.reserve(m_geometry.banks);
    for (std::uint32_t bank = 0; bank < m_geometry.banks; ++bank) {
        m_banks.emplace_back(m_geometry.bank);
        m_cells.push_back(m_model->drawBank(*m_profile, m_geometry, bank, seed));
        m_voltageOffsetsMv.push_back(m_chipOffsetMv + memory::bankOffsetMv(m_profile->variation, seed, bank));
    }
    m_thresholds.assign(m_geometry.banks, -std::numeric_limits<double>::infinity());
}

double SramChip::shiftedVoltageMv(std::uint32_t index, double voltageMv) const
{
    if (voltageMv >= m_profile->vNomMv)
        return voltageMv;
    const double shifted = voltageMv - m_voltageOffsetsMv.at(index);
    return std::min(std::max(shifted, lowestDescribedMv(*m_profile)), m_profile->vNomMv);
}

void SramChip::setOperatingPoint(const OperatingPoint& point)
{
    // Every lookup may throw: compute them before changing anything.
    const double voltageMv = point.voltageMv(*m_profile);
    std::vector<double> thresholds(m_geometry.banks);
    if (point.byRate()) {
        std::fill(thresholds.begin(), thresholds.end(), m_model->thresholdForRate(*m_profile, point.ber()));
    } else {
        m_model->thresholdForVoltage(*m_profile, voltageMv); // the supply itself must be in range
        for (std::uint32_t b = 0; b < m_geometry.banks; ++b)
            thresholds[b] = m_model->thresholdForVoltage(*m_profile, shiftedVoltageMv(b, voltageMv));
    }
    m_ber = point.byRate() ? point.ber() : m_profile->bitErrorRate(voltageMv);
    m_voltageMv = voltageMv;
    m_point = point;
    applyThresholds(std::move(thresholds));
}

void SramChip::setUsedBitsPerByte(std::uint8_t mask)
{
    for (auto& bank : m_banks)
        bank.setUsedBitsPerByte(mask);
    applyThresholds(m_thresholds);
}

void SramChip::setReliableBitsPerByte(std::uint8_t mask)
{
    for (auto& bank : m_banks)
        bank.setReliableBitsPerByte(mask);
    applyThresholds(m_thresholds);
}

void SramChip::applyThresholds(std::vector<double> thresholds)
{
    m_thresholds = std::move(thresholds);
    const FaultEffect effect = m_model->effect();
    for (std::uint32_t b = 0; b < m_geometry.banks; ++b) {
        SramArray& bank = m_banks[b];
        bank.clearFaults();
        for (const auto& cell : m_cells[b]) {
            if (cell.key > m_thresholds[b])
                continue;
            if (effect == FaultEffect::Flip)
                bank.addFlip(cell.bit);
            else
                bank.addStuck(cell.bit, cell.stuckValue);
        }
    }
}

FaultCounts SramChip::faultCounts() const
{
    FaultCounts counts;
    const FaultEffect effect = m_model->effect();
    for (std::uint32_t b = 0; b < m_geometry.banks; ++b) {
        const std::uint8_t used = m_banks[b].usedBitsPerByte();
        const auto canFail = static_cast<std::uint8_t>(used & ~m_banks[b].reliableBitsPerByte());
        counts.cells += m_geometry.bank.bytes() * static_cast<std::uint64_t>(__builtin_popcount(used));
        for (const auto& cell : m_cells[b]) {
            if (cell.key > m_thresholds[b] || ((canFail >> (cell.bit % 8)) & 1u) == 0)
                continue;
            ++counts.faultyCells;
            if (effect == FaultEffect::Flip)
                ++counts.flipping;
            else if (cell.stuckValue == 0)
                ++counts.stuckAt0;
            else
                ++counts.stuckAt1;
        }
    }
    return counts;
}

SramStats SramChip::totalStats() const
{
    SramStats total;
    for (const auto& bank : m_banks)
        total += bank.stats();
    return total;
}

void SramChip::resetStats()
{
    for (auto& bank : m_banks)
        bank.resetStats();
}

} // namespace voltsim::memory
