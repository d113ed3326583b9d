#pragma once
// Faulty cells under stored bytes, as masks: a byte stored at a faulty place reads
// ((stored & andMask) | orMask) ^ xorMask, the read rule of memory::SramArray. Produced by
// memory::BufferSram for an address range and applied by every consumer of the stored data (the
// functional engine and the SystemC buffers): uint8 tensors (docs/accelerator.md, "Activation
// SRAM") and int32 partial sums read, added to and written back (accumulateThrough, "Accumulator
// SRAM").
#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim {

/// The faulty cells under one stored byte. A stuck-at-0 cell clears its bit of andMask, a
/// stuck-at-1 cell sets its bit of orMask, a flipping cell sets its bit of xorMask.
struct ByteFault {
    std::uint32_t offset = 0; ///< byte offset from the start of the stored range
    std::uint8_t andMask = 0xff;
    std::uint8_t orMask = 0;
    std::uint8_t xorMask = 0;

    /// What a read returns where `stored` was written.
    std::uint8_t read(std::uint8_t stored) const
    {
        return static_cast<std::uint8_t>(((stored & andMask) | orMask) ^ xorMask);
    }
    bool operator==(const ByteFault& other) const
    {
        return offset == other.offset && andMask == other.andMask && orMask == other.orMask &&
               xorMask == other.xorMask;
    }
};

/// The faulty bytes of one stored range, sorted by offset (empty: every cell reliable).
using ByteFaults = std::vector<ByteFault>;

/// Replaces `data` (the bytes written to the range) by what a read of the range returns; returns
/// the bits that changed. Every offset must lie inside `data`.
inline std::uint64_t applyByteFaults(const ByteFaults& faults, std::uint8_t* data)
{
    std::uint64_t flipped = 0;
    for (const ByteFault& fault : faults) {
        std::uint8_t& byte = data[fault.offset];
        const std::uint8_t read = fault.read(byte);
        flipped += static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(read ^ byte)));
        byte = read;
    }
    return flipped;
}

/// What an int32 word returns where `stored` was written, its four bytes little-endian under
/// `faults` (offsets 0..3); `flipped` (if not null) grows by the bits read wrong.
inline std::int32_t readWord(const ByteFaults& faults, std::int32_t stored, std::uint64_t* flipped = nullptr)
{
    auto bits = static_cast<std::uint32_t>(stored);
    for (const ByteFault& fault : faults) {
        const unsigned shift = 8 * fault.offset;
        const auto byte = static_cast<std::uint8_t>(bits >> shift);
        const std::uint8_t read = fault.read(byte);
        if (flipped != nullptr)
            *flipped += static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(read ^ byte)));
        bits = (bits & ~(std::uint32_t{0xff} << shift)) | (std::uint32_t{read} << shift);
    }
    return static_cast<std::int32_t>(bits);
}

/// The accumulator a partial-sum word with faulty cells `faults` delivers after `count` (>= 1)
/// partial sums: the first is written, each later one is added (modulo 2^32, as the adder wraps)
/// to what the word reads back and written again, and the end result is read once more (by the
/// post-processing unit). `flipped` (if not null) grows by the bits read wrong.
inline std::int32_t accumulateThrough(const ByteFaults& faults, const std::int32_t* partials,
                                      std::size_t count, std::uint64_t* flipped = nullptr)
{
    auto stored = static_cast<std::uint32_t>(partials[0]);
    for (std::size_t i = 1; i < count; ++i)
        stored = static_cast<std::uint32_t>(readWord(faults, static_cast<std::int32_t>(stored), flipped)) +
                 static_cast<std::uint32_t>(partials[i]);
    return readWord(faults, static_cast<std::int32_t>(stored), flipped);
}

} // namespace voltsim
