#include "voltsim/models/host/Host.hpp"

#include "voltsim/models/accelerator/WeightTensors.hpp"
#include "voltsim/models/tlm/Payload.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace voltsim::models {
DramMap planDram(const memory::WeightPlan& weightPlan, const workloads::Network& network,
                 std::uint32_t batchImages)
{
    DramMap map;
    map.weightsBytes = weightPlan.dramBytes();
    const auto batch = std::uint64_t{batchImages};
    map.inputBase = map.weightsBytes;
    map.outputBase = map.inputBase + batch * static_cast<std::uint64_t>(network.inputSize());
    map.sizeBytes = map.outputBase + batch * 4 * static_cast<std::uint64_t>(network.dataset.numClasses);
    return map;
}

Host::Host(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
           const workloads::ModelPackage& package, const memory::WeightLayout& weightLayout,
           const memory::WeightPlan& weightPlan, const DramMap& dramMap)
    : sc_core::sc_module(name), toDram("to_dram"), dma("dma"), controller("controller"), m_specs(specs),
      m_package(package), m_weightLayout(weightLayout), m_weightPlan(weightPlan), m_map(dramMap),
      m_period(specs.clockPeriodNs(), sc_core::SC_NS)
{
    SC_HAS_PROCESS(Host);
    SC_THREAD(main);
}

nlohmann::json Host::statsJson() const
{
    return nlohmann::json{{"images", m_stats.images},
                          {"batches", m_stats.batches},
                          {"model_load_cycles", m_stats.modelLoadCycles},
                          {"model_bytes", m_stats.modelBytes},
                          {"inference_cycles", m_stats.inferenceCycles},
                          {"input_dma_cycles", m_stats.inputDmaCycles},
                          {"output_dma_cycles", m_stats.outputDmaCycles},
                          {"weight_load_stall_cycles", m_stats.weightLoadStallCycles},
                          {"simulated_time_ns", m_stats.simulatedTimeNs}};
}

void Host::setJob(const std::uint8_t* images, std::size_t count)
{
    m_images = images;
    m_count = count;
    m_logits.assign(count * static_cast<std::size_t>(m_package.network.dataset.numClasses), 0);
}

std::uint64_t Host::cyclesOf(const sc_core::sc_time& time) const
{
    return static_cast<std::uint64_t>(std::ceil(time / m_period - 1e-9));
}

void Host::advance(std::uint64_t cycles)
{
    m_keeper.inc(m_period * static_cast<double>(cycles));
    if (m_keeper.need_sync())
        m_keeper.sync();
}

void Host::backdoor(tlm::tlm_command command, std::uint64_t address, std::uint8_t* data, std::uint64_t bytes)
{
    tlm::tlm_generic_payload payload;
    preparePayload(payload, command, address, data, bytes);
    if (toDram->transport_dbg(payload) != bytes)
        throw std::logic_error(std::string(name()) + ": DRAM access [" + std::to_string(address) + ", +" +
                               std::to_string(bytes) + ") outside DRAM");
}

void Host::loadModel()
{
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    const std::vector<memory::CodeTensorView> tensors = weightTensors(m_package);
    for (const memory::WeightTile& tile : m_weightPlan.tiles) {
        std::vector<std::uint8_t> bytes = memory::encodeTile(m_weightLayout, tile, tensors.at(tile.tensor));
        backdoor(tlm::TLM_WRITE_COMMAND, tile.dramOffset, bytes.data(), bytes.size());
        // Streamed tiles stay in DRAM: the controller loads them for every batch.
        if (m_weightPlan.streamed)
            continue;
        dma->dramToWeightSram(tile.dramOffset, tile.address, bytes.size(), delay);
        m_stats.modelBytes += bytes.size();
    }
    m_stats.modelLoadCycles = cyclesOf(delay);
    advance(m_stats.modelLoadCycles);
}

void Host::runBatch(std::size_t first, std::size_t count)
{
    const auto inputSize = static_cast<std::size_t>(m_package.network.inputSize());
    const auto classes = static_cast<std::size_t>(m_package.network.dataset.numClasses);
    std::vector<std::uint8_t> batch(m_images + first * inputSize, m_images + (first + count) * inputSize);
    backdoor(tlm::TLM_WRITE_COMMAND, m_map.inputBase, batch.data(), batch.size());
    std::vector<std::uint8_t> inputs(count * inputSize);
    for (std::size_t i = 0; i < count; ++i) {
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        dma->readDram(m_map.inputBase + i * inputSize, inputs.data() + i * inputSize, inputSize, delay);
        const std::uint64_t cycles = cyclesOf(delay);
        m_stats.inputDmaCycles += cycles;
        advance(cycles);
    }
    const std::vector<std::int32_t> logits =
        controller->runBatch(inputs, static_cast<std::int64_t>(count), m_keeper);
    for (std::size_t i = 0; i < count; ++i) {
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(logits.data() + i * classes);
        dma->writeDram(m_map.outputBase + i * classes * 4, bytes, classes * 4, delay);
        const std::uint64_t cycles = cyclesOf(delay);
        m_stats.outputDmaCycles += cycles;
        advance(cycles);
    }
    backdoor(tlm::TLM_READ_COMMAND, m_map.outputBase,
             reinterpret_cast<std::uint8_t*>(m_logits.data() + first * classes), count * classes * 4);
    ++m_stats.batches;
    m_stats.images += count;
}

void Host::main()
{
    // An exception must not leave an SC_THREAD (SystemC would wrap it into an internal error):
    // keep it for Accelerator::run to rethrow.
    try {
        runAll();
    } catch (...) {
        m_error = std::current_exception();
        sc_core::sc_stop();
    }
}

void Host::runAll()
{
    m_keeper.reset();
    loadModel();
    for (std::size_t first = 0; first < m_count; first += m_specs.batchImages)
        runBatch(first, std::min<std::size_t>(m_specs.batchImages, m_count - first));
    m_keeper.sync();
    m_stats.weightLoadStallCycles = controller->weightLoadStallCycles();
    m_stats.inferenceCycles = m_stats.inputDmaCycles + m_stats.outputDmaCycles +
                              m_stats.weightLoadStallCycles +
                              m_stats.images * static_cast<std::uint64_t>(controller->cyclesPerImage());
    m_stats.simulatedTimeNs = sc_core::sc_time_stamp().to_seconds() * 1e9;
    m_finished = true;
    sc_core::sc_stop();
}

} // namespace voltsim::models
