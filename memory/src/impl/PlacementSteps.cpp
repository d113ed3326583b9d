#include "PlacementSteps.hpp"

#include "voltsim/common/Error.hpp"

#include <stdexcept>

namespace voltsim::memory::impl {

std::vector<TensorGroup> groupsOf(const std::vector<CodeTensorView>& tensors, const std::string& context)
{
    std::vector<TensorGroup> groups;
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        const CodeTensorView& tensor = tensors[t];
        if (tensor.bits < 1 || tensor.bits > 8)
            throw InputError(context + ": tensor " + std::to_string(t) + " has " +
                             std::to_string(tensor.bits) + "-bit codes (valid: 1..8)");
        const std::size_t rows = tensor.rows == 0 ? 1 : tensor.rows;
        if (tensor.count % rows != 0)
            throw std::invalid_argument("weight placement: tensor " + std::to_string(t) + " has " +
                                        std::to_string(tensor.count) + " codes in " + std::to_string(rows) +
                                        " rows");
        if (groups.empty() || groups.back().group != tensor.group) {
            groups.push_back({tensor.group, t, t + 1, rows});
            continue;
        }
        if (groups.back().rows != rows)
            throw std::invalid_argument("weight placement: the tensors of group " +
                                        std::to_string(tensor.group) + " differ in rows");
        groups.back().end = t + 1;
    }
    return groups;
}

std::uint64_t rowsBytes(const TensorGroup& group, const std::vector<CodeTensorView>& tensors,
                        const WeightLayout& layout, std::size_t firstRow, std::size_t endRow)
{
    std::uint64_t bytes = 0;
    for (std::size_t t = group.first; t < group.end; ++t)
        bytes += layout.tensorBytes((endRow - firstRow) * (tensors[t].count / group.rows), tensors[t].bits);
    return bytes;
}

std::uint64_t addStep(WeightPlan& plan, const TensorGroup& group, const std::vector<CodeTensorView>& tensors,
                      const WeightLayout& layout, std::size_t firstRow, std::size_t endRow,
                      std::uint64_t address)
{
    WeightStep step{group.group, firstRow, endRow, {}};
    for (std::size_t t = group.first; t < group.end; ++t) {
        const std::size_t perRow = tensors[t].count / group.rows;
        WeightTile tile;
        tile.tensor = t;
        tile.firstCode = firstRow * perRow;
        tile.count = (endRow - firstRow) * perRow;
        tile.bits = tensors[t].bits;
        tile.zeroCode = tensors[t].zeroCode;
        tile.address = address;
        tile.bytes = layout.tensorBytes(tile.count, tile.bits);
        address += tile.bytes;
        step.tiles.push_back(plan.tiles.size());
        plan.tiles.push_back(tile);
    }
    plan.steps.push_back(std::move(step));
    return address;
}

void assignDramOffsets(WeightPlan& plan)
{
    std::uint64_t offset = 0;
    for (WeightTile& tile : plan.tiles) {
        tile.dramOffset = offset;
        offset += tile.bytes;
    }
}

} // namespace voltsim::memory::impl
