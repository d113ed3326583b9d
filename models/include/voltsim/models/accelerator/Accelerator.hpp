#pragma once
// The accelerator top module: every component is built from AcceleratorSpecs and wired here;
// modules talk only through TLM-2.0 sockets and sc_ports (docs/accelerator.md has the diagram).
//
//   host --socket, debug transport--> dram <--socket-- dma --socket--> weight_sram
//   host --port IDmaControl--> dma                  controller --socket--> weight_sram
//   host --port IBatchRunner--> controller --port IArrayEngine--> array (fast or cycle engine)
//                               controller --port IBuffer--> activation_sram, accumulator_sram
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/accelerator/CountedBuffer.hpp"
#include "voltsim/models/accelerator/WeightSram.hpp"
#include "voltsim/models/controller/Controller.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/dma/Dma.hpp"
#include "voltsim/models/dram/Dram.hpp"
#include "voltsim/models/host/Host.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <systemc>

#include <cstdint>
#include <memory>
#include <vector>

namespace voltsim::models {

class Accelerator : public sc_core::sc_module {
  public:
    /// Elaborates the accelerator for `package` with its chip seeded by `chipSeed` (the weight
    /// SRAM's cells and, below V_min, the activation and accumulator SRAMs') at the specs'
    /// operating points. `package` must
    /// outlive the module. One Accelerator per sc_simcontext (SimContextScope gives a fresh one).
    Accelerator(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
                const workloads::ModelPackage& package, std::uint64_t chipSeed);

    /// Runs `count` images (count x inputSize raw pixels) to completion: the host loads the model,
    /// streams the batches and stops the simulation. Returns count x num_classes logits. Call once.
    std::vector<std::int32_t> run(const std::uint8_t* images, std::size_t count);

    AcceleratorStats stats() const;
    const AcceleratorSpecs& specs() const { return m_specs; }
    const WeightSram& weightSram() const { return m_weightSram; }
    const CountedBuffer& activationSram() const { return m_activationSram; }
    const CountedBuffer& accumulatorSram() const { return m_accumulatorSram; }

  private:
    AcceleratorSpecs m_specs;
    std::unique_ptr<ITimingModel> m_timing; ///< first: a refused name fails before any module exists
    WeightSram m_weightSram;
    DramMap m_dramMap;
    Dram m_dram;
    Dma m_dma;
    CountedBuffer m_activationSram;
    CountedBuffer m_accumulatorSram;
    std::unique_ptr<IArrayEngine> m_engine;
    Controller m_controller;
    Host m_host;
};

/// Installs a fresh sc_simcontext for its lifetime (SystemC elaborates once per context), and
/// restores the previous one afterwards. Construct before the modules, destroy after them.
class SimContextScope {
  public:
    SimContextScope();
    ~SimContextScope();
    SimContextScope(const SimContextScope&) = delete;
    SimContextScope& operator=(const SimContextScope&) = delete;

  private:
    sc_core::sc_simcontext* m_previous;
    sc_core::sc_simcontext* m_previousDefault;
    std::unique_ptr<sc_core::sc_simcontext> m_context;
};

} // namespace voltsim::models
