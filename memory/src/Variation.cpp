#include "voltsim/memory/Variation.hpp"

#include "voltsim/memory/Random.hpp"

#include <cmath>

namespace voltsim::memory {

double standardNormal(std::uint64_t seed)
{
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    Xoshiro256 stream(seed);
    const double radius = std::sqrt(-2.0 * std::log(stream.uniformOpenClosed()));
    return radius * std::cos(kTwoPi * stream.uniformOpenClosed());
}

double chipOffsetMv(const Variation& variation, std::uint64_t chipSeed)
{
    if (variation.chipSigmaMv == 0.0)
        return 0.0;
    return variation.chipSigmaMv * standardNormal(splitMix64(splitMix64(chipSeed) ^ kChipVariationSalt));
}

double bankOffsetMv(const Variation& variation, std::uint64_t chipSeed, std::uint32_t bank)
{
    if (variation.bankSigmaMv == 0.0)
        return 0.0;
    return variation.bankSigmaMv * standardNormal(splitMix64(bankSeed(chipSeed, bank) ^ kBankVariationSalt));
}

double chipOffsetAtMv(const SramProfile& profile, const OperatingPoint& point, std::uint64_t chipSeed)
{
    return point.byRate() ? 0.0 : chipOffsetMv(profile.variation, chipSeed);
}

} // namespace voltsim::memory
