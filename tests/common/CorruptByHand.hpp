#pragma once
// The codes a chip should return, derived by hand (not through any read path): take the tiles of
// the configured placement policy's plan, pack each, flip every bit whose (bank, bit) cell is
// active on the chip at its current operating point at the tile's addresses, unpack.
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/WeightPlacement.hpp"
#include "voltsim/models/accelerator/WeightTensors.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

namespace voltsim::test {

inline std::vector<std::uint8_t> corruptByHand(const memory::SramChip& chip,
                                               const memory::WeightLayoutConfig& config,
                                               const workloads::ModelPackage& package)
{
    std::vector<std::set<std::uint32_t>> active(chip.bankCount());
    for (std::uint32_t bank = 0; bank < chip.bankCount(); ++bank)
        for (const auto& cell : chip.cells(bank))
            if (chip.isActive(bank, cell))
                active[bank].insert(cell.bit);
    memory::WeightLayout layout(chip.geometry(), config);
    const std::vector<memory::CodeTensorView> tensors = models::weightTensors(package);
    std::vector<std::uint8_t> codes = package.codes;
    for (const memory::WeightTile& tile : memory::planWeights(tensors, layout, "test").tiles) {
        const auto blobOffset = static_cast<std::size_t>(tensors[tile.tensor].codes - package.codes.data());
        std::vector<std::uint8_t> packed =
            memory::packCodes(package.codes.data() + blobOffset + tile.firstCode, tile.count, tile.bits);
        for (std::uint64_t byte = 0; byte < packed.size(); ++byte) {
            const memory::BankLocation where = layout.locate(tile.address + byte);
            for (std::uint32_t bit = 0; bit < 8; ++bit)
                if (active[where.bank].count(static_cast<std::uint32_t>(where.offset * 8 + bit)))
                    packed[byte] ^= static_cast<std::uint8_t>(1u << bit);
        }
        const auto unpacked = memory::unpackCodes(packed.data(), tile.count, tile.bits);
        std::copy(unpacked.begin(), unpacked.end(),
                  codes.begin() + static_cast<std::ptrdiff_t>(blobOffset + tile.firstCode));
    }
    return codes;
}

} // namespace voltsim::test
