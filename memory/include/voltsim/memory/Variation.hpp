#pragma once
// Chip-to-chip and bank-to-bank variation of V_min (docs/profiles.md, "Variation"): offsets drawn
// from the chip seed, machine-independent like the fault maps (Random.hpp).
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <cstdint>

namespace voltsim::memory {

/// A standard normal number determined by `seed` alone: Box-Muller, sqrt(-2 ln u1) cos(2 pi u2),
/// on the first two doubles of Xoshiro256(seed) (each in (0, 1], so the log is finite).
double standardNormal(std::uint64_t seed);

/// The V_min offset (mV) every bank of the chip with seed `chipSeed` shares:
/// chipSigmaMv x standardNormal(splitMix64(splitMix64(chipSeed) ^ kChipVariationSalt)).
/// Exactly 0 when chipSigmaMv is 0. Positive: a weaker chip (faults from a higher voltage).
double chipOffsetMv(const Variation& variation, std::uint64_t chipSeed);

/// The V_min offset (mV) of bank `bank` beyond its chip's: bankSigmaMv x
/// standardNormal(splitMix64(bankSeed(chipSeed, bank) ^ kBankVariationSalt)), independent of the
/// bank's fault cells (a different stream) and of every other bank. Exactly 0 when bankSigmaMv is 0.
double bankOffsetMv(const Variation& variation, std::uint64_t chipSeed, std::uint32_t bank);

/// The chip offset that applies at `point` to a chip of `profile` with seed `chipSeed`:
/// chipOffsetMv(profile.variation, chipSeed), or 0 for a rate set directly (variation shifts
/// voltages only). What reports print as `chip_offset_mv`.
double chipOffsetAtMv(const SramProfile& profile, const OperatingPoint& point, std::uint64_t chipSeed);

/// Domain separators: the offsets' streams never coincide with a bank's cell stream.
constexpr std::uint64_t kChipVariationSalt = 0x6368697076617231ULL; // "chipvar1"
constexpr std::uint64_t kBankVariationSalt = 0x62616e6b76617231ULL; // "bankvar1"

} // namespace voltsim::memory
