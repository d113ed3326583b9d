#include "StreamPlacement.hpp"

#include "PlacementSteps.hpp"
#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <numeric>

namespace voltsim::memory::impl {
namespace {

/// Fewest rows a step may hold so that every tensor's slice of them fills whole bytes: then each
/// tile is a byte range of its tensor's encoding, and only a tensor's last byte holds padding.
std::size_t rowGranule(const TensorGroup& group, const std::vector<CodeTensorView>& tensors,
                       const WeightLayout& layout)
{
    if (layout.config().packing != Packing::Packed)
        return 1;
    std::size_t granule = 1;
    for (std::size_t t = group.first; t < group.end; ++t) {
        const std::size_t bitsPerRow = (tensors[t].count / group.rows) * tensors[t].bits;
        granule = std::lcm(granule, 8 / std::gcd(bitsPerRow == 0 ? 8 : bitsPerRow, std::size_t{8}));
    }
    return granule;
}

/// Row boundaries of `parts` balanced steps of whole granules: parts + 1 entries from 0 to rows.
std::vector<std::size_t> splitRows(std::size_t rows, std::size_t granule, std::size_t parts)
{
    const std::size_t granules = (rows + granule - 1) / granule;
    std::vector<std::size_t> bounds;
    for (std::size_t p = 0; p <= parts; ++p)
        bounds.push_back(std::min(rows, granule * (p * granules / parts)));
    return bounds;
}

} // namespace

WeightPlan StreamPlacement::place(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                                  const std::string& context) const
{
    const std::uint64_t half = layout.capacityBytes() / 2;
    WeightPlan plan;
    plan.streamed = true;
    for (const TensorGroup& group : groupsOf(tensors, context)) {
        const std::size_t granule = rowGranule(group, tensors, layout);
        const std::size_t granules = (group.rows + granule - 1) / granule;
        const std::uint64_t granuleBytes =
            rowsBytes(group, tensors, layout, 0, std::min(granule, group.rows));
        if (granuleBytes > half)
            throw InputError(context + ": stream: layer " + std::to_string(group.group) + " needs " +
                             std::to_string(granuleBytes) + " bytes for " + std::to_string(granule) +
                             " output channel(s), more than half the weight SRAM (" + std::to_string(half) +
                             " bytes)");
        std::size_t parts =
            std::max<std::uint64_t>(1, (rowsBytes(group, tensors, layout, 0, group.rows) + half - 1) / half);
        std::vector<std::size_t> bounds = splitRows(group.rows, granule, parts);
        const auto fits = [&](const std::vector<std::size_t>& b) {
            for (std::size_t p = 0; p + 1 < b.size(); ++p)
                if (rowsBytes(group, tensors, layout, b[p], b[p + 1]) > half)
                    return false;
            return true;
        };
        while (!fits(bounds) && parts < granules)
            bounds = splitRows(group.rows, granule, ++parts);
        for (std::size_t p = 0; p + 1 < bounds.size(); ++p) {
            const std::uint64_t base = (plan.steps.size() % 2) * half;
            addStep(plan, group, tensors, layout, bounds[p], bounds[p + 1], base);
        }
    }
    assignDramOffsets(plan);
    return plan;
}

} // namespace voltsim::memory::impl
