#pragma once
// The cells of an on-chip buffer (activation or accumulator SRAM) of a chip: its own SramChip
// (banks drawn from a seed stream of its own, so a buffer's faults never change the weight SRAM's
// of the same chip seed) behind a word-interleaved linear address map. The buffer's data is
// rewritten every inference; what matters is which stored bits read wrong, given as ByteFaults
// of an address range (docs/accelerator.md, "Activation SRAM").
#include "voltsim/common/ByteFaults.hpp"
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/memory/SramChip.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::memory {

/// The seed of buffer `buffer` ("activation", "accumulator") of the chip seeded `chipSeed`:
/// splitMix64(splitMix64(chipSeed) ^ FNV-1a-64(buffer)). Independent of the weight SRAM's banks.
std::uint64_t bufferSeed(std::uint64_t chipSeed, const std::string& buffer);

/// A buffer of `sizeBytes` in `banks` equal banks of `wordBits`-bit words. InputError naming
/// `where` (the buffer's config key, e.g. "activation_sram") unless each bank holds a whole number
/// of words and of 64-bit lanes.
ChipGeometry bufferGeometry(std::uint64_t sizeBytes, std::uint32_t banks, std::uint32_t wordBits,
                            const std::string& where);

class BufferSram {
  public:
    /// Draws the buffer's cells: the chip of `profile` with `geometry` and the rest of `options`
    /// (the weight SRAM's: one technology, one fault model), seeded bufferSeed(chipSeed, name).
    /// At V_nom (no faults).
    BufferSram(std::shared_ptr<const SramProfile> profile, std::uint64_t chipSeed, const std::string& name,
               const ChipGeometry& geometry, ChipOptions options);

    /// Activates the cells faulty at `point` (SramChip::setOperatingPoint).
    void setOperatingPoint(const OperatingPoint& point);

    /// Linear address of byte `byte` of bank `bank`: words interleave over the banks (word w of
    /// the buffer is word w / banks of bank w % banks).
    std::uint64_t linearAddress(std::uint32_t bank, std::uint64_t byte) const;

    /// The faulty bytes of [address, address + bytes), offsets from `address`, sorted.
    /// std::out_of_range outside the buffer.
    ByteFaults faultsIn(std::uint64_t address, std::uint64_t bytes) const;

    std::uint64_t sizeBytes() const { return m_chip.geometry().bytes(); }
    /// Faulty cells at the operating point.
    std::uint64_t faultyCells() const { return m_chip.faultCounts().faultyCells; }
    const SramChip& chip() const { return m_chip; }

  private:
    SramChip m_chip;
    ByteFaults m_faults; ///< every faulty byte, offsets = linear addresses
};

} // namespace voltsim::memory
