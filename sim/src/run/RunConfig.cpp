#include "voltsim/sim/run/RunConfig.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/FaultModels.hpp"
#include "voltsim/memory/SramEnergyModel.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/memory/WeightPlacement.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

namespace voltsim::sim {

const char* const kDefaultProfile = "stutz2021-14nm";

namespace {

using memory::OperatingPoint;
constexpr std::uint32_t kMaxInt = std::numeric_limits<std::int32_t>::max();
constexpr std::uint64_t kMaxUint = std::numeric_limits<std::int64_t>::max();

/// InputError "<where>: ..." unless the profile's fault rate and energy laws cover `voltageMv`
/// (never an extrapolation).
void requireProfileVoltage(const memory::SramProfile& profile, double voltageMv, const std::string& where)
{
    try {
        profile.bitErrorRate(voltageMv);
        const memory::SramEnergyModel energy(profile);
        energy.dynamicScale(voltageMv);
        energy.leakageScale(voltageMv);
    } catch (const InputError& error) {
        throw InputError(where + ": " + error.what());
    }
}

template <typename T> Names<T> namesOf(std::initializer_list<T> values)
{
    Names<T> names;
    for (const T value : values)
        names.emplace_back(models::toString(value), value);
    return names;
}

void readArray(ConfigNode& node, models::ArraySpec& array)
{
    node.integer<std::int64_t>("rows", array.rows, 1, 4096, "PE rows of the systolic array");
    node.integer<std::int64_t>("cols", array.cols, 1, 4096, "PE columns of the systolic array");
    node.choice("dataflow", array.dataflow,
                namesOf({models::Dataflow::WS, models::Dataflow::OS, models::Dataflow::IS}),
                "dataflow: weight, output or input stationary");
}

/// `array.timing_model`: a registered timing model that describes the accelerator's array.
void readTimingModel(ConfigNode& node, std::string& timingModel)
{
    node.text(
        "timing_model", timingModel,
        "timing model of the array: a name in 'voltsim list' that times the accelerator (docs/timing.md)");
    models::makeAcceleratorTimingModel(timingModel, node.where("timing_model"));
}

/// At most one of voltage_mv, voltage_rel, ber is set; none means the profile's V_nom.
OperatingPoint readOperatingPoint(ConfigNode& node, const memory::SramProfile& profile)
{
    std::optional<double> mv;
    std::optional<double> rel;
    std::optional<double> ber;
    node.positive("voltage_mv", mv, kMaxVoltageMv, "weight SRAM supply in mV (null: the profile's V_nom)");
    node.positive("voltage_rel", rel, kMaxVoltageRel,
                  "weight SRAM supply relative to the profile's V_min (null: unset)");
    node.number(
        "ber", ber, 0, 1,
        "rate of faulty cells set directly, under fault_model or else the paper's random model (null: unset; "
        "use the uniform profile)");
    if (mv.has_value() + rel.has_value() + ber.has_value() > 1)
        throw InputError(node.where("voltage_mv") + ": set at most one of voltage_mv, voltage_rel and ber");
    const auto checked = [&](const std::string& key, double voltageMv) {
        requireProfileVoltage(profile, voltageMv, node.where(key));
        return OperatingPoint::atVoltage(voltageMv);
    };
    if (mv)
        return checked("voltage_mv", *mv);
    if (rel)
        return checked("voltage_rel", profile.voltageFromRelative(*rel));
    if (ber) {
        if (*ber > profile.maxBitErrorRate())
            throw InputError(node.where("ber") + ": " + std::to_string(*ber) +
                             " exceeds the largest rate of profile " + profile.name + " (" +
                             std::to_string(profile.maxBitErrorRate()) + ")");
        return OperatingPoint::atRate(*ber);
    }
    return OperatingPoint::nominal();
}

/// Banks, rows and word bits replace the profile's geometry one by one when set.
void readGeometry(ConfigNode& node, models::WeightSramSpecs& specs)
{
    std::optional<std::uint32_t> banks;
    std::optional<std::uint32_t> rows;
    std::optional<std::uint32_t> wordBits;
    node.integer<std::uint32_t>("banks", banks, 1, 4096, "banks (null: the profile's arrays)");
    node.integer<std::uint32_t>("rows", rows, 1, 1 << 20, "words per bank (null: the profile's rows)");
    node.integer<std::uint32_t>("word_bits", wordBits, 1, 4096,
                                "bits per word (null: the profile's word_bits)");
    specs.chip.useProfileGeometry = !banks && !rows && !wordBits;
    specs.chip.geometry = specs.profile->geometry;
    specs.chip.geometry.banks = banks.value_or(specs.chip.geometry.banks);
    specs.chip.geometry.bank.rows = rows.value_or(specs.chip.geometry.bank.rows);
    specs.chip.geometry.bank.wordBits = wordBits.value_or(specs.chip.geometry.bank.wordBits);
}

/// weight_sram.chip_sigma_mv and bank_sigma_mv, when set, replace the profile's variation.
void readVariation(ConfigNode& node, models::WeightSramSpecs& specs)
{
    std::optional<double> chip;
    std::optional<double> bank;
    node.number("chip_sigma_mv", chip, 0.0, memory::Variation::kMaxSigmaMv,
                "sigma of each chip's V_min offset, mV (null: the profile's variation.chip_sigma_mv; "
                "docs/profiles.md, \"Variation\")");
    node.number("bank_sigma_mv", bank, 0.0, memory::Variation::kMaxSigmaMv,
                "sigma of each bank's own V_min offset, mV (null: the profile's variation.bank_sigma_mv)");
    if (!chip && !bank)
        return;
    memory::SramProfile profile = *specs.profile;
    profile.variation.chipSigmaMv = chip.value_or(profile.variation.chipSigmaMv);
    profile.variation.bankSigmaMv = bank.value_or(profile.variation.bankSigmaMv);
    if (profile.variation.enabled() && profile.berKind == memory::BerKind::Uniform)
        throw InputError(node.where(chip ? "chip_sigma_mv" : "bank_sigma_mv") + ": profile " + profile.name +
                         " sets its rate directly; it has no voltage axis to shift");
    specs.profile = std::make_shared<const memory::SramProfile>(std::move(profile));
}

void readWeightSram(ConfigNode& node, models::WeightSramSpecs& specs)
{
    std::string profile = kDefaultProfile;
    node.text("profile", profile, "SRAM profile: a name in memory/profiles or a file");
    specs.profile = std::make_shared<const memory::SramProfile>(memory::loadProfile(profile));
    std::optional<std::string> faultModel;
    node.text("fault_model", faultModel, "fault model name (null: the profile's fault_semantics)");
    if (faultModel)
        memory::faultModels().check(*faultModel, node.where("fault_model"));
    specs.chip.faultModel = faultModel.value_or("");
    readVariation(node, specs);
    readGeometry(node, specs);
    auto& layout = specs.layout;
    node.integer<std::uint64_t>(
        "start_offset_bytes", layout.startOffsetBytes, 0, kMaxUint,
        "byte where the weights start (mod capacity): the paper's different mappings of one chip");
    node.integer<std::uint64_t>("interleave_bytes", layout.interleaveBytes, 0, kMaxInt,
                                "consecutive bytes per bank (0: fill a whole bank first)");
    node.choice("packing", layout.packing,
                Names<memory::Packing>{{"packed", memory::Packing::Packed},
                                       {"byte_per_code", memory::Packing::BytePerCode}},
                "codes packed m bits at a time, or one code per byte");
    Names<std::string> placements;
    for (const std::string& name : memory::weightPlacements().names())
        placements.emplace_back(name, name);
    node.choice("placement", layout.placement, placements,
                "which weight tile lies where, and when it is loaded (auto: resident if the weights fit, "
                "else stream)");
    std::string protection = layout.protection.name();
    node.text("protection", protection,
              "none, secded:64 or secded:32 (check bits in the same cells), parity:N (a failed word reads as "
              "zero weights) or msb:K (K reliable bits per code)");
    layout.protection = memory::ProtectionSpec::parse(protection, node.where("protection"));
    node.integer<std::uint32_t>("read_latency_cycles", specs.readLatencyCycles, 1, 1000,
                                "bank read latency, cycles");
    node.integer<std::uint32_t>("write_latency_cycles", specs.writeLatencyCycles, 1, 1000,
                                "bank write latency, cycles");
    specs.operatingPoint = readOperatingPoint(node, *specs.profile);
    if (specs.operatingPoint.byRate())
        memory::useRateFaultModel(specs.chip);
    node.text("rail", specs.rail,
              "supply rail of the weight SRAM, at voltage_mv / voltage_rel (V_nom with ber); buffers on it "
              "share that voltage");
    requireRailName(specs.rail, node.where("rail"));
}

void readBuffer(ConfigNode& node, models::BufferSpecs& specs)
{
    std::uint64_t kib = specs.sizeBytes / 1024;
    node.integer<std::uint64_t>("size_kib", kib, 1, 1 << 20, "capacity in KiB");
    specs.sizeBytes = 1024 * kib;
    node.integer<std::uint32_t>("banks", specs.banks, 1, 1024, "banks (accesses interleave over them)");
    node.text("rail", specs.rail, "supply rail: weight_sram.rail or a name in rails");
    requireRailName(specs.rail, node.where("rail"));
    node.number("leakage_uw_per_kib", specs.leakageUwPerKib, 0, 1e6,
                "leakage power per KiB at V_nom, uW, scaled with voltage by the weight SRAM profile's law "
                "(0: not modelled)");
}

/// One rail of `rails`: at most one of voltage_mv and voltage_rel, within the profile's range.
models::RailSpecs readRail(ConfigNode& node, const std::string& name, const memory::SramProfile& profile)
{
    std::optional<double> mv;
    std::optional<double> rel;
    node.positive("voltage_mv", mv, kMaxVoltageMv, "supply in mV (null: the weight SRAM profile's V_nom)");
    node.positive("voltage_rel", rel, kMaxVoltageRel,
                  "supply relative to the weight SRAM profile's V_min (null: unset)");
    if (mv && rel)
        throw InputError(node.where("voltage_mv") + ": set at most one of voltage_mv and voltage_rel");
    models::RailSpecs rail{name, std::nullopt};
    if (mv || rel) {
        rail.voltageMv = mv ? *mv : profile.voltageFromRelative(*rel);
        requireProfileVoltage(profile, *rail.voltageMv, node.where(mv ? "voltage_mv" : "voltage_rel"));
    }
    return rail;
}

/// `rails`: the rails besides the weight SRAM's: the default ones (activation and accumulator, at
/// V_nom) and those the config names, a named one replacing a default. Every buffer is on
/// weight_sram.rail or one of them; a rail the config names holds a buffer, a default one that
/// holds none is dropped.
void readRails(ConfigNode& root, models::AcceleratorSpecs& specs)
{
    ConfigNode& node = root.child("rails", "supply rails besides the weight SRAM's, by name "
                                           "(docs/accelerator.md, \"Voltage rails\")");
    const std::vector<std::string> given = node.keys().value_or(std::vector<std::string>{});
    const auto named = [&](const std::string& name) {
        return std::find(given.begin(), given.end(), name) != given.end();
    };
    const std::string& weightRail = specs.weightSram.rail;
    std::vector<std::string> names; // the default rails, then those only the config names
    for (const models::RailSpecs& rail : specs.rails)
        if (rail.name != weightRail || named(rail.name))
            names.push_back(rail.name);
    for (const std::string& name : given)
        if (std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    specs.rails.clear();
    for (const std::string& name : names) {
        requireRailName(name, node.where(name));
        if (name == weightRail)
            throw InputError(
                node.where(name) + ": '" + name +
                "' is the weight SRAM's rail (weight_sram.rail); its voltage is weight_sram.voltage_mv "
                "or voltage_rel (--voltage-mv, --voltage-rel, the sweep's axis)");
        specs.rails.push_back(readRail(node.child(name, "rail " + name), name, *specs.weightSram.profile));
    }
    const std::pair<const char*, const models::BufferSpecs*> buffers[] = {
        {"activation_sram", &specs.activationSram}, {"accumulator_sram", &specs.accumulatorSram}};
    std::string known = weightRail + " (weight_sram.rail)";
    for (const models::RailSpecs& rail : specs.rails)
        known += ", " + rail.name;
    for (const auto& [key, buffer] : buffers)
        if (buffer->rail != weightRail && !findRail(specs, buffer->rail))
            throw InputError(root.where(std::string(key) + ".rail") + ": no rail '" + buffer->rail +
                             "' (rails: " + known + ")");
    // A rail no buffer uses: an error when the config names it, dropped when it is a default.
    std::vector<models::RailSpecs> used;
    for (models::RailSpecs& rail : specs.rails) {
        const bool holds = std::any_of(std::begin(buffers), std::end(buffers),
                                       [&](const auto& buffer) { return buffer.second->rail == rail.name; });
        if (holds)
            used.push_back(std::move(rail));
        else if (named(rail.name))
            throw InputError(node.where(rail.name) + ": rail '" + rail.name +
                             "' holds no SRAM (set activation_sram.rail or accumulator_sram.rail to it, or "
                             "remove it)");
    }
    specs.rails = std::move(used);
}

void readDram(ConfigNode& node, models::DramSpecs& specs, EnergySettings& energy)
{
    node.number("bandwidth_gb_per_s", specs.bandwidthGbPerS, 1e-3, 1e5,
                "peak bandwidth, GB/s (bytes per ns)");
    node.number("latency_ns", specs.latencyNs, 0, 1e6, "latency per transaction, ns");
    node.integer<std::uint32_t>("burst_bytes", specs.burstBytes, 1, 1 << 20,
                                "DMA burst into weight SRAM, bytes");
    node.number("energy_pj_per_byte", energy.dramPjPerByte, 0, 1e6,
                "DRAM energy per byte (LPDDR4 512 pJ per 64 bits, Accelergy example)");
}

void readRun(ConfigNode& node, RunConfig& config)
{
    node.integer<std::int64_t>("chips", config.run.chips, 1, 100000, "chips (fault maps) to simulate");
    node.integer<std::int64_t>("images", config.run.images, 1, 100000000,
                               "test images (the first N of the dataset's test split)");
    node.integer<std::uint64_t>("seed", config.run.seed, 0, kMaxUint,
                                "run seed; chip c uses chipSeed(seed, c)");
    node.text("dataset", config.run.dataset,
              "dataset: fashion-mnist, idx:DIR or npz:FILE (docs/datasets.md)");
    auto& specs = config.accelerator;
    Names<std::string> engines;
    for (const std::string& name : models::arrayEngines().names())
        engines.emplace_back(name, name);
    node.choice("mode", specs.arrayEngine, engines,
                "array engine: fast (functional folds + timing model) or cycle (array stepped per clock)");
    node.integer<std::uint32_t>("batch_images", specs.batchImages, 1, 65536,
                                "images per host batch (each fold computed for the batch)");
    std::optional<std::string> vcd;
    node.text("vcd_file", vcd, "cycle mode: trace the array to this VCD file (null: none)");
    if (vcd && specs.arrayEngine != "cycle")
        throw InputError(node.where("vcd_file") + ": needs run.mode = cycle");
    if (specs.arrayEngine == "cycle")
        requireCycleArraySize(specs.array.rows, specs.array.cols, node.where("mode"));
    specs.vcdPath = vcd.value_or("");
}

/// The hardware sections (everything but `run`) of an accelerator config; loads the SRAM profile
/// and the energy table they name.
void readHardware(ConfigNode& root, RunConfig& config)
{
    auto& specs = config.accelerator;
    ConfigNode& array = root.child("array", "the systolic array");
    readArray(array, specs.array);
    readTimingModel(array, specs.timingModel);
    root.number("clock_mhz", specs.clockMhz, 1, 1e5, "accelerator clock, MHz");
    readWeightSram(root.child("weight_sram", "weight SRAM: the faulty chip holding the codes"),
                   specs.weightSram);
    readBuffer(root.child("activation_sram", "activation SRAM (double-buffered)"), specs.activationSram);
    readBuffer(root.child("accumulator_sram", "accumulator SRAM (int32 partial sums)"),
               specs.accumulatorSram);
    readRails(root, specs);
    readDram(root.child("dram", "off-chip DRAM and its DMA"), specs.dram, config.energy);
    root.child("ppu", "post-processing unit")
        .integer<std::uint32_t>("lanes", specs.ppu.lanes, 1, 4096,
                                "element-wise values (pool, add, concat) per cycle");
    std::optional<std::string> table;
    root.child("energy", "energy per action")
        .text("table", table, "energy table file (null: configs/energy/default.json)");
    config.energy.table = models::loadEnergyTable(table.value_or(models::defaultEnergyTablePath()));
}

} // namespace

void requireRailName(const std::string& name, const std::string& where)
{
    if (name.empty())
        throw InputError(where + ": every SRAM is on a rail: expected a rail name, got \"\"");
    const auto valid = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    };
    if (!std::all_of(name.begin(), name.end(), valid))
        throw InputError(where + ": rail name '" + name + "' may hold only letters, digits, '_' and '-'");
}

const models::RailSpecs* findRail(const models::AcceleratorSpecs& specs, const std::string& name)
{
    for (const models::RailSpecs& rail : specs.rails)
        if (rail.name == name)
            return &rail;
    return nullptr;
}

void applyRailFlags(nlohmann::json& config, const std::vector<std::string>& assignments,
                    const std::string& prefix, ValueOrigins& origins)
{
    for (const std::string& assignment : assignments) {
        const std::string flag = "--rail " + assignment;
        const std::size_t equals = assignment.find('=');
        if (equals == std::string::npos || equals + 1 == assignment.size())
            throw InputError("--rail: expected NAME=V (V/V_min) or NAME=XmV, got '" + assignment + "'");
        const std::string name = assignment.substr(0, equals);
        requireRailName(name, "--rail");
        std::string value = assignment.substr(equals + 1);
        const bool mv = value.size() > 2 && value.compare(value.size() - 2, 2, "mV") == 0;
        if (mv)
            value.resize(value.size() - 2);
        std::string rail = prefix;
        rail.append("rails.").append(name);
        std::string unset = rail;
        unset.append(mv ? ".voltage_rel" : ".voltage_mv").append("=null");
        std::string setValue = rail;
        setValue.append(mv ? ".voltage_mv" : ".voltage_rel").append("=").append(value);
        applyOverride(config, unset, &origins, flag);
        applyOverride(config, setValue, &origins, flag);
        recordOrigin(origins, rail, flag); // messages about the rail itself name the flag
    }
}

void requireCycleArraySize(std::int64_t rows, std::int64_t cols, const std::string& where)
{
    if (rows * cols > kMaxCycleArrayPes)
        throw InputError(where + ": a " + std::to_string(rows) + "x" + std::to_string(cols) + " array has " +
                         std::to_string(rows * cols) + " PEs; the array stepped per clock holds at most " +
                         std::to_string(kMaxCycleArrayPes) + " (512x512): use the analytic timing instead");
}

RunConfig readRunConfig(ConfigNode& root)
{
    RunConfig config;
    readHardware(root, config);
    readRun(root.child("run", "what to simulate"), config);
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
