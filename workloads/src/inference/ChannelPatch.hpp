#pragma once
// Inference resumed after a conv2d whose codes differ in a few filters (docs/sweep.md, "Patched
// channels"): the tensor entering the next cut point is its clean value except in the output
// channels of those filters, which are recomputed alone. Internal to voltsim_workloads.
#include "LayerKernels.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace voltsim::workloads::detail {

/// The layer whose input a change of conv2d `source`'s codes alters only in the output channels of
/// the changed filters: source + 2 if a max-pool runs with the conv (`fusedPools`, as
/// IntegerReference finds them) and reads it alone, source + 1 if that layer reads the conv alone;
/// in both cases a cut point (Network::isCutPoint). network.layers.size() if neither holds or
/// `source` is not a conv2d of one group with uint8 output.
std::size_t patchedLayer(const Network& network, const std::vector<bool>& fusedPools, std::size_t source);

/// The filters of conv2d `layer` whose weight or bias codes differ between `codes` and `clean`
/// (whole blobs), in order.
/// @throws std::invalid_argument if a differing code exceeds its tensor's bit width.
std::vector<std::size_t> changedFilters(const Layer& layer, const std::vector<std::uint8_t>& codes,
                                        const std::vector<std::uint8_t>& clean);

/// The changed filters of a conv2d (and the 2x2 max-pool computed with it, if any) as a conv of
/// their own, decoded from the faulty codes, and the inputs of the conv they are computed from.
/// Not copyable: its prepared weights point at its own layer.
class ChannelPatch {
  public:
    /// `pool`: the max-pool after `conv` (fusesWithMaxPool) or null. `source`: the activations
    /// entering `conv`, one row per image of the job.
    ChannelPatch(const Layer& conv, const Layer* pool, std::vector<std::size_t> filters,
                 const std::vector<std::uint8_t>& codes, KernelPath path, const LayerInputs& source);
    ChannelPatch(const ChannelPatch&) = delete;
    ChannelPatch& operator=(const ChannelPatch&) = delete;

    /// Overwrites the changed channels in the tensors of images firstImage .. firstImage + count - 1
    /// (`entering`: their tensors, image after image, each of the patched layer's input size) with
    /// their values under the faulty codes. `scratch`: the worker's buffer for them.
    void apply(std::size_t firstImage, std::size_t count, std::uint8_t* entering, Workspace& work,
               std::vector<std::uint8_t>& scratch) const;

  private:
    std::vector<std::size_t> m_filters;
    std::size_t m_channels = 0; ///< the conv's output channels (all filters)
    Layer m_conv;               ///< the changed filters only
    std::optional<Layer> m_pool;
    LayerInputs m_source;
    PreparedLayer m_prepared;
};

} // namespace voltsim::workloads::detail
