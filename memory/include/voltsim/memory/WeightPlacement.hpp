#pragma once
// Placement policies (docs/accelerator.md, "Weight placement"): which piece (tile) of which weight
// tensor lies at which weight SRAM address, and when it is loaded there from DRAM. A policy turns
// the tensors (in the order the model's DRAM image holds them, grouped by layer) into a WeightPlan;
// the SystemC accelerator and the functional engine both follow the plan, so the chip's faulty
// cells corrupt each tile at the addresses it occupies on either back-end. Policies are named in
// one Registry (`weight_sram.placement`; `voltsim list`).
#include "voltsim/common/Registry.hpp"
#include "voltsim/memory/WeightLayout.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::memory {

/// Codes [firstCode, firstCode + count) of one tensor, encoded from a byte boundary (a whole
/// tensor is one tile).
struct WeightTile {
    std::size_t tensor = 0; ///< index into the placed tensors
    std::size_t firstCode = 0;
    std::size_t count = 0;
    unsigned bits = 8;
    std::uint64_t address = 0; ///< first linear weight SRAM byte
    std::uint64_t bytes = 0;   ///< WeightLayout::tensorBytes(count, bits)
    std::uint64_t dramOffset =
        0;                     ///< its bytes in the model's DRAM image: the tiles back to back, in plan order
    std::uint8_t zeroCode = 0; ///< the tensor's CodeTensorView::zeroCode
};

/// The tiles one group (layer) computes output channels [firstRow, endRow) from: one tile per
/// tensor of the group, in tensor order.
struct WeightStep {
    std::size_t group = 0;
    std::size_t firstRow = 0;
    std::size_t endRow = 0;
    std::vector<std::size_t> tiles; ///< indices into WeightPlan::tiles
};

struct WeightPlan {
    /// false: every tile is loaded once, at model load, and stays; true: each step's tiles are
    /// loaded from DRAM for every batch before the step computes (double-buffered, see `stream`).
    bool streamed = false;
    std::vector<WeightTile> tiles; ///< in load order (= DRAM image order)
    std::vector<WeightStep> steps; ///< in execution order: by group, then by rows

    /// Bytes of the model's DRAM image (every tile once).
    std::uint64_t dramBytes() const;
    /// Bytes the tiles of `step` occupy in the weight SRAM.
    std::uint64_t stepBytes(std::size_t step) const;
    /// The widest code of any tile (1 if there is none).
    unsigned maxBits() const;
};

/// The encoded bytes of `tile`, its codes taken from `tensor` (the tile's tensor).
std::vector<std::uint8_t> encodeTile(const WeightLayout& layout, const WeightTile& tile,
                                     const CodeTensorView& tensor);
/// The codes of `tile` held in `bytes` (tile.bytes of them), as read and decoded through the
/// layout's protection (its counts added to `counts` when given).
std::vector<std::uint8_t> decodeTile(const WeightLayout& layout, const WeightTile& tile,
                                     const std::uint8_t* bytes, ProtectionCounts* counts = nullptr);

/// A placement policy. Stateless; `place` is deterministic.
class IWeightPlacement {
  public:
    virtual ~IWeightPlacement() = default;
    /// The plan of `tensors` in `layout` (a group's tensors are consecutive and have the same rows).
    /// InputError "<context>: ..." if they cannot be placed (context names the config key).
    virtual WeightPlan place(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                             const std::string& context) const = 0;
};

using WeightPlacements = Registry<IWeightPlacement>;

/// The built-in placement policies, registered on first use: `auto`, `resident`, `stream`.
const WeightPlacements& weightPlacements();

/// Adds the built-in placement policies to `registry`: the one place a policy is registered.
void registerWeightPlacements(WeightPlacements& registry);

/// The plan of the policy named `layout.config().placement` (InputError naming `context` for an
/// unknown name or tensors that do not fit).
WeightPlan planWeights(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                       const std::string& context);

} // namespace voltsim::memory
