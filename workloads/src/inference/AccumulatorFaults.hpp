#pragma once
// The outputs of a conv2d/linear layer whose accumulator words have faulty cells, recomputed fold by
// fold through them (docs/accelerator.md, "Accumulator SRAM"). Internal to voltsim_workloads.
#include "voltsim/workloads/inference/TensorFaults.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim::workloads::detail {

/// `count` images' activations entering a layer, image after image (not owned).
struct ImageRange {
    const std::uint8_t* input = nullptr;
    std::size_t count = 0;
};

/// Overwrites the outputs of `faults` of conv2d/linear `layer` for every image of `images`: each
/// one's raw accumulator sum_k q_k v_k (codes v of `codes`, the whole blob) summed in folds of
/// faults.foldRows rows of the GEMM's K (C, Fh, Fw order within the output's channel group), the
/// partial sums accumulated through the word's faulty cells (accumulateThrough), then requantized
/// (docs/datapath.md): to `output` (uint8, a hidden layer) or `logits` (int32, the last layer),
/// image after image.
void applyAccumulatorFaults(const Layer& layer, const std::vector<std::uint8_t>& codes,
                            const LayerAccumulatorFaults& faults, const ImageRange& images,
                            std::uint8_t* output, std::int32_t* logits);

} // namespace voltsim::workloads::detail
