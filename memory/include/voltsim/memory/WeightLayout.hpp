#pragma once
// The one weight store (docs/accelerator.md, "Weight SRAM"): WeightLayout places quantized weight
// codes in a chip's banks (packed m-bit codes, tensors back to back from byte boundaries, linear
// address mapping with a start offset wrapping around the chip and a bank interleave) and encodes
// and decodes them; WeightMemory writes and reads them through the banks' faulty read path. The
// functional engine and the SystemC weight SRAM both go through these calls.
#include "voltsim/memory/Geometry.hpp"
#include "voltsim/memory/SramChip.hpp"

#include <cstddef>
#include <cstdint>
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
};

/// A tensor of codes (values < 2^bits, bits 1..8); the data is not owned. Placement reads only
/// `count` and `bits`.
struct CodeTensorView {
    const std::uint8_t* codes = nullptr;
    std::size_t count = 0;
    unsigned bits = 8;
};

/// Where one tensor lies in the linear weight address space.
struct TensorPlacement {
    std::uint64_t address = 0; ///< first linear byte
    std::uint64_t bytes = 0;
    std::size_t count = 0;
    unsigned bits = 8;
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

    /// Appends a tensor; InputError if bits is not 1..8 or the chip is full.
    const TensorPlacement& addTensor(std::size_t count, unsigned bits);
    const std::vector<TensorPlacement>& tensors() const { return m_tensors; }
    std::uint64_t usedBytes() const { return m_used; }
    /// Bytes a tensor of `count` codes of `bits` bits takes with this layout's packing.
    std::uint64_t tensorBytes(std::size_t count, unsigned bits) const;
    /// Bits of every stored byte that hold data: all with Packed; bits below the widest code with
    /// BytePerCode (the others are never faulty).
    std::uint8_t usedBitsPerByte() const;

    /// The bytes tensor `index` occupies, holding `codes` (its count of them). InputError if a code
    /// does not fit the tensor's bits.
    std::vector<std::uint8_t> encode(std::size_t index, const std::uint8_t* codes) const;
    /// The codes held in tensor `index`'s bytes as read (inverse of encode on fault-free bytes).
    std::vector<std::uint8_t> decode(std::size_t index, const std::uint8_t* bytes) const;

  private:
    ChipGeometry m_geometry;
    WeightLayoutConfig m_config;
    std::uint64_t m_capacity;
    std::uint64_t m_interleave;
    std::uint64_t m_used = 0;
    std::vector<TensorPlacement> m_tensors;
};

/// Packs `count` codes of `bits` bits LSB first into ceil(count bits / 8) bytes.
std::vector<std::uint8_t> packCodes(const std::uint8_t* codes, std::size_t count, unsigned bits);
/// Inverse of packCodes.
std::vector<std::uint8_t> unpackCodes(const std::uint8_t* bytes, std::size_t count, unsigned bits);

/// Weight codes held in a chip. The chip is not owned and must outlive this object.
class WeightMemory {
  public:
    WeightMemory(SramChip& chip, const WeightLayoutConfig& config);

    /// Places the tensors back to back without writing them (their codes are not read); InputError
    /// if the chip is too small. Marks the bits no code uses as holding no data (usedBitsPerByte).
    void place(const std::vector<CodeTensorView>& tensors);
    /// place(), then writes every tensor's encoded codes (counted writes); InputError if a code
    /// does not fit its bits.
    void load(const std::vector<CodeTensorView>& tensors);

    /// Stores linear bytes (counted per bank access). std::out_of_range outside the layout.
    WeightAccess write(std::uint64_t linearAddress, const std::uint8_t* in, std::size_t bytes);
    /// Reads linear bytes through the banks' faulty read path (counted per bank access).
    /// std::out_of_range outside the layout.
    WeightAccess read(std::uint64_t linearAddress, std::uint8_t* out, std::size_t bytes);
    /// Reads tensor `index` back through the faulty path and decodes its codes.
    std::vector<std::uint8_t> readCodes(std::size_t index);

    const WeightLayout& layout() const { return m_layout; }
    SramChip& chip() { return m_chip; }
    const SramChip& chip() const { return m_chip; }

  private:
    SramChip& m_chip;
    WeightLayout m_layout;
};

} // namespace voltsim::memory
