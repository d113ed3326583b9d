#pragma once
// Chip seeds of a run: chip i of a run with seed S is the chip with seed chipSeed(S, i).
#include "voltsim/memory/Random.hpp"

#include <cstdint>
#include <vector>

namespace voltsim::sim {

/// Seed of chip `chipIndex` (0-based) in a run seeded with `runSeed`:
/// splitMix64(splitMix64(runSeed) + chipIndex), the rule `voltsim run` uses too, so chip i of a
/// sweep is chip i of a run with the same seed. Stable across versions and machines; chip i is the
/// same physical chip for every model and point of a sweep.
constexpr std::uint64_t chipSeed(std::uint64_t runSeed, std::uint64_t chipIndex)
{
    return memory::splitMix64(memory::splitMix64(runSeed) + chipIndex);
}

/// Seeds of chips 0 .. count-1.
inline std::vector<std::uint64_t> chipSeeds(std::uint64_t runSeed, std::uint64_t count)
{
    std::vector<std::uint64_t> seeds(count);
    for (std::uint64_t i = 0; i < count; ++i)
        seeds[i] = chipSeed(runSeed, i);
    return seeds;
}

} // namespace voltsim::sim
