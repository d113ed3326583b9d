#pragma once
// Faulty cells under stored bytes, as masks: a byte stored at a faulty place reads
// ((stored & andMask) | orMask) ^ xorMask, the read rule of memory::SramArray. Produced by
// memory::BufferSram for a tensor's address range and applied by every consumer of the stored
// bytes (the functional engine and the SystemC buffers; docs/accelerator.md, "Activation SRAM").
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

} // namespace voltsim
