#pragma once
// Machine-independent random numbers for fault maps: splitmix64 for hashing seeds, xoshiro256**
// for streams, and doubles derived from raw 64-bit outputs (never std:: distributions, whose
// output is implementation-defined).
#include <cstdint>
#include <vector>

namespace voltsim::memory {

/// splitmix64 finaliser (Steele, Lea, Flood 2014): a stable bijective 64-bit mix.
/// Returns the output that splitmix64 would produce from state `x` (state advanced once).
constexpr std::uint64_t splitMix64(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// The seed of bank `bank` of a chip with seed `chipSeed`: splitMix64(splitMix64(chipSeed) ^ bank).
/// Depends on nothing else, so adding a bank changes no other bank's faults.
constexpr std::uint64_t bankSeed(std::uint64_t chipSeed, std::uint64_t bank)
{
    return splitMix64(splitMix64(chipSeed) ^ bank);
}

/// Seed of chip `chipIndex` (0-based) of a run or sweep seeded with `runSeed`:
/// splitMix64(splitMix64(runSeed) + chipIndex). Chip i is the same physical chip for every model
/// and operating point of a sweep and in a `voltsim run` with the same seed; stable across
/// releases and machines (docs/accelerator.md).
constexpr std::uint64_t chipSeed(std::uint64_t runSeed, std::uint64_t chipIndex)
{
    return splitMix64(splitMix64(runSeed) + chipIndex);
}

/// Seeds of chips 0 .. count-1 of a run seeded with `runSeed`.
inline std::vector<std::uint64_t> chipSeeds(std::uint64_t runSeed, std::uint64_t count)
{
    std::vector<std::uint64_t> seeds(count);
    for (std::uint64_t i = 0; i < count; ++i)
        seeds[i] = chipSeed(runSeed, i);
    return seeds;
}

/// xoshiro256** 1.0 (Blackman, Vigna 2018), state seeded from four splitmix64 outputs.
class Xoshiro256 {
  public:
    explicit Xoshiro256(std::uint64_t seed)
    {
        std::uint64_t x = seed;
        for (auto& word : m_state) {
            word = splitMix64(x);
            x += 0x9e3779b97f4a7c15ULL;
        }
    }

    /// Next raw 64-bit output.
    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const std::uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    /// Uniform double in (0, 1]: ((next() >> 11) + 1) * 2^-53. Never 0, so log() is finite and a
    /// cell with key u is faulty at rate p iff u <= p (p = 0 gives no faults, exactly).
    double uniformOpenClosed() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

  private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_state[4];
};

} // namespace voltsim::memory
