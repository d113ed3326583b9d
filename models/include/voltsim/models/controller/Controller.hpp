#pragma once
// The controller/tiler: runs the network (a graph: each layer reads its inputs' tensors) layer by
// layer in list order on a batch of images. conv2d is lowered by im2col (padding, stride) to a GEMM
// per channel group, linear is a GEMM; the weight and bias codes are read
// tile by tile (the weight SRAM's WeightPlan) through the weight SRAM's TLM target (the faulty
// read path) once per batch, which is exact for persistent faults (every read of a word returns
// the same value), with the read's flipped bits in a WeightReadExtension; every per-image access is
// counted. A streamed plan's tiles are loaded by the DMA from DRAM for every batch, the next step's
// while the current one computes (WeightStreamSchedule). Activations live double-buffered in the
// activation SRAM (with the skip tensors later layers still read), partial sums in the accumulator
// SRAM; the post-processing unit requantizes and runs pools, adds and concats.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/accelerator/ActivationMap.hpp"
#include "voltsim/models/accelerator/IBuffer.hpp"
#include "voltsim/models/accelerator/WeightSram.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/controller/IBatchRunner.hpp"
#include "voltsim/models/controller/WeightStreamSchedule.hpp"
#include "voltsim/models/dma/IDmaControl.hpp"
#include "voltsim/models/stats/StatsTree.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace voltsim::models {

/// im2col of `images` images of the conv layer's in_shape: (images * OH * OW) x (C * Fh * Fw)
/// codes in C, Fh, Fw order with zero padding; row image * OH * OW + y * OW + x.
CodeMatrix lowerConv(const std::vector<std::uint8_t>& activations, std::int64_t images,
                     const workloads::Layer& layer);

class Controller : public sc_core::sc_module, public IBatchRunner, public IStatsSource {
  public:
    /// Weight reads go through this socket to the weight SRAM.
    tlm_utils::simple_initiator_socket<Controller> toWeightSram;
    /// The systolic array, driven by the engine of `run.mode`.
    sc_core::sc_port<IArrayEngine> array;
    sc_core::sc_port<IBuffer> activationSram;
    sc_core::sc_port<IBuffer> accumulatorSram;
    /// Loads streamed weight tiles from DRAM into the weight SRAM.
    sc_core::sc_port<IDmaControl> dma;

    /// `network` is not owned and must outlive this module. `weightLayout` and `weightPlan` are
    /// the weight SRAM's encoding and its placement of Network::parameterTensors(), whose tiles lie
    /// in DRAM from address 0 (the host's DramMap). Throws InputError
    /// "<buffer>.size_kib: ..." if a layer's data does not fit the activation or accumulator SRAM
    /// of `specs`, or finds no place in the activation SRAM's address map (planActivations).
    Controller(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
               const workloads::Network& network, const memory::WeightLayout& weightLayout,
               const memory::WeightPlan& weightPlan);

    std::vector<std::int32_t> runBatch(const std::vector<std::uint8_t>& inputs, std::int64_t images,
                                       tlm_utils::tlm_quantumkeeper& keeper) override;
    std::int64_t cyclesPerImage() const override;
    std::uint64_t weightLoadStallCycles() const override;

    /// Per-layer statistics (totals over every image run so far).
    const std::vector<LayerStats>& layerStats() const { return m_layers; }
    /// {"layers": layerStatsJson of every layer}.
    nlohmann::json statsJson() const override;

  private:
    /// The input image and every layer's output fit one half of the (double-buffered) activation
    /// SRAM, and the tensors live while a layer runs fit the whole of it; one fold's int32 partial
    /// sums fit the accumulator SRAM. Checked in layer order.
    void checkBufferCapacities() const;
    /// Bytes of activation SRAM in use while layer `index` runs: its output and every tensor read
    /// by it or a later layer (a flatten's output is its input's bytes; logits go to DRAM).
    std::uint64_t liveBytes(std::size_t index) const;
    /// Codes of tile `tile`, read through the TLM socket; counts bits read and flipped.
    std::vector<std::uint8_t> readTile(std::size_t tile, LayerStats& stats);
    /// DMA of step `step`'s tiles from DRAM into the weight SRAM; counts them and times the load.
    void loadStep(std::size_t step);
    /// The weight and bias codes of layer `index`, read tile by tile (streamed plans: each step
    /// loaded before it is read, the next step loaded once it is read).
    std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>> readLayerCodes(std::size_t index);
    /// Streamed plans: layer `index` computed `cycles` for the batch (after the layers before it);
    /// the cycles it waited for its tiles are charged to the keeper and the layer. Called for every
    /// layer, in order.
    void chargeWeightLoads(std::size_t index, std::uint64_t cycles, tlm_utils::tlm_quantumkeeper& keeper);
    /// One conv2d/linear layer on the batch (a grouped conv2d: one GEMM per group): its uint8
    /// outputs to `output`, or (last layer) int32 logits to `logits`.
    void runGemmLayer(std::size_t index, const std::vector<std::uint8_t>& activations,
                      std::vector<std::uint8_t>& output, std::vector<std::int32_t>& logits,
                      std::int64_t images, tlm_utils::tlm_quantumkeeper& keeper);
    /// One element-wise layer on the PPU (pools, add, concat) reading `inputs` (one tensor per
    /// layer input), costing its input reads / PpuSpecs::lanes cycles per image.
    void runPpuLayer(std::size_t index, const std::vector<const std::vector<std::uint8_t>*>& inputs,
                     std::vector<std::uint8_t>& output, std::int64_t images,
                     tlm_utils::tlm_quantumkeeper& keeper);
    /// Reads each image's copy of stored tensor `tensor` (an ActivationMap index) in `values` back
    /// through the activation SRAM's cells (a tensor not stored stays as written).
    void readBackTensor(std::size_t tensor, std::vector<std::uint8_t>& values, std::int64_t images);
    /// Replaces group `group`'s accumulators in `acc` (images x M rows, N columns) of the outputs of
    /// layer `index` whose accumulator SRAM words have faulty cells by what those words deliver:
    /// the partial sums of `inputs` x `weights` in folds of the fault list's rows, accumulated
    /// through the word (IBuffer::accumulate).
    void accumulateThroughFaults(std::size_t index, std::size_t group, const CodeMatrix& inputs,
                                 const CodeMatrix& weights, std::int64_t images, AccMatrix& acc);
    /// Counts the accumulator accesses of one layer and records one fold's partial-sum footprint.
    void countAccumulator(const workloads::Layer& layer, const LayerTiming& timing, std::int64_t images);

    AcceleratorSpecs m_specs;
    const workloads::Network& m_network;
    memory::WeightLayout m_weightLayout;
    memory::WeightPlan m_weightPlan;
    std::vector<workloads::ParameterTensor> m_tensors;
    std::vector<std::pair<std::size_t, std::size_t>>
        m_layerSteps; ///< [first, end) of each layer's plan steps
    std::vector<LayerStats> m_layers;
    ActivationMap m_activationMap;
    /// The faulty accumulators of every layer (models::accumulatorFaults), listed at the first batch.
    std::vector<workloads::LayerAccumulatorFaults> m_accumulatorFaults;
    bool m_accumulatorFaultsListed = false;
    WeightStreamSchedule m_schedule;
    sc_core::sc_time m_period;
};

} // namespace voltsim::models
