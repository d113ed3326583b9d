#pragma once
// The post-processing unit (docs/datapath.md): turns the array's int32 accumulators into the
// layer's outputs with the integer weight-decoding correction (sum of inputs), bias, requantization
// (multiplier and shift, round half up), fused ReLU and saturation; and the element-wise layers of
// a graph on uint8 values: max-pool, average pools, add and concat (docs/datapath.md, "Graph
// layers"). Plain arithmetic, no timing: the requantization is pipelined with the array's drain;
// an element-wise layer costs its input reads / PpuSpecs::lanes cycles (charged by the controller).
#include "voltsim/models/array/SystolicArray.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <cstdint>
#include <vector>

namespace voltsim::models {

/// Operands of one requantization: the accumulators of `images` images stacked in acc's rows
/// (acc is (images * pixels) x N), the per-row input sums Sq, and the layer's bias codes as read
/// from weight SRAM.
struct RequantInput {
    const AccMatrix* acc = nullptr;
    const std::vector<std::int32_t>* inputSums = nullptr; ///< one per acc row
    const std::vector<std::uint8_t>* biasCodes = nullptr; ///< N codes
    std::int64_t images = 0;
};

class PostProcessor {
  public:
    /// Hidden layer: uint8 activations in [image][channel][pixel] order (C-major, as the next
    /// layer and flatten expect). `layer` must be conv2d/linear with a uint8 output.
    static std::vector<std::uint8_t> requantizeHidden(const RequantInput& input,
                                                      const workloads::Layer& layer);

    /// Last layer: int32 logits, images x N, row-major.
    static std::vector<std::int32_t> requantizeLogits(const RequantInput& input,
                                                      const workloads::Layer& layer);

    /// T >> shift with round half up (docs/datapath.md), before clamping, for one output.
    static std::int64_t requantize(std::int32_t acc, std::int32_t inputSum, std::uint8_t biasCode,
                                   const workloads::Layer& layer);

    /// Max-pool of `images` images of the layer's in_shape (C, H, W) into its out_shape; padded
    /// positions are ignored.
    static std::vector<std::uint8_t> maxPool(const std::vector<std::uint8_t>& input, std::int64_t images,
                                             const workloads::Layer& layer);

    /// avgpool2d or global_avgpool of `images` images: floor((2 S + n) / (2 n)) per window.
    static std::vector<std::uint8_t> averagePool(const std::vector<std::uint8_t>& input, std::int64_t images,
                                                 const workloads::Layer& layer);

    /// add or concat of `images` images; inputs[i] holds the images of the layer's input i.
    static std::vector<std::uint8_t> merge(const std::vector<const std::vector<std::uint8_t>*>& inputs,
                                           std::int64_t images, const workloads::Layer& layer);
};

} // namespace voltsim::models
