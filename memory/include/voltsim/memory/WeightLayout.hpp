#pragma once
// How weight codes sit in a chip's banks (docs/accelerator.md, "Weight SRAM"): packed m-bit codes
// (or one code per byte), a linear address space mapped to (bank, offset) with a start offset
// wrapping around the chip and a bank interleave. Which tensor piece lies at which linear address
// is the placement policy's (WeightPlacement.hpp); WeightMemory (WeightMemory.hpp) writes and
// reads the pieces through the banks' faulty read path.
#include "voltsim/memory/Geometry.hpp"
#include "voltsim/memory/Protection.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::memory {

/// How codes sit in bytes.
enum class Packing {
    Packed,      ///< m bits per code, LSB first: code i is bits [i m, i m + m) of the tensor
    BytePerCode, ///< one code per byte; bits >= m hold no data and are never faulty
};

struct WeightLayoutConfig {
    std::uint64_t startOffsetBytes = 0; ///< physical byte where linear address 0 lies (mod capacity)
    std::uint64_t interleaveBytes = 0;  ///< consecutive bytes per bank; 0 = a whole bank (no interleave)
    Packing packing = Packing::Packed;
    std::string placement = "auto"; ///< a name in weightPlacements(): which tile goes where, and when
    ProtectionSpec protection{};    ///< check bits or reliable cells between the cells and the reader
};

/// A tensor of codes (values < 2^bits, bits 1..8); the data is not owned. Placement reads only
/// `count`, `bits`, `group` and `rows`.
struct CodeTensorView {
    const std::uint8_t* codes = nullptr;
    std::size_t count = 0;
    unsigned bits = 8;
    std::size_t group = 0;     ///< tensors of one group (a layer's weight and bias) are used together
    std::size_t rows = 1;      ///< output channels: the first dimension, `count / rows` codes each
    std::uint8_t zeroCode = 0; ///< the code that decodes closest to 0 (what a zeroed word reads)
};

/// What one linear access did in the banks: enough to time it and to account its flips.
struct WeightAccess {
    std::uint64_t bankAccesses = 0; ///< runs contiguous in one bank, one bank access each
    std::uint64_t words = 0;        ///< bank words touched, summed over the runs
    std::uint64_t bitsFlipped = 0;  ///< a read's bits that differ from the stored bits (0 for writes)
};

/// One physical byte: bank and byte offset inside it.
struct BankLocation {
    std::uint32_t bank = 0;
    std::uint64_t offset = 0;
};

/// Linear -> physical mapping: p = (startOffset + a) mod capacity; chunk = p / interleave;
/// bank = chunk mod banks; offset = (chunk / banks) * interleave + p mod interleave.
class WeightLayout {
  public:
    /// InputError unless interleave divides the bank size.
    WeightLayout(const ChipGeometry& geometry, const WeightLayoutConfig& config);

    std::uint64_t capacityBytes() const { return m_capacity; }
    std::uint64_t interleaveBytes() const { return m_interleave; }
    const WeightLayoutConfig& config() const { return m_config; }
    BankLocation locate(std::uint64_t linearAddress) const;
    /// True if [linearAddress, linearAddress + bytes) lies in the linear address space.
    bool contains(std::uint64_t linearAddress, std::uint64_t bytes) const;
    /// Bytes from `linearAddress` that stay contiguous inside one bank.
    std::uint64_t contiguousBytes(std::uint64_t linearAddress) const;

    /// Bytes `count` codes of `bits` bits take with this layout's packing and protection (from a
    /// byte boundary; check bits included).
    std::uint64_t tensorBytes(std::size_t count, unsigned bits) const;
    /// Bits of every stored byte that hold data when the widest stored code has `maxBits` bits:
    /// all with Packed; bits below maxBits with BytePerCode (the others are never faulty).
    std::uint8_t usedBitsPerByte(unsigned maxBits) const;

    /// Bits of every stored byte in reliable cells (MSB protection, codes of `bits` bits): 0 without it.
    std::uint8_t reliableBitsPerByte(unsigned bits) const;
    /// InputError "<context>: ..." unless the protection fits codes of these widths: codewords need
    /// packed codes, parity words whole codes, MSB cells one width at fixed bit positions.
    void checkProtection(const std::vector<unsigned>& codeBits, const std::string& context) const;

    /// The bytes holding `count` codes of `bits` bits, check bits included. InputError if a code
    /// does not fit `bits`.
    std::vector<std::uint8_t> encode(const std::uint8_t* codes, std::size_t count, unsigned bits) const;
    /// The `count` codes held in `bytes` as read (inverse of encode on fault-free bytes), decoded
    /// through the protection: the codes of a word that fails its parity read `zeroCode`. The
    /// decoder's counts are added to `counts` when given.
    std::vector<std::uint8_t> decode(const std::uint8_t* bytes, std::size_t count, unsigned bits,
                                     std::uint8_t zeroCode = 0, ProtectionCounts* counts = nullptr) const;

  private:
    ChipGeometry m_geometry;
    WeightLayoutConfig m_config;
    std::uint64_t m_capacity;
    std::uint64_t m_interleave;
};

/// Packs `count` codes of `bits` bits LSB first into ceil(count bits / 8) bytes.
std::vector<std::uint8_t> packCodes(const std::uint8_t* codes, std::size_t count, unsigned bits);
/// Inverse of packCodes.
std::vector<std::uint8_t> unpackCodes(const std::uint8_t* bytes, std::size_t count, unsigned bits);

} // namespace voltsim::memory
