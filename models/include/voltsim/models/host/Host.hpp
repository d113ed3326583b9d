#pragma once
// The host: loads the model package into the accelerator (weight tiles encoded as the weight SRAM
// stores them, written into DRAM, then, unless the placement streams them, moved by the DMA over
// TLM into the weight SRAM, once per model load), streams the images batch by batch (input DMA, controller,
// logit DMA), collects the logits and stops the simulation when the last batch is done. It owns DRAM content
// before and after the accelerator runs, so it reaches DRAM by TLM debug transport (no time, not counted),
// and commands the DMA and the controller through ports.
#include "voltsim/memory/WeightPlacement.hpp"
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/controller/IBatchRunner.hpp"
#include "voltsim/models/dma/IDmaControl.hpp"
#include "voltsim/models/stats/StatsTree.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <exception>
#include <vector>

namespace voltsim::models {

/// DRAM map of a run: the weight tiles as encoded (WeightTile::dramOffset from address 0), then one
/// batch of inputs, then its logits.
struct DramMap {
    std::uint64_t weightsBytes = 0;
    std::uint64_t inputBase = 0;
    std::uint64_t outputBase = 0;
    std::uint64_t sizeBytes = 0;
};

/// The DRAM map of `network` with its weights as `weightPlan` tiles them.
DramMap planDram(const memory::WeightPlan& weightPlan, const workloads::Network& network,
                 std::uint32_t batchImages);

class Host : public sc_core::sc_module, public IStatsSource {
  public:
    /// DRAM, for the debug transport only.
    tlm_utils::simple_initiator_socket<Host> toDram;
    sc_core::sc_port<IDmaControl> dma;
    sc_core::sc_port<IBatchRunner> controller;

    /// `package` must outlive the module; it is read, never modified. `weightLayout` and
    /// `weightPlan` are the weight SRAM's encoding and placement of the package's weightTensors().
    Host(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
         const workloads::ModelPackage& package, const memory::WeightLayout& weightLayout,
         const memory::WeightPlan& weightPlan, const DramMap& dramMap);

    /// Sets the images to run (count x inputSize pixels, not owned). Call before sc_start.
    void setJob(const std::uint8_t* images, std::size_t count);

    bool finished() const { return m_finished; }
    /// The exception that ended the host's thread early (bad config found at run time), or null.
    std::exception_ptr error() const { return m_error; }
    /// count x num_classes logits, row-major (valid when finished).
    const std::vector<std::int32_t>& logits() const { return m_logits; }
    const HostStats& stats() const { return m_stats; }
    /// Images, batches, model load and inference cycles, simulated time.
    nlohmann::json statsJson() const override;

  private:
    void main();
    void runAll();
    void loadModel();
    void runBatch(std::size_t first, std::size_t count);
    /// Whole cycles covering `time` (DMA transfers end on a clock edge).
    std::uint64_t cyclesOf(const sc_core::sc_time& time) const;
    /// Charges `cycles` to the keeper and synchronises if the quantum is used up.
    void advance(std::uint64_t cycles);
    /// Copies `bytes` between `data` and DRAM `address` by debug transport (`command` as seen
    /// from the host: a write puts `data` into DRAM). std::logic_error outside DRAM (a wiring bug).
    void backdoor(tlm::tlm_command command, std::uint64_t address, std::uint8_t* data, std::uint64_t bytes);

    AcceleratorSpecs m_specs;
    const workloads::ModelPackage& m_package;
    memory::WeightLayout m_weightLayout;
    memory::WeightPlan m_weightPlan;
    DramMap m_map;
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
