#pragma once
// The one weight store (docs/accelerator.md, "Weight SRAM"): the tiles of a WeightPlan written to
// and read from a chip's banks through their faulty read path. The functional engine and the
// SystemC weight SRAM both go through these calls.
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/memory/WeightPlacement.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::memory {

/// Weight codes held in a chip. The chip is not owned and must outlive this object.
class WeightMemory {
  public:
    WeightMemory(SramChip& chip, const WeightLayoutConfig& config);

    /// Plans the tensors with the config's placement policy without writing them (their codes are
    /// not read); InputError naming `context` if they cannot be placed, or naming
    /// "weight_sram.protection" if the protection does not fit them. Marks the bits no code uses as
    /// holding no data (WeightLayout::usedBitsPerByte) and MSB-protected bits as reliable cells.
    void place(const std::vector<CodeTensorView>& tensors,
               const std::string& context = "weight_sram.placement");

    /// The codes of every tensor as the accelerator reads them: each tile of the plan written
    /// (counted) and read back through the faulty path before the next tile is written, in plan
    /// order. Places the tensors first if nothing is placed. InputError if a code does not fit.
    std::vector<std::vector<std::uint8_t>> readBack(const std::vector<CodeTensorView>& tensors);
    /// What the protection's decoders did in readBack calls so far.
    const ProtectionCounts& protectionCounts() const { return m_protectionCounts; }

    /// Stores linear bytes (counted per bank access). std::out_of_range outside the layout.
    WeightAccess write(std::uint64_t linearAddress, const std::uint8_t* in, std::size_t bytes);
    /// Reads linear bytes through the banks' faulty read path (counted per bank access).
    /// std::out_of_range outside the layout.
    WeightAccess read(std::uint64_t linearAddress, std::uint8_t* out, std::size_t bytes);

    const WeightLayout& layout() const { return m_layout; }
    const WeightPlan& plan() const { return m_plan; }
    SramChip& chip() { return m_chip; }
    const SramChip& chip() const { return m_chip; }

  private:
    SramChip& m_chip;
    WeightLayout m_layout;
    WeightPlan m_plan;
    bool m_placed = false;
    ProtectionCounts m_protectionCounts;
};

} // namespace voltsim::memory
