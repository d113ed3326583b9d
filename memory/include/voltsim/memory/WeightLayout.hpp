#pragma once
// Placing quantized weight codes in a chip's banks: packed m-bit codes, tensors back to back (each
// from a byte boundary), linear address mapping with a start offset (wrapping around the chip)
// and a bank interleave. WeightMemory writes them and reads every code back through the faulty
// read path of the banks.
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

/// A tensor of codes (values < 2^bits, bits 1..8); the data is not owned.
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
    /// Bytes from `linearAddress` that stay contiguous inside one bank.
    std::uint64_t contiguousBytes(std::uint64_t linearAddress) const;

    /// Appends a tensor; InputError if bits is not 1..8 or the chip is full.
    const TensorPlacement& addTensor(std::size_t count, unsigned bits);
    const std::vector<TensorPlacement>& tensors() const { return m_tensors; }
    std::uint64_t usedBytes() const { return m_used; }
    /// Bytes a tensor of `count` codes of `bits` bits takes with this layout's packing.
    std::uint64_t tensorBytes(std::size_t count, unsigned bits) const;

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

    /// Places and writes (counted writes) every tensor; InputError if a code does not fit its
    /// bits or the chip is too small. For BytePerCode, marks bits >= max(bits) as holding no data.
    void load(const std::vector<CodeTensorView>& tensors);

    /// Reads linear bytes through the banks' faulty read path (counted per bank access).
    void read(std::uint64_t linearAddress, std::uint8_t* out, std::size_t bytes);
    /// Reads tensor `index` back through the faulty path and decodes its codes.
    std::vector<std::uint8_t> readCodes(std::size_t index);

    const WeightLayout& layout() const { return m_layout; }
    SramChip& chip() { return m_chip; }

private:
    void write(std::uint64_t linearAddress, const std::uint8_t* in, std::size_t bytes);

    SramChip& m_chip;
    WeightLayout m_layout;
};

} // namespace voltsim::memory
