#pragma once
// The fault model interface: which bit cells of a bank are faulty (drawn once per chip, so faults
// are persistent) and how a faulty cell corrupts what is read. Implementations live in src/impl/
// and are created by name through faultModels() (FaultModels.hpp).
#include "voltsim/memory/Geometry.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::memory {

/// How an active faulty cell changes the bit read from it.
enum class FaultEffect {
    None,  ///< no faults at all
    Flip,  ///< the read bit is the stored bit inverted (the paper's random model)
    Stuck, ///< the read bit is the cell's stuck value (corrupts only a differing stored bit)
};

/// One persistent faulty cell of a bank. The cell is faulty at an operating point whose
/// threshold t (IFaultModel::threshold*) satisfies key <= t. Nesting follows: a larger threshold
/// (lower voltage) keeps every cell of a smaller one.
struct FaultCell {
    double key = 0.0;
    std::uint32_t bit = 0;       ///< bit index in the bank (byte bit / 8, bit % 8; see BankGeometry)
    std::uint8_t stuckValue = 0; ///< 0 or 1; used by FaultEffect::Stuck
};

/// A fault model. Stateless and thread-safe: every method is const and depends only on its args.
class IFaultModel {
  public:
    virtual ~IFaultModel() = default;

    /// Registry name, e.g. "random".
    virtual std::string name() const = 0;
    virtual FaultEffect effect() const = 0;

    /// Draws every cell of bank `bank` that can be faulty at some operating point of `profile`,
    /// sorted by bit. Depends only on (profile, geometry, bank, chipSeed): the bank's stream is
    /// seeded by bankSeed(chipSeed, bank).
    virtual std::vector<FaultCell> drawBank(const SramProfile& profile, const ChipGeometry& geometry,
                                            std::uint32_t bank, std::uint64_t chipSeed) const = 0;

    /// Threshold at supply voltage `voltageMv` (InputError outside the profile's range).
    virtual double thresholdForVoltage(const SramProfile& profile, double voltageMv) const = 0;

    /// Threshold at bit error rate `ber` set directly (InputError if the model has no rate axis or
    /// `ber` is outside [0, profile.maxBitErrorRate()]).
    virtual double thresholdForRate(const SramProfile& profile, double ber) const = 0;
};

} // namespace voltsim::memory
