#pragma once
// Exact incremental inference of one conv2d/linear layer (docs/sweep.md, "Incremental inference"):
// its clean int32 accumulators plus the contribution of the weight codes that differ, then the
// requantization of docs/datapath.md with the bias terms of the faulty codes. Internal to
// voltsim_workloads.
#include "LayerKernels.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim::workloads::detail {

/// One weight code that differs from the clean one: weight (filter, input) of the layer, with
/// `delta` = faulty code - clean code (so the accumulator changes by delta * q_input).
struct WeightFlip {
    std::uint32_t filter = 0;
    std::uint32_t input = 0; ///< k in the layer's C x Fh x Fw (or input vector) order
    std::int32_t delta = 0;
};

/// True for the layers runIncremental computes: conv2d with one group and uint8 output, linear.
bool supportsIncremental(const Layer& layer);

/// Accumulators per image of `layer` (supportsIncremental): N x Ho x Wo for a conv2d, N for a
/// linear layer (the layer's output size).
std::size_t accumulatorsPerImage(const Layer& layer);
/// Sums of inputs per image: one Sq per output pixel (Ho x Wo) for a conv2d, one for a linear layer.
std::size_t inputSumsPerImage(const Layer& layer);

/// The weight codes of `layer` that differ between `codes` and `clean` (whole blobs), ordered by
/// filter then input.
/// @throws std::invalid_argument if a code of the layer in `codes` exceeds its tensor's bit width.
std::vector<WeightFlip> weightFlips(const Layer& layer, const std::vector<std::uint8_t>& codes,
                                    const std::vector<std::uint8_t>& clean);

/// Writes the accumulators (sum_k (v - z) q_k, accumulatorsPerImage per image, C x H x W order)
/// and sums of inputs (inputSumsPerImage per image) of `prepared` for `count` images of `input`.
void storeAccumulators(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count,
                       std::int32_t* sums, std::int32_t* inputSums, Workspace& work);

/// What runIncremental needs of a layer: the clean accumulators and sums of inputs of every image
/// (storeAccumulators of the clean codes; not owned), the flipped weights and the faulty bias terms.
struct IncrementalLayer {
    const Layer* layer = nullptr; ///< not owned
    KernelPath path = KernelPath::Portable;
    const std::int32_t* cleanSums = nullptr;
    const std::int32_t* cleanInputSums = nullptr;
    std::vector<WeightFlip> flips; ///< ordered by filter
    std::vector<std::int64_t> biasTerm;
};

/// The layer's output for images firstImage .. firstImage + count - 1 (`input`: their activations
/// entering the layer, image after image): clean accumulators plus delta * q of every flip,
/// requantized. Hidden layers write uint8 to `activations`; a last layer writes int32 `logits`.
/// Bit for bit what runConv/runLinear compute with the faulty codes.
void runIncremental(const IncrementalLayer& incremental, const std::uint8_t* input, std::size_t firstImage,
                    std::size_t count, std::uint8_t* activations, std::int32_t* logits, Workspace& work);

} // namespace voltsim::workloads::detail
