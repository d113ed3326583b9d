#include "voltsim/memory/WeightPlacement.hpp"

#include "impl/AutoPlacement.hpp"
#include "impl/ResidentPlacement.hpp"
#include "impl/StreamPlacement.hpp"

#include <algorithm>

namespace voltsim::memory {

std::uint64_t WeightPlan::dramBytes() const
{
    std::uint64_t bytes = 0;
    for (const WeightTile& tile : tiles)
        bytes += tile.bytes;
    return bytes;
}

std::uint64_t WeightPlan::stepBytes(std::size_t step) const
{
    std::uint64_t bytes = 0;
    for (const std::size_t tile : steps.at(step).tiles)
        bytes += tiles.at(tile).bytes;
    return bytes;
}

unsigned WeightPlan::maxBits() const
{
    unsigned bits = 1;
    for (const WeightTile& tile : tiles)
        bits = std::max(bits, tile.bits);
    return bits;
}

std::vector<std::uint8_t> encodeTile(const WeightLayout& layout, const WeightTile& tile,
                                     const CodeTensorView& tensor)
{
    return layout.encode(tensor.codes + tile.firstCode, tile.count, tile.bits);
}

std::vector<std::uint8_t> decodeTile(const WeightLayout& layout, const WeightTile& tile,
                                     const std::uint8_t* bytes, ProtectionCounts* counts)
{
    return layout.decode(bytes, tile.count, tile.bits, tile.zeroCode, counts);
}

const WeightPlacements& weightPlacements()
{
    return WeightPlacements::builtIn("weight placement", registerWeightPlacements);
}

void registerWeightPlacements(WeightPlacements& registry)
{
    registry.add("auto", "resident if the weights fit the weight SRAM, stream otherwise",
                 [] { return std::make_unique<impl::AutoPlacement>(); });
    registry.add("resident", "every tensor placed once, back to back, loaded at model load",
                 [] { return std::make_unique<impl::ResidentPlacement>(); });
    registry.add("stream",
                 "layer by layer through the two halves of the SRAM, reloaded per batch (double-buffered)",
                 [] { return std::make_unique<impl::StreamPlacement>(); });
}

WeightPlan planWeights(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                       const std::string& context)
{
    return weightPlacements().create(layout.config().placement, context)->place(tensors, layout, context);
}

} // namespace voltsim::memory
