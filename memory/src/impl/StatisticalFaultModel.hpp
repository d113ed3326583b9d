#pragma once
#include "voltsim/memory/IFaultModel.hpp"

namespace voltsim::memory::impl {

/// `random` (effect Flip) and `stuck_at` (effect Stuck): every bit cell draws u ~ U(0, 1] once and
/// is faulty at rate p iff u <= p * w (w: the optional row/column clustering weight, mean 1).
/// Only cells with u <= maxBitErrorRate() are materialised, by geometric skipping (O(faulty
/// cells)) or, for a largest rate >= 1/16, one draw per cell. Each drawn cell also draws its stuck value (0
/// with probability stuck_at_0_share), so `random` and `stuck_at` chips of one seed share the same faulty
/// cells.
class StatisticalFaultModel final : public IFaultModel {
  public:
    explicit StatisticalFaultModel(FaultEffect effect) : m_effect(effect) {}

    std::string name() const override { return m_effect == FaultEffect::Flip ? "random" : "stuck_at"; }
    FaultEffect effect() const override { return m_effect; }
    std::vector<FaultCell> drawBank(const SramProfile& profile, const ChipGeometry& geometry,
                                    std::uint32_t bank, std::uint64_t chipSeed) const override;
    double thresholdForVoltage(const SramProfile& profile, double voltageMv) const override;
    double thresholdForRate(const SramProfile& profile, double ber) const override;

  private:
    FaultEffect m_effect;
};

} // namespace voltsim::memory::impl
