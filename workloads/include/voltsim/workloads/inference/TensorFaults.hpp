#pragma once
// The faulty cells under what a network stores on chip for one image: its uint8 tensors in the
// activation SRAM, per tensor, and the int32 accumulators of its conv2d/linear layers in the
// accumulator SRAM, per output whose word has faulty cells. What IntegerReference applies
// (docs/accelerator.md, "Activation SRAM", "Accumulator SRAM"). Built by the simulator from the
// buffers' cells and address maps.
#include "voltsim/common/ByteFaults.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim::workloads {

/// One output of a conv2d/linear layer whose accumulator word has faulty cells.
struct FaultyAccumulator {
    std::uint32_t output = 0; ///< index in one image's output (C x H x W order; linear: the output)
    ByteFaults word;          ///< the word's faulty bytes, offsets 0..3 (int32, little-endian)
};

/// The faulty accumulators of one conv2d/linear layer.
struct LayerAccumulatorFaults {
    /// Rows of K summed per fold before its partial sum is stored (the array's rows under weight
    /// and input stationary dataflows; K itself under output stationary: one store per output).
    std::size_t foldRows = 0;
    std::vector<FaultyAccumulator> outputs; ///< by output
};

struct TensorFaults {
    /// [i]: the faulty bytes under layer i's output (one image, offsets from its first byte);
    /// [layers.size()]: under the network input. A flatten's entry is its input's (the same stored
    /// bytes); an int32 (logits) output's is empty (it is not stored in the activation SRAM).
    std::vector<ByteFaults> byTensor;
    /// [i]: the faulty accumulators of layer i (empty: none, or no accumulator SRAM faults at all).
    std::vector<LayerAccumulatorFaults> accumulators;

    /// The entry of tensor `producer` (a layer index, or kNetworkInput).
    const ByteFaults& of(std::size_t producer) const
    {
        return producer == kNetworkInput ? byTensor.back() : byTensor.at(producer);
    }
    /// The faulty accumulators of layer `layer`, or null if it has none.
    const LayerAccumulatorFaults* accumulatorsOf(std::size_t layer) const
    {
        return layer < accumulators.size() && !accumulators[layer].outputs.empty() ? &accumulators[layer]
                                                                                   : nullptr;
    }
    /// True if some stored tensor has a faulty byte or some accumulator a faulty word.
    bool any() const
    {
        for (const ByteFaults& faults : byTensor)
            if (!faults.empty())
                return true;
        for (const LayerAccumulatorFaults& layer : accumulators)
            if (!layer.outputs.empty())
                return true;
        return false;
    }
};

} // namespace voltsim::workloads
