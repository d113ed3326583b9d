#pragma once
// The controller's command interface, as the host reaches it through an sc_port<IBatchRunner>.
#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <vector>

namespace voltsim::models {

class IBatchRunner : public virtual sc_core::sc_interface {
  public:
    /// Runs `images` images (their input activations, images x inputSize, already in activation
    /// SRAM) through the network; returns images x num_classes logits. Advances simulated time
    /// through `keeper` (or by waiting, in cycle mode). Call from an SC_THREAD.
    virtual std::vector<std::int32_t> runBatch(const std::vector<std::uint8_t>& inputs, std::int64_t images,
                                               tlm_utils::tlm_quantumkeeper& keeper) = 0;
    /// Cycles of one image through the layers (array and PPU), the same for every image.
    virtual std::int64_t cyclesPerImage() const = 0;
    /// Cycles the layers waited for streamed weight tiles, summed over every batch so far (0 when
    /// the weights are resident).
    virtual std::uint64_t weightLoadStallCycles() const = 0;
};

} // namespace voltsim::models
