#pragma once
// What the placement policies share: tensors grouped by layer, and a step's tiles laid back to
// back from an address.
#include "voltsim/memory/WeightPlacement.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::memory::impl {

/// Consecutive tensors [first, end) of one group, each with `rows` output channels.
struct TensorGroup {
    std::size_t group = 0;
    std::size_t first = 0;
    std::size_t end = 0;
    std::size_t rows = 1;
};

/// The groups of `tensors` in order. InputError "<context>: ..." for codes of other than 1..8 bits;
/// std::invalid_argument if a group's tensors disagree on rows or rows do not divide a count.
std::vector<TensorGroup> groupsOf(const std::vector<CodeTensorView>& tensors, const std::string& context);

/// Bytes of rows [firstRow, endRow) of every tensor of `group`, each from a byte boundary.
std::uint64_t rowsBytes(const TensorGroup& group, const std::vector<CodeTensorView>& tensors,
                        const WeightLayout& layout, std::size_t firstRow, std::size_t endRow);

/// Appends the step of rows [firstRow, endRow) of `group` to `plan`, its tiles back to back from
/// `address`; returns the address after the last tile.
std::uint64_t addStep(WeightPlan& plan, const TensorGroup& group, const std::vector<CodeTensorView>& tensors,
                      const WeightLayout& layout, std::size_t firstRow, std::size_t endRow,
                      std::uint64_t address);

/// Sets every tile's dramOffset: the tiles back to back in plan order.
void assignDramOffsets(WeightPlan& plan);

} // namespace voltsim::memory::impl
