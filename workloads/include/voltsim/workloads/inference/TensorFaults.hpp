#pragma once
// The faulty cells under the tensors a network stores in the activation SRAM, per tensor of one
// image: what IntegerReference applies to each stored tensor (docs/accelerator.md, "Activation
// SRAM"). Built by the simulator from the activation SRAM's cells and its address map.
#include "voltsim/common/ByteFaults.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <cstddef>
#include <vector>

namespace voltsim::workloads {

struct TensorFaults {
    /// [i]: the faulty bytes under layer i's output (one image, offsets from its first byte);
    /// [layers.size()]: under the network input. A flatten's entry is its input's (the same stored
    /// bytes); an int32 (logits) output's is empty (it is not stored in the activation SRAM).
    std::vector<ByteFaults> byTensor;

    /// The entry of tensor `producer` (a layer index, or kNetworkInput).
    const ByteFaults& of(std::size_t producer) const
    {
        return producer == kNetworkInput ? byTensor.back() : byTensor.at(producer);
    }
    /// True if some stored tensor has a faulty byte.
    bool any() const
    {
        for (const ByteFaults& faults : byTensor)
            if (!faults.empty())
                return true;
        return false;
    }
};

} // namespace voltsim::workloads
