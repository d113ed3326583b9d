#include "voltsim/sim/run/RunConfig.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <cmath>
#include <limits>
#include <memory>

namespace voltsim::sim {
namespace {

using memory::OperatingPoint;
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int32_t>::max();

void readArray(ConfigNode& node, models::AcceleratorSpecs& specs)
{
    specs.array.rows = node.getInt("rows", 16, 1, 4096, "PE rows of the systolic array");
    specs.array.cols = node.getInt("cols", 16, 1, 4096, "PE columns of the systolic array");
    specs.array.dataflow = models::parseDataflow(
        node.getChoice("dataflow", "ws", {"ws", "os", "is"}, "dataflow: weight, output or input stationary"),
        node.where("dataflow"));
}

/// At most one of voltage_mv, voltage_rel, ber is set; none means the profile's V_nom.
OperatingPoint readOperatingPoint(ConfigNode& node, const memory::SramProfile& profile)
{
    const double mv = node.getDouble("voltage_mv", 0, 0, 1e5, "weight SRAM supply in mV (0: unset)");
    const double rel = node.getDouble("voltage_rel", 0, 0, 10, "weight SRAM supply relative to the profile's V_min (0: unset)");
    const double ber = node.getDouble("ber", -1, -1, 1,
                                      "bit error rate set directly, the paper's random model (-1: unset; use the uniform profile)");
    const int set = (mv > 0) + (rel > 0) + (ber >= 0);
    if (set > 1)
        throw InputError(node.where("voltage_mv") + ": set at most one of voltage_mv, voltage_rel and ber");
    const auto checked = [&](const std::string& key, double voltageMv) {
        try {
            profile.bitErrorRate(voltageMv);
        } catch (const InputError& error) {
            throw InputError(node.where(key) + ": " + error.what());
        }
        return OperatingPoint::atVoltage(voltageMv);
    };
    if (mv > 0)
        return checked("voltage_mv", mv);
    if (rel > 0)
        return checked("voltage_rel", profile.voltageFromRelative(rel));
    if (ber >= 0) {
        if (ber > profile.maxBitErrorRate())
            throw InputError(node.where("ber") + ": " + std::to_string(ber) + " exceeds the largest rate of profile " +
                             profile.name + " (" + std::to_string(profile.maxBitErrorRate()) + ")");
        return OperatingPoint::atRate(ber);
    }
    return OperatingPoint::nominal();
}

void readWeightSram(ConfigNode& node, models::WeightSramSpecs& specs)
{
    const std::string profile =
        node.getString("profile", "stutz2021-14nm", "SRAM profile: a name in memory/profiles or a file");
    specs.profile = std::make_shared<const memory::SramProfile>(memory::loadProfile(profile));
    specs.chip.faultModel = node.getString("fault_model", "", "fault model name ('': the profile's fault_semantics)");
    const auto banks = node.getInt("banks", 0, 0, 4096, "banks (0: the profile's arrays)");
    const auto rows = node.getInt("rows", 0, 0, 1 << 20, "words per bank (0: the profile's rows)");
    const auto wordBits = node.getInt("word_bits", 0, 0, 4096, "bits per word (0: the profile's word_bits)");
    specs.chip.useProfileGeometry = banks == 0 && rows == 0 && wordBits == 0;
    specs.chip.geometry = specs.profile->geometry;
    if (banks > 0)
        specs.chip.geometry.banks = static_cast<std::uint32_t>(banks);
    if (rows > 0)
        specs.chip.geometry.bank.rows = static_cast<std::uint32_t>(rows);
    if (wordBits > 0)
        specs.chip.geometry.bank.wordBits = static_cast<std::uint32_t>(wordBits);
    specs.layout.startOffsetBytes = static_cast<std::uint64_t>(
        node.getInt("start_offset_bytes", 0, 0, std::numeric_limits<std::int64_t>::max(),
                    "byte where the weights start (mod capacity): the paper's different mappings of one chip"));
    specs.layout.interleaveBytes = static_cast<std::uint64_t>(
        node.getInt("interleave_bytes", 0, 0, kMaxInt, "consecutive bytes per bank (0: fill a whole bank first)"));
    specs.layout.packing = node.getChoice("packing", "packed", {"packed", "byte_per_code"},
                                          "codes packed m bits at a time, or one code per byte") == "packed"
                               ? memory::Packing::Packed
                               : memory::Packing::BytePerCode;
    specs.readLatencyCycles = static_cast<std::uint32_t>(node.getInt("read_latency_cycles", 1, 1, 1000, "bank read latency, cycles"));
    specs.writeLatencyCycles = static_cast<std::uint32_t>(node.getInt("write_latency_cycles", 1, 1, 1000, "bank write latency, cycles"));
    specs.operatingPoint = readOperatingPoint(node, *specs.profile);
}

models::BufferSpecs readBuffer(ConfigNode& node, std::int64_t sizeKib, std::int64_t banks)
{
    models::BufferSpecs specs;
    specs.sizeBytes = 1024 * static_cast<std::uint64_t>(node.getInt("size_kib", sizeKib, 1, 1 << 20, "capacity in KiB"));
    specs.banks = static_cast<std::uint32_t>(node.getInt("banks", banks, 1, 1024, "banks (accesses interleave over them)"));
    return specs;
}

void readDram(ConfigNode& node, models::DramSpecs& specs, EnergySettings& energy)
{
    specs.bandwidthGbPerS = node.getDouble("bandwidth_gb_per_s", 12.8, 1e-3, 1e5, "peak bandwidth, GB/s (bytes per ns)");
    specs.latencyNs = node.getDouble("latency_ns", 100, 0, 1e6, "latency per transaction, ns");
    specs.burstBytes = static_cast<std::uint32_t>(node.getInt("burst_bytes", 64, 1, 1 << 20, "DMA burst into weight SRAM, bytes"));
    energy.dramPjPerByte = node.getDouble("energy_pj_per_byte", 8, 0, 1e6,
                                          "DRAM energy per byte (LPDDR4 512 pJ per 64 bits, Accelergy example)");
}

void readRun(ConfigNode& node, RunConfig& config)
{
    config.run.chips = node.getInt("chips", 1, 1, 100000, "chips (fault maps) to simulate");
    config.run.images = node.getInt("images", 100, 1, 10000, "test images (the first N of Fashion-MNIST's test set)");
    config.run.seed = static_cast<std::uint64_t>(
        node.getInt("seed", 1, 0, std::numeric_limits<std::int64_t>::max(), "run seed; chip c uses chipSeed(seed, c)"));
    config.run.datasetDir = node.getString("dataset_dir", "", "Fashion-MNIST directory ('': the Debian package's)");
    auto& specs = config.accelerator;
    specs.mode = models::parseSimMode(
        node.getChoice("mode", "fast", {"fast", "cycle"}, "fast: functional folds + analytic timing; cycle: array stepped per clock"),
        node.where("mode"));
    specs.batchImages = static_cast<std::uint32_t>(
        node.getInt("batch_images", 256, 1, 65536, "images per host batch (each fold computed for the batch)"));
    specs.vcdPath = node.getString("vcd_file", "", "cycle mode: trace the array to this VCD file ('': none)");
}

/// The hardware sections (everything but `run`) of an accelerator config; loads the SRAM profile
/// and the energy table they name.
void readHardware(ConfigNode& root, RunConfig& config)
{
    auto& specs = config.accelerator;
    readArray(root.child("array", "the systolic array"), specs);
    specs.clockMhz = root.getDouble("clock_mhz", 500, 1, 1e5, "accelerator clock, MHz");
    readWeightSram(root.child("weight_sram", "weight SRAM: the faulty chip holding the codes"), specs.weightSram);
    specs.activationSram = readBuffer(root.child("activation_sram", "activation SRAM (double-buffered)"), 32, 8);
    specs.accumulatorSram = readBuffer(root.child("accumulator_sram", "accumulator SRAM (int32 partial sums)"), 64, 8);
    readDram(root.child("dram", "off-chip DRAM and its DMA"), specs.dram, config.energy);
    specs.ppu.lanes = static_cast<std::uint32_t>(
        root.child("ppu", "post-processing unit").getInt("lanes", 16, 1, 4096, "max-pool compares per cycle"));
    const std::string table = root.child("energy", "energy per action")
                                  .getString("table", "", "energy table file ('': configs/energy/default.json)");
    config.energy.table = models::loadEnergyTable(table.empty() ? models::defaultEnergyTablePath() : table);
}

} // namespace

RunConfig readRunConfig(ConfigNode& root)
{
    RunConfig config;
    readHardware(root, config);
    readRun(root.child("run", "what to simulate"), config);
    const auto& specs = config.accelerator;
    if (specs.vcdPath.size() > 0 && specs.mode != models::SimMode::Cycle)
        throw InputError(root.where("run") + ".vcd_file: needs run.mode = cycle");
    root.finish();
    return config;
}

RunConfig readAcceleratorConfig(ConfigNode& root)
{
    RunConfig config;
    readHardware(root, config);
    root.finish();
    return config;
}

nlohmann::json resolvedDefaults()
{
    ConfigNode root(nlohmann::json::object(), "<defaults>");
    readRunConfig(root);
    return root.resolved();
}

std::vector<ParamInfo> describeRunConfig()
{
    ConfigNode root(nlohmann::json::object(), "<defaults>");
    readRunConfig(root);
    return root.describe();
}

} // namespace voltsim::sim
