#pragma once
#include "voltsim/memory/IFaultModel.hpp"

namespace voltsim::memory::impl {

/// `none`: every cell works at every voltage (a reference run).
class NoFaultModel final : public IFaultModel {
  public:
    std::string name() const override { return "none"; }
    FaultEffect effect() const override { return FaultEffect::None; }
    std::vector<FaultCell> drawBank(const SramProfile&, const ChipGeometry&, std::uint32_t,
                                    std::uint64_t) const override
    {
        return {};
    }
    double thresholdForVoltage(const SramProfile&, double) const override { return 0.0; }
    double thresholdForRate(const SramProfile&, double) const override { return 0.0; }
};

} // namespace voltsim::memory::impl
