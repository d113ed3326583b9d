#pragma once
// Geometry of SRAM arrays (banks) and of a chip made of several identical banks.
#include <cstddef>
#include <cstdint>

namespace voltsim::memory {

/// One SRAM array: `rows` words of `wordBits` bits. Bit `b` of the array is row b / wordBits,
/// column b % wordBits; byte k holds bits 8k..8k+7 (bit 0 = LSB). Valid geometries have
/// wordBits a multiple of 8 and rows * wordBits a multiple of 64 (whole 64-bit mask lanes).
struct BankGeometry {
    std::uint32_t rows = 512;
    std::uint32_t wordBits = 64;

    std::uint64_t bits() const { return std::uint64_t{rows} * wordBits; }
    std::size_t bytes() const { return static_cast<std::size_t>(bits() / 8); }
    std::size_t wordBytes() const { return wordBits / 8; }
    bool operator==(const BankGeometry& other) const
    {
        return rows == other.rows && wordBits == other.wordBits;
    }
};

/// A chip: `banks` identical arrays. The default is the paper's profiled chip: 32 arrays of
/// 512 x 64 bits (1 Mbit, 128 KiB).
struct ChipGeometry {
    std::uint32_t banks = 32;
    BankGeometry bank{};

    std::uint64_t bits() const { return bank.bits() * banks; }
    std::size_t bytes() const { return bank.bytes() * banks; }
};

/// Throws std::invalid_argument unless the geometry is usable (see BankGeometry).
void validateGeometry(const ChipGeometry& geometry);

} // namespace voltsim::memory
