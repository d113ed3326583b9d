#pragma once
// Plain C++ storage of one SRAM array (bank) with its fault masks and access counters. The one
// read path every consumer uses applies the faults: read = ((stored & and) | or) ^ xor per 64-bit
// lane. No SystemC here; SramBank adds timing around it.
#include "voltsim/memory/Geometry.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim::memory {

/// Access counters of one bank (enough to re-price energy offline: energy is linear in bits).
struct SramStats {
    std::uint64_t reads = 0;  ///< read accesses (calls of read())
    std::uint64_t writes = 0; ///< write accesses
    std::uint64_t bytesRead = 0;
    std::uint64_t bytesWritten = 0;
    std::uint64_t bitsFlipped = 0; ///< bits returned by read() that differ from the stored bits

    SramStats& operator+=(const SramStats& other);
};

class SramArray {
  public:
    /// Zero-filled storage of `geometry` (validated: whole bytes, whole 64-bit lanes).
    explicit SramArray(const BankGeometry& geometry);

    const BankGeometry& geometry() const { return m_geometry; }
    std::size_t sizeBytes() const { return m_geometry.bytes(); }
    /// True if [address, address + bytes) lies inside the array (bytes may be 0).
    bool contains(std::uint64_t address, std::size_t bytes) const;

    /// Reads through the fault masks and counts the access; returns the bits read differently
    /// from the stored ones. std::out_of_range outside the array.
    std::uint64_t read(std::uint64_t address, std::uint8_t* out, std::size_t bytes);
    /// Stores `bytes` bytes and counts the access. std::out_of_range outside the array.
    void write(std::uint64_t address, const std::uint8_t* in, std::size_t bytes);
    /// The stored bits, without faults and without counting (debug, tests).
    void peekRaw(std::uint64_t address, std::uint8_t* out, std::size_t bytes) const;
    /// What read() would return, without counting (debug transport).
    void peek(std::uint64_t address, std::uint8_t* out, std::size_t bytes) const;
    /// Stores without counting (debug transport, preloading).
    void poke(std::uint64_t address, const std::uint8_t* in, std::size_t bytes);

    const SramStats& stats() const { return m_stats; }
    void resetStats() { m_stats = {}; }

    /// Bits of every byte that hold data (default 0xff); faults on other bits are ignored.
    /// Takes effect at the next addFlip/addStuck (SramChip re-applies its faults).
    void setUsedBitsPerByte(std::uint8_t mask) { m_usedBits = mask; }
    std::uint8_t usedBitsPerByte() const { return m_usedBits; }
    /// Bits of every byte held in reliable cells (MSB protection; default none): they hold data but
    /// are never faulty. Takes effect at the next addFlip/addStuck, as setUsedBitsPerByte.
    void setReliableBitsPerByte(std::uint8_t mask) { m_reliableBits = mask; }
    std::uint8_t reliableBitsPerByte() const { return m_reliableBits; }

    /// Removes every active fault (the array then reads its stored bits).
    void clearFaults();
    /// Bit `bit` reads inverted. Returns false (and does nothing) if the bit holds no data or is reliable.
    bool addFlip(std::uint64_t bit);
    /// Bit `bit` reads `value`. Returns false (and does nothing) if the bit holds no data or is reliable.
    bool addStuck(std::uint64_t bit, std::uint8_t value);
    bool hasFaults() const { return m_hasFaults; }

  private:
    void checkRange(std::uint64_t address, std::size_t bytes, const char* what) const;
    bool bitCanFail(std::uint64_t bit) const
    {
        return (((m_usedBits & ~m_reliableBits) >> (bit % 8)) & 1u) != 0;
    }
    /// Copies the faulty view of [address, address + bytes) to out; returns the differing bits.
    std::uint64_t readFaulty(std::uint64_t address, std::uint8_t* out, std::size_t bytes) const;

    BankGeometry m_geometry;
    std::vector<std::uint64_t> m_data;
    std::vector<std::uint64_t> m_and;
    std::vector<std::uint64_t> m_or;
    std::vector<std::uint64_t> m_xor;
    bool m_hasFaults = false;
    std::uint8_t m_usedBits = 0xff;
    std::uint8_t m_reliableBits = 0;
    SramStats m_stats;
};

} // namespace voltsim::memory
