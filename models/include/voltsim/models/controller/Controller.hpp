#pragma once
// The controller/tiler: runs the network layer by layer on a batch of images. conv2d is lowered
// by im2col (padding, stride) to a GEMM, linear is a GEMM; the weight and bias codes are read
// through the weight SRAM's TLM target (the faulty read path) once per batch, which is exact for
// persistent faults (every read of a word returns the same value), with the read's flipped bits in
// a WeightReadExtension; every per-image access is counted. Activations live double-buffered in the
// activation SRAM, partial sums in the accumulator SRAM; the post-processing unit requantizes and max-pools.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/accelerator/IBuffer.hpp"
#include "voltsim/models/accelerator/WeightSram.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/controller/IBatchRunner.hpp"
#include "voltsim/models/stats/StatsTree.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
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

    /// `network` is not owned and must outlive this module. `weightLayout` is the weight SRAM's
    /// placement of Network::parameterTensors(). Throws InputError "<buffer>.size_kib: ..." if a
    /// layer's data does not fit the activation or accumulator SRAM of `specs`.
    Controller(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
               const workloads::Network& network, const memory::WeightLayout& weightLayout);

    std::vector<std::int32_t> runBatch(const std::vector<std::uint8_t>& inputs, std::int64_t images,
                                       tlm_utils::tlm_quantumkeeper& keeper) override;
    std::int64_t cyclesPerImage() const override;

    /// Per-layer statistics (totals over every image run so far).
    const std::vector<LayerStats>& layerStats() const { return m_layers; }
    /// {"layers": layerStatsJson of every layer}.
    nlohmann::json statsJson() const override;

  private:
    /// The input image and every layer's output fit one half of the (double-buffered) activation
    /// SRAM; one fold's int32 partial sums fit the accumulator SRAM. Checked in layer order.
    void checkBufferCapacities() const;
    /// Index of layer `layer`'s `role` tensor in Network::parameterTensors() order, which is the
    /// order the host places them in weight SRAM (WeightLayout::tensors()).
    std::size_t tensorIndex(std::size_t layer, workloads::TensorRole role) const;
    /// Codes of tensor `index`, read through the TLM socket; counts bits read and flipped.
    std::vector<std::uint8_t> readTensor(std::size_t index, LayerStats& stats);
    /// One conv2d/linear layer on the batch; returns uint8 activations or (last layer) logits.
    void runGemmLayer(std::size_t index, std::vector<std::uint8_t>& activations,
                      std::vector<std::int32_t>& logits, std::int64_t images,
                      tlm_utils::tlm_quantumkeeper& keeper);
    void runPoolLayer(std::size_t index, std::vector<std::uint8_t>& activations, std::int64_t images,
                      tlm_utils::tlm_quantumkeeper& keeper);
    /// Counts the accumulator accesses of one layer and checks that one fold's partial sums fit.
    void countAccumulator(const workloads::Layer& layer, const LayerTiming& timing, std::int64_t images);

    AcceleratorSpecs m_specs;
    const workloads::Network& m_network;
    memory::WeightLayout m_weightLayout;
    std::vector<workloads::ParameterTensor> m_tensors;
    std::vector<LayerStats> m_layers;
    sc_core::sc_time m_period;
};

} // namespace voltsim::models
