#include "voltsim/models/accelerator/Accelerator.hpp"

#include "voltsim/models/accelerator/ActivationMap.hpp"

#include <tlm>

namespace voltsim::models {

Accelerator::Accelerator(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
                         const workloads::ModelPackage& package, std::uint64_t chipSeed)
    : sc_core::sc_module(name), m_specs(specs),
      m_timing(makeAcceleratorTimingModel(specs.timingModel, "array.timing_model")),
      m_weightSram("weight_sram", specs.weightSram, chipSeed, weightTensors(package),
                   sc_core::sc_time(specs.clockPeriodNs(), sc_core::SC_NS)),
      m_dramMap(planDram(m_weightSram.plan(), package.network, specs.batchImages)),
      m_dram("dram", specs.dram, m_dramMap.sizeBytes), m_dma("dma", specs.dram),
      m_activationSram("activation_sram", specs.activationSram,
                       bufferCellsAt(specs, specs.activationSram, "activation", chipSeed)),
      m_accumulatorSram("accumulator_sram", specs.accumulatorSram,
                        bufferCellsAt(specs, specs.accumulatorSram, "accumulator", chipSeed)),
      m_engine(arrayEngines().create(
          specs.arrayEngine, "run.mode",
          ArrayEngineParams{specs.array, sc_core::sc_time(specs.clockPeriodNs(), sc_core::SC_NS), *m_timing,
                            specs.vcdPath})),
      m_controller("controller", specs, package.network, m_weightSram.layout(), m_weightSram.plan()),
      m_host("host", specs, package, m_weightSram.layout(), m_weightSram.plan(), m_dramMap)
{
    m_host.toDram.bind(m_dram.socket);
    m_host.dma.bind(m_dma);
    m_host.controller.bind(m_controller);
    m_dma.toDram.bind(m_dram.socket);
    m_dma.toWeightSram.bind(m_weightSram.socket);
    m_controller.toWeightSram.bind(m_weightSram.socket);
    m_controller.array.bind(*m_engine);
    m_controller.activationSram.bind(m_activationSram);
    m_controller.accumulatorSram.bind(m_accumulatorSram);
    m_controller.dma.bind(m_dma);
    // Temporal decoupling: components run ahead of SystemC time by up to one quantum.
    tlm::tlm_global_quantum::instance().set(sc_core::sc_time(specs.clockPeriodNs() * 100000, sc_core::SC_NS));
}

std::vector<std::int32_t> Accelerator::run(const std::uint8_t* images, std::size_t count)
{
    m_host.setJob(images, count);
    // The host ends the run with sc_stop(); that is the normal end, not worth a report line.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    // The host calls sc_stop() after the last batch; the cycle-mode array pauses after each GEMM.
    while (!m_host.finished() && sc_core::sc_get_status() != sc_core::SC_STOPPED)
        sc_core::sc_start();
    if (m_host.error())
        std::rethrow_exception(m_host.error());
    if (!m_host.finished())
        throw std::logic_error("Accelerator: simulation ended before the host finished");
    return m_host.logits();
}

AcceleratorStats Accelerator::stats() const
{
    AcceleratorStats stats;
    stats.host = m_host.stats();
    stats.dma = m_dma.stats();
    stats.dram = m_dram.stats();
    stats.weightSramBanks = m_weightSram.bankStats();
    stats.activationSram = m_activationSram.stats();
    stats.accumulatorSram = m_accumulatorSram.stats();
    stats.layers = m_controller.layerStats();
    stats.arrayGemms = m_engine->gemms();
    stats.tree = collectStats(*this);
    return stats;
}

SimContextScope::SimContextScope()
    : m_previous(sc_core::sc_curr_simcontext), m_previousDefault(sc_core::sc_default_global_context),
      m_context(std::make_unique<sc_core::sc_simcontext>())
{
    sc_core::sc_curr_simcontext = m_context.get();
    sc_core::sc_default_global_context = m_context.get();
}

SimContextScope::~SimContextScope()
{
    sc_core::sc_curr_simcontext = m_previous;
    sc_core::sc_default_global_context = m_previousDefault;
}

} // namespace voltsim::models
