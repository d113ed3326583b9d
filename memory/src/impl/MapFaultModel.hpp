#pragma once
#include "voltsim/memory/IFaultModel.hpp"

namespace voltsim::memory::impl {

/// `map`: the profile's measured fault map. Each bank shifts the map's arrays, rows and columns
/// cyclically by amounts drawn from bankSeed(chipSeed, bank) (none with placement as_measured), so
/// every chip sees the measured structure and fault count at its own place; the shifted map's bits
/// (array-major, then row-major) are laid over the chip's bits in order and repeated (tiled) as
/// often as the chip needs. A cell with failure voltage f reads its stuck value at every voltage
/// V <= f. A voltage between measured points uses the worse (lower) point; at or above V_min there
/// are no faults; below the lowest measured voltage is an InputError.
class MapFaultModel final : public IFaultModel {
  public:
    std::string name() const override { return "map"; }
    FaultEffect effect() const override { return FaultEffect::Stuck; }
    std::vector<FaultCell> drawBank(const SramProfile& profile, const ChipGeometry& geometry,
                                    std::uint32_t bank, std::uint64_t chipSeed) const override;
    double thresholdForVoltage(const SramProfile& profile, double voltageMv) const override;
    double thresholdForRate(const SramProfile& profile, double ber) const override;
};

} // namespace voltsim::memory::impl
