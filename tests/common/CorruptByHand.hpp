#pragma once
// The codes a chip should return, derived by hand (not through any read path): place the tensors
// with WeightLayout in blob order, pack them, flip every bit whose (bank, bit) cell is active on
// the chip at its current operating point, unpack.
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/WeightLayout.hpp"
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
            if (chip.isActive(cell))
                active[bank].insert(cell.bit);
    memory::WeightLayout layout(chip.geometry(), config);
    std::vector<std::uint8_t> codes = package.codes;
    for (const auto& layer : package.network.layers)
        for (const auto* tensor :
             {layer.weight ? &*layer.weight : nullptr, layer.bias ? &*layer.bias : nullptr}) {
            if (tensor == nullptr)
                continue;
            const auto bits = static_cast<unsigned>(tensor->bits);
            const memory::TensorPlacement placement = layout.addTensor(tensor->count, bits);
            std::vector<std::uint8_t> packed =
                memory::packCodes(codes.data() + tensor->blobOffset, tensor->count, bits);
            for (std::uint64_t byte = 0; byte < packed.size(); ++byte) {
                const memory::BankLocation where = layout.locate(placement.address + byte);
                for (std::uint32_t bit = 0; bit < 8; ++bit)
                    if (active[where.bank].count(static_cast<std::uint32_t>(where.offset * 8 + bit)))
                        packed[byte] ^= static_cast<std::uint8_t>(1u << bit);
            }
            const auto unpacked = memory::unpackCodes(packed.data(), tensor->count, bits);
            std::copy(unpacked.begin(), unpacked.end(),
                      codes.begin() + static_cast<std::ptrdiff_t>(tensor->blobOffset));
        }
    return codes;
}

} // namespace voltsim::test
