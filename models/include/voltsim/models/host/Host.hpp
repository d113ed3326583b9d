#pragma once
// The host: loads the model package into the accelerator (weight codes encoded as the weight SRAM
// stores them, written into DRAM, then moved by the DMA over TLM into the weight SRAM, once per
// model load), streams the images batch by batch (input DMA, controller, logit DMA), collects the
// logits and stops the simulation when the last batch is done.
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/controller/Controller.hpp"
#include "voltsim/models/dma/Dma.hpp"
#include "voltsim/models/dram/Dram.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <exception>
#include <vector>

namespace voltsim::models {

/// DRAM map of a run: the weight blob as laid out, then one batch of inputs, then its logits.
struct DramMap {
    std::uint64_t weightsBytes = 0;
    std::uint64_t inputBase = 0;
    std::uint64_t outputBase = 0;
    std::uint64_t sizeBytes = 0;
};

/// The DRAM map of `network` with its weights as `weightLayout` stores them.
DramMap planDram(const memory::WeightLayout& weightLayout, const workloads::Network& network,
                 std::uint32_t batchImages);

class Host : public sc_core::sc_module {
  public:
    /// Every reference must outlive the module; `package` is read, never modified. `weightLayout`
    /// is the weight SRAM's placement of the package's weightTensors().
    Host(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
         const workloads::ModelPackage& package, const memory::WeightLayout& weightLayout,
         const DramMap& dramMap, Dram& dram, Dma& dma, Controller& controller);

    /// Sets the images to run (count x inputSize pixels, not owned). Call before sc_start.
    void setJob(const std::uint8_t* images, std::size_t count);

    bool finished() const { return m_finished; }
    /// The exception that ended the host's thread early (bad config found at run time), or null.
    std::exception_ptr error() const { return m_error; }
    /// count x num_classes logits, row-major (valid when finished).
    const std::vector<std::int32_t>& logits() const { return m_logits; }
    const HostStats& stats() const { return m_stats; }

  private:
    void main();
    void runAll();
    void loadModel();
    void runBatch(std::size_t first, std::size_t count);
    /// Whole cycles covering `time` (DMA transfers end on a clock edge).
    std::uint64_t cyclesOf(const sc_core::sc_time& time) const;
    /// Charges `cycles` to the keeper and synchronises if the quantum is used up.
    void advance(std::uint64_t cycles);

    AcceleratorSpecs m_specs;
    const workloads::ModelPackage& m_package;
    memory::WeightLayout m_weightLayout;
    DramMap m_map;
    Dram& m_dram;
    Dma& m_dma;
    Controller& m_controller;
    const std::uint8_t* m_images = nullptr;
    std::size_t m_count = 0;
    std::vector<std::int32_t> m_logits;
    HostStats m_stats;
    bool m_finished = false;
    std::exception_ptr m_error;
    tlm_utils::tlm_quantumkeeper m_keeper;
    sc_core::sc_time m_period;
};

} // namespace voltsim::models
