#pragma once
// The C++ integer reference: docs/datapath.md computed exactly, fast enough for full-test-set sweeps.
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/TensorFaults.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace voltsim::workloads {

/// Inputs to a suffix of the network: `count` rows of the uint8 activations entering layer `layer`
/// (its input shape flattened, row after row; for layer 0 the raw images). Not owned. `layer` must
/// be a cut point of the graph (Network::isCutPoint): nothing after it reads another earlier tensor.
struct LayerInputs {
    std::size_t layer = 0;
    const std::uint8_t* data = nullptr;
    std::size_t count = 0;
};

/// std::allocator whose value-less construct default-initializes (no zeroing on resize): for large
/// buffers every element of which is written, by worker threads, before it is read. Zeroing them
/// first would cost a serial pass over memory the workers then write again.
template <class T> struct DefaultInitAllocator : std::allocator<T> {
    template <class U> struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() = default;
    template <class U> explicit DefaultInitAllocator(const DefaultInitAllocator<U>& /*other*/) noexcept {}
    template <class U> void construct(U* place) noexcept(std::is_nothrow_default_constructible_v<U>)
    {
        ::new (static_cast<void*>(place)) U;
    }
    template <class U, class... Args> void construct(U* place, Args&&... args)
    {
        ::new (static_cast<void*>(place)) U(std::forward<Args>(args)...);
    }
};

/// The clean int32 accumulators of one conv2d (one group) or linear layer for `count` inputs
/// (IntegerReference::accumulators): what incremental inference adds the flipped codes to.
struct LayerAccumulators {
    std::size_t layer = 0;
    std::size_t count = 0;
    /// per input: sum_k (v - z) q_k per output (C x H x W order)
    std::vector<std::int32_t, DefaultInitAllocator<std::int32_t>> sums;
    /// per input: Sq per output pixel (conv2d) or one (linear)
    std::vector<std::int32_t, DefaultInitAllocator<std::int32_t>> inputSums;
};

namespace detail {
struct IncrementalLayer;
class ChannelPatch;
} // namespace detail

/// Exact integer inference of a model package's network on caller-supplied codes (clean, or read
/// through a faulty SRAM). Results depend only on the inputs, never on the thread count or batching.
///
/// The layers run in list order, each reading its inputs' tensors (a graph: docs/datapath.md,
/// "Graph layers"); a grouped conv2d runs one GEMM per group.
/// How: every conv2d/linear layer is an int16 x int16 -> int32 GEMM (AVX2 vpmaddwd where the CPU
/// has it, a portable kernel otherwise) of the signed codes (v - z) against im2col patches (conv,
/// with an all-ones row that yields Sq per pixel) or of the input vectors against the codes (linear,
/// Sq summed per input); then T and the requantization of docs/datapath.md in int64. acc - z Sq is
/// computed as sum (v - z) q, which is the same integer.
class IntegerReference {
  public:
    /// count x num_classes int32 logits, one row per image.
    using Logits = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    /// Keeps a copy of the network description (not the codes). `threads` 0 means one per hardware thread.
    explicit IntegerReference(const ModelPackage& package, unsigned threads = 0);

    /// Logits of `count` images (`images`: count x inputSize raw pixels, image after image) with the
    /// given codes (the blob layout of the package; decoded once per call). With `faults` (not
    /// owned; null or without tensors: none), every stored tensor reads as its faulty cells make
    /// it: the images once they are in, each layer's output once it is written (applyByteFaults on
    /// every image).
    /// @throws std::invalid_argument if codes has the wrong size or a code exceeds its tensor's
    /// width, or `faults` is not of this network.
    Logits logits(const std::vector<std::uint8_t>& codes, const std::uint8_t* images, std::size_t count,
                  const TensorFaults* faults = nullptr) const;

    /// Logits of running layers inputs.layer .. end on `inputs`. With the activations that the same
    /// codes (or codes equal to these in every layer before inputs.layer) produce entering that
    /// layer, this is exactly logits() of the images: the prefix-caching entry point of sweeps.
    /// `faults` as in logits(): the tensor entering inputs.layer is given as written (its faults
    /// are applied here), so clean activations entering it may be passed.
    /// @throws std::invalid_argument as logits(), or if inputs.layer is not a layer index.
    Logits logits(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                  const TensorFaults* faults = nullptr) const;

    /// The uint8 activations entering layer `until` (inputs.count rows of its input size) after
    /// running layers inputs.layer .. until - 1 on `inputs`.
    /// @throws std::invalid_argument as logits(), or unless inputs.layer < until < layer count and
    /// both are cut points.
    std::vector<std::uint8_t> activations(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                                          std::size_t until) const;

    /// True if layer `layer` has incremental inference: a cut point (Network::isCutPoint) that is a
    /// conv2d with one group (and uint8 output) or a linear layer.
    bool supportsIncremental(std::size_t layer) const;

    /// Bytes of LayerAccumulators per input of layer `layer` (supportsIncremental).
    std::size_t accumulatorBytesPerImage(std::size_t layer) const;

    /// The accumulators of layer inputs.layer (supportsIncremental) with `codes` on `inputs` (the
    /// activations entering it).
    /// @throws std::invalid_argument as logits(), or unless supportsIncremental(inputs.layer).
    LayerAccumulators accumulators(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs) const;

    /// Incremental inference: logits(codes, inputs), computing layer inputs.layer as `clean` (its
    /// accumulators with `cleanCodes` on the same inputs) plus (v - v_clean) q for every weight code
    /// of that layer that differs, requantized with the bias codes of `codes`; the layers after it
    /// run densely. Bit for bit logits(codes, inputs) when `codes` equal `cleanCodes` in every layer
    /// before inputs.layer and `inputs` are what they produce (docs/sweep.md, "Incremental inference").
    /// `faults` as in logits(), but the tensor entering inputs.layer must have none (the clean
    /// accumulators are of its clean value).
    /// @throws std::invalid_argument as logits(), if `clean` is not of inputs.layer and inputs.count,
    /// or if `faults` has faults under the tensor entering inputs.layer.
    Logits logits(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                  const LayerAccumulators& clean, const std::vector<std::uint8_t>& cleanCodes,
                  const TensorFaults* faults = nullptr) const;

    /// The layer whose input a change of conv2d `source`'s codes alters only in the output channels
    /// of the filters that changed (the conv's output, or its 2x2 max-pool's, read by that layer
    /// alone, a cut point); the layer count if there is none.
    std::size_t patchedLayer(std::size_t source) const;
    /// The filters of conv2d `layer` whose weight or bias codes differ between `codes` and
    /// `cleanCodes`, in order.
    /// @throws std::invalid_argument as logits(), or if `layer` is not a conv2d.
    std::vector<std::size_t> changedFilters(std::size_t layer, const std::vector<std::uint8_t>& codes,
                                            const std::vector<std::uint8_t>& cleanCodes) const;

    /// Inference resumed after a conv2d whose codes differ in a few filters: logits(codes, inputs)
    /// with `inputs` (inputs.layer = patchedLayer(source.layer)) the tensor entering that layer
    /// under `cleanCodes`, except in the output channels of the filters of conv2d source.layer whose
    /// weight or bias codes differ, which are recomputed from `source` (the activations entering
    /// that conv for the same images). Bit for bit logits(codes, source) when `codes` equal
    /// `cleanCodes` in every layer before source.layer and `inputs` are what they produce
    /// (docs/sweep.md, "Patched channels").
    /// @throws std::invalid_argument as logits(), or unless patchedLayer(source.layer) is
    /// inputs.layer and both hold the same number of images.
    Logits logits(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                  const LayerInputs& source, const std::vector<std::uint8_t>& cleanCodes) const;

    /// Predicted class per image (argmax of the logits, lowest index on ties).
    std::vector<int> classify(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                              std::size_t count) const;

    /// Number of images among the first `count` whose predicted class differs from `labels`.
    std::size_t countErrors(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                            const Label* labels, std::size_t count) const;

    /// Number of rows of `logits` whose predicted class (argmaxLowest) differs from `labels`.
    static std::size_t countErrors(const Logits& logits, const Label* labels);

    /// Number of inputs whose predicted class (logits(codes, inputs, faults)) differs from `labels`.
    std::size_t countErrors(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                            const Label* labels, const TensorFaults* faults = nullptr) const;

    unsigned threads() const { return m_threads; }
    const Network& network() const { return m_network; }

  private:
    /// Runs layers inputs.layer .. until - 1 over the worker threads; the last layer's output goes
    /// to `logits` (until = layer count) or `activations` (otherwise).
    /// With `incremental` (not owned) the first layer runs incrementally; with `faults` (not owned)
    /// the stored tensors read through their faulty cells; with `patch` (not owned) the tensor
    /// entering the first layer has its changed channels recomputed.
    void run(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs, std::size_t until,
             std::int32_t* logits, std::uint8_t* activations,
             const detail::IncrementalLayer* incremental = nullptr, const TensorFaults* faults = nullptr,
             const detail::ChannelPatch* patch = nullptr) const;
    /// Threads for `count` images.
    std::size_t workersFor(std::size_t count) const;
    /// @throws std::invalid_argument unless codes has the package's size.
    void checkCodes(const std::vector<std::uint8_t>& codes) const;

    Network m_network;
    std::vector<std::vector<Layer>>
        m_groupLayers;              ///< per conv2d layer but a depthwise one: its groups (convGroups)
    std::vector<bool> m_fusedPools; ///< per layer: a conv2d computed with the max-pool after it
    std::size_t m_blobBytes;
    unsigned m_threads;
};

} // namespace voltsim::workloads
