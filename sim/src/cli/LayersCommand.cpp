// voltsim layers: per-layer timing, SRAM accesses and energy of a SCALE-Sim topology or of a model
// package's network, with SCALE-Sim's report files (docs/timing.md).
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"
#include "voltsim/sim/run/RunConfig.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/models/array/CycleSystolicArray.hpp"
#include "voltsim/models/array/FoldSchedule.hpp"
#include "voltsim/models/array/SystolicArray.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"
#include "voltsim/models/timing/LayerEnergy.hpp"
#include "voltsim/models/timing/LayerReports.hpp"
#include "voltsim/models/timing/impl/NativeTiming.hpp"
#include "voltsim/models/timing/impl/ScaleSimTiming.hpp"
#include "voltsim/sim/report/LayersCsv.hpp"
#include "voltsim/sim/report/OutputFolder.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"
#include "voltsim/workloads/topology/ScaleSimConfig.hpp"
#include "voltsim/workloads/topology/Topology.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;
using models::ArraySpec;
using models::LayerReportRow;

const char* kUsage = "usage: voltsim layers (--topology NAME|CSV | --model NAME|DIR)\n"
                     "                      [--scalesim-config FILE | --array RxC --dataflow os|ws|is]\n"
                     "                      [--timing scalesim|native] [--mode analytic|cycle] [--out DIR]\n"
                     "                      [--voltage-mv X | --voltage-rel X] [--profile NAME|FILE]\n"
                     "                      [--energy-table FILE] [--seed S] [--vcd FILE]";

struct LayersOptions {
    std::optional<std::string> topology;
    std::optional<std::string> model;
    std::optional<std::string> scalesimConfig;
    std::optional<std::string> array;
    std::optional<std::string> dataflow;
    std::string timing = "scalesim";
    std::string mode = "analytic";
    std::optional<std::string> out;
    std::optional<double> voltageMv;
    std::optional<double> voltageRel;
    std::optional<std::string> profile;
    std::string energyTable;
    std::uint64_t seed = 1;
    std::optional<std::string> vcd;
};

po::options_description describeOptions()
{
    po::options_description options("voltsim layers options");
    options.add_options()("help,h", "show this help")(
        "topology", po::value<std::string>(),
        "shipped topology name (e.g. alexnet) or SCALE-Sim topology CSV (conv or GEMM form)")(
        "model", po::value<std::string>(),
        "shipped model name or model package directory: its conv2d/linear layers (one row per group)")(
        "scalesim-config", po::value<std::string>(),
        "SCALE-Sim .cfg: ArrayHeight, ArrayWidth, Dataflow, ...")(
        "array", po::value<std::string>(), "array ROWSxCOLS (default 32x32; overrides the .cfg)")(
        "dataflow", po::value<std::string>(), "os|ws|is (default os; overrides the .cfg)")(
        "timing", po::value<std::string>(),
        "scalesim (default: SCALE-Sim's Total Cycles) | native (voltsim's)")(
        "mode", po::value<std::string>(),
        "analytic (default) | cycle (SystemC array stepped per clock; native)")(
        "out", po::value<std::string>(),
        "write COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, "
        "DETAILED_ACCESS_REPORT.csv and layers.csv here")(
        "voltage-mv", po::value<std::string>(),
        "weight-SRAM supply in mV for the energy columns (default V_nom)")(
        "voltage-rel", po::value<std::string>(), "weight-SRAM supply relative to the profile's V_min")(
        "profile", po::value<std::string>(),
        "SRAM profile pricing SRAM accesses (default: the energy table's)")(
        "energy-table", po::value<std::string>(),
        "energy-per-action JSON (default configs/energy/default.json)")(
        "seed", po::value<std::string>(), "cycle mode: seed of the random operand codes (default 1)")(
        "vcd", po::value<std::string>(), "cycle mode: VCD trace file (SystemC appends .vcd)");
    return options;
}

template <typename T> std::optional<T> optionalValue(const po::variables_map& values, const char* name)
{
    return values.count(name) ? std::optional<T>(values[name].as<T>()) : std::nullopt;
}

bool parseOptions(const Args& args, LayersOptions& parsed)
{
    const po::options_description options = describeOptions();
    const po::variables_map values = voltsim::sim::parseOptions("layers", args, options);
    if (values.count("help")) {
        std::cout << kUsage << "\n" << options;
        return false;
    }
    if (values.count("topology") == values.count("model"))
        throw InputError("voltsim layers: give one of --topology and --model (see voltsim layers --help)");
    if (values.count("topology"))
        parsed.topology = workloads::resolveTopologyPath(values["topology"].as<std::string>());
    if (values.count("model"))
        parsed.model = workloads::resolveModelDir(values["model"].as<std::string>());
    parsed.scalesimConfig = optionalValue<std::string>(values, "scalesim-config");
    parsed.array = optionalValue<std::string>(values, "array");
    parsed.dataflow = optionalValue<std::string>(values, "dataflow");
    parsed.timing = optionalValue<std::string>(values, "timing").value_or("scalesim");
    parsed.mode = optionalValue<std::string>(values, "mode").value_or("analytic");
    parsed.out = optionalValue<std::string>(values, "out");
    parsed.voltageMv = positiveFlag(values, "voltage-mv", kMaxVoltageMv);
    parsed.voltageRel = positiveFlag(values, "voltage-rel", kMaxVoltageRel);
    parsed.profile = optionalValue<std::string>(values, "profile");
    parsed.energyTable =
        optionalValue<std::string>(values, "energy-table").value_or(models::defaultEnergyTablePath());
    parsed.seed = unsignedFlag(values, "seed", 0, std::numeric_limits<std::int64_t>::max()).value_or(1);
    parsed.vcd = optionalValue<std::string>(values, "vcd");
    return true;
}

void checkCombinations(const LayersOptions& options)
{
    if (options.mode != "analytic" && options.mode != "cycle")
        throw InputError("voltsim layers: --mode: '" + options.mode + "' (valid: analytic, cycle)");
    if (options.mode == "cycle" && options.timing != "native")
        throw InputError("voltsim layers: --mode cycle steps voltsim's own array: it needs --timing native");
    if (options.vcd && options.mode != "cycle")
        throw InputError("voltsim layers: --vcd: only valid with --mode cycle");
    if (options.voltageMv && options.voltageRel)
        throw InputError("voltsim layers: --voltage-mv and --voltage-rel are exclusive");
}

/// Array from the .cfg, then --array / --dataflow on top, then defaults (32x32, os).
ArraySpec resolveArray(const LayersOptions& options)
{
    std::string dims = "32x32";
    std::string dataflow = "os";
    std::string dataflowSource = "--dataflow";
    if (options.scalesimConfig) {
        const workloads::ScaleSimConfig config = workloads::readScaleSimConfig(*options.scalesimConfig);
        dims = std::to_string(config.arrayHeight) + "x" + std::to_string(config.arrayWidth);
        dataflow = config.dataflow;
        dataflowSource = *options.scalesimConfig + ": Dataflow";
        if (!config.unmodelledKeys.empty()) {
            std::string keys;
            for (const auto& key : config.unmodelledKeys)
                keys += (keys.empty() ? "" : ", ") + key;
            std::cerr << "voltsim: note: " << *options.scalesimConfig
                      << ": keys without effect on voltsim's timing: " << keys << "\n";
        }
        if (config.interfaceBandwidth == "USER")
            std::cerr
                << "voltsim: note: " << *options.scalesimConfig
                << ": InterfaceBandwidth USER: voltsim reproduces SCALE-Sim's stall-free (CALC) accounting\n";
    }
    if (options.dataflow) {
        dataflow = *options.dataflow;
        dataflowSource = "--dataflow";
    }
    const models::Dataflow flow = models::parseDataflow(dataflow, dataflowSource);
    return models::parseArrayDims(options.array.value_or(dims), flow, "--array");
}

/// The weight-SRAM voltage (> 0, the flags are checked): --voltage-mv, --voltage-rel x V_min, or V_nom.
double resolveVoltage(const LayersOptions& options, const memory::SramProfile& profile)
{
    return options.voltageMv    ? *options.voltageMv
           : options.voltageRel ? profile.voltageFromRelative(*options.voltageRel)
                                : profile.vNomMv;
}

/// Random uint8 operand codes for one cycle-mode layer; the stream depends only on (seed, layer).
models::CodeMatrix randomCodes(std::int64_t rows, std::int64_t cols, std::mt19937_64& rng)
{
    models::CodeMatrix codes(rows, cols);
    for (Eigen::Index i = 0; i < codes.size(); ++i)
        codes.data()[i] = static_cast<std::uint8_t>(rng() >> 56);
    return codes;
}

/// What `layers` times: named GEMMs, from a topology or from a model package.
struct Workload {
    std::string source; ///< file or package name, for the summary
    std::vector<std::string> names;
    std::vector<workloads::GemmShape> gemms;
};

/// The work `voltsim layers` takes on, bounded before anything is allocated (docs/timing.md,
/// "Limits"): the GEMMs of a workload (a topology's rows, a package's layers times their groups),
/// the folds of one layer and of all (the native timing lists every fold), and in cycle mode the
/// elements of one operand or result matrix.
constexpr std::int64_t kMaxGemms = std::int64_t{1} << 16;
constexpr std::int64_t kMaxFoldsPerLayer = std::int64_t{1} << 22;
constexpr std::int64_t kMaxFolds = std::int64_t{1} << 26;
constexpr std::int64_t kMaxCycleMatrix = std::int64_t{1} << 24;

/// InputError naming the layer and the limit if `workload` on `spec` exceeds a bound above.
void checkWork(const Workload& workload, const ArraySpec& spec, const LayersOptions& options)
{
    if (options.mode == "cycle")
        requireCycleArraySize(spec.rows, spec.cols, "voltsim layers: --mode cycle");
    std::int64_t total = 0;
    for (std::size_t id = 0; id < workload.gemms.size(); ++id) {
        const workloads::GemmShape& shape = workload.gemms[id];
        const std::string where = workload.source + ": layer '" + workload.names[id] + "' (" +
                                  std::to_string(shape.m) + "x" + std::to_string(shape.k) + "x" +
                                  std::to_string(shape.n) + ")";
        const models::FoldMapping mapping = models::mapGemm(shape, spec.dataflow);
        const std::int64_t folds = models::rowFolds(mapping, spec) * models::colFolds(mapping, spec);
        if (folds > kMaxFoldsPerLayer)
            throw InputError(where + ": " + std::to_string(folds) + " folds on the " +
                             std::to_string(spec.rows) + "x" + std::to_string(spec.cols) +
                             " array, more than the " + std::to_string(kMaxFoldsPerLayer) +
                             " voltsim layers times per layer");
        total += folds;
        if (total > kMaxFolds)
            throw InputError(where + ": the layers up to this one take more than the " +
                             std::to_string(kMaxFolds) + " folds voltsim layers times in one run");
        const std::int64_t largest = std::max({shape.m * shape.k, shape.k * shape.n, shape.m * shape.n});
        if (options.mode == "cycle" && largest > kMaxCycleMatrix)
            throw InputError(where + ": an operand or result of " + std::to_string(largest) +
                             " elements, more than the " + std::to_string(kMaxCycleMatrix) +
                             " --mode cycle simulates per layer");
    }
}

Workload topologyWorkload(const std::string& path)
{
    const workloads::Topology topology = workloads::readTopology(path);
    Workload workload{topology.source, {}, {}};
    for (const workloads::TopologyLayer& layer : topology.layers) {
        workload.names.push_back(layer.name);
        workload.gemms.push_back(layer.gemm());
    }
    return workload;
}

/// A package's conv2d/linear layers as the accelerator lowers them (im2col with padding): M output
/// pixels, K = C / groups x Fh x Fw, N = C_out / groups; a grouped conv2d gives one GEMM per group
/// (<name>Group_<g>, as SCALE-Sim expands depthwise layers per channel).
Workload modelWorkload(const std::string& directory)
{
    const workloads::ModelPackage package = workloads::ModelPackage::load(directory);
    Workload workload{package.name, {}, {}};
    for (const workloads::Layer& layer : package.network.layers) {
        if (!layer.hasParameters())
            continue;
        const std::int64_t pixels =
            layer.type == workloads::LayerType::Conv2d ? layer.outShape[1] * layer.outShape[2] : 1;
        const workloads::GemmShape shape{pixels, layer.fanIn(), layer.outShape[0] / layer.groups};
        if (static_cast<std::int64_t>(workload.gemms.size()) + layer.groups > kMaxGemms)
            throw InputError(package.manifestPath() + ": layer '" + layer.name + "' makes more than " +
                             std::to_string(kMaxGemms) +
                             " GEMMs (one per group), the most voltsim layers times");
        for (int g = 0; g < layer.groups; ++g) {
            workload.names.push_back(layer.groups == 1 ? layer.name
                                                       : layer.name + "Group_" + std::to_string(g));
            workload.gemms.push_back(shape);
        }
    }
    return workload;
}

/// Steps the SystemC array through every layer, checks its outputs against the functional array
/// bit for bit and its cycles against the analytic native model; returns the observed timings.
std::vector<models::LayerTiming> runCycleMode(const Workload& workload, const ArraySpec& spec,
                                              const LayersOptions& options)
{
    models::CycleArrayHarness harness(spec, options.vcd.value_or(""));
    const models::SystolicArray functional(spec);
    std::vector<models::LayerTiming> timings;
    std::int64_t simulated = 0;
    const auto begin = std::chrono::steady_clock::now();
    for (std::size_t id = 0; id < workload.gemms.size(); ++id) {
        const workloads::GemmShape shape = workload.gemms[id];
        std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL + id);
        const models::CodeMatrix weights = randomCodes(shape.k, shape.n, rng);
        const models::CodeMatrix inputs = randomCodes(shape.m, shape.k, rng);
        const models::GemmResult cycled = harness.run(weights, inputs);
        const models::GemmResult reference = functional.gemm(weights, inputs);
        if (cycled.acc != reference.acc || cycled.timing.totalCycles != reference.timing.totalCycles)
            throw std::logic_error("cycle mode disagrees with the functional array on layer " +
                                   std::to_string(id));
        simulated += cycled.timing.totalCycles;
        timings.push_back(cycled.timing);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    std::printf(
        "cycle mode: %lld cycles simulated in %.3f s (%.0f cycles/s); outputs and cycle counts equal the "
        "functional array and the analytic native model on every layer\n",
        static_cast<long long>(simulated), seconds, static_cast<double>(simulated) / seconds);
    return timings;
}

void printSummary(const Workload& workload, const ArraySpec& spec, const std::vector<LayerReportRow>& rows,
                  const std::string& timingName)
{
    const models::ScaleSimTiming scalesim;
    const models::NativeTiming native;
    std::printf("%s: %zu layers on %lldx%lld %s (reports: %s timing)\n", workload.source.c_str(), rows.size(),
                static_cast<long long>(spec.rows), static_cast<long long>(spec.cols),
                models::toString(spec.dataflow), timingName.c_str());
    std::printf("%5s  %-24s %9s %7s %6s %7s %13s %13s %7s %14s\n", "id", "layer", "M", "K", "N", "folds",
                "scalesim_cyc", "native_cyc", "ratio", "energy_pj");
    long long totalScale = 0;
    long long totalNative = 0;
    double totalEnergy = 0;
    for (std::size_t id = 0; id < rows.size(); ++id) {
        const LayerReportRow& row = rows[id];
        const long long s = scalesim.layer(row.shape, spec).totalCycles;
        const long long n = native.layer(row.shape, spec).totalCycles;
        totalScale += s;
        totalNative += n;
        totalEnergy += row.energy.totalPj();
        std::printf("%5zu  %-24.24s %9lld %7lld %6lld %7lld %13lld %13lld %7.3f %14.1f\n", id,
                    row.name.c_str(), static_cast<long long>(row.shape.m),
                    static_cast<long long>(row.shape.k), static_cast<long long>(row.shape.n),
                    static_cast<long long>(row.timing.folds), s, n,
                    static_cast<double>(n) / static_cast<double>(s), row.energy.totalPj());
    }
    std::printf("%5s  %-24s %9s %7s %6s %7s %13lld %13lld %7.3f %14.1f\n", "", "total", "", "", "", "",
                totalScale, totalNative, static_cast<double>(totalNative) / static_cast<double>(totalScale),
                totalEnergy);
}

/// The topology's rows in the layers.csv schema: SCALE-Sim's IFMAP reads are activation reads, its
/// OFMAP reads and writes accumulator accesses; a topology has no DRAM, flips or chips.
std::vector<LayersCsvRow> layersCsvRows(const std::vector<LayerReportRow>& rows)
{
    std::vector<LayersCsvRow> csv;
    for (const LayerReportRow& row : rows) {
        LayersCsvRow line;
        line.layer = row.name;
        line.shape = row.shape;
        line.timing = row.timing;
        line.cycles = row.timing.totalCycles;
        line.weightSramReads = static_cast<double>(row.timing.filterSramReads);
        line.activationSramReads = static_cast<double>(row.timing.ifmapSramReads);
        line.accumulatorSramReads = static_cast<double>(row.timing.ofmapSramReads);
        line.accumulatorSramWrites = static_cast<double>(row.timing.ofmapSramWrites);
        line.energy = row.energy;
        csv.push_back(std::move(line));
    }
    return csv;
}

void writeReports(const OutputFolder& folder, const std::vector<LayerReportRow>& rows, const ArraySpec& spec,
                  const std::string& timingName, double voltageMv, double nominalMv)
{
    // COMPUTE_REPORT.csv first: it marks the folder as the reports of voltsim layers (folderContent)
    const auto write = [&](const std::string& name, const std::function<void(std::ostream&)>& writer) {
        std::ostringstream text;
        writer(text);
        writeFileAtomically(folder.dir() + "/" + name, text.str());
    };
    write("COMPUTE_REPORT.csv", [&](std::ostream& out) { models::writeComputeReport(out, rows); });
    write("BANDWIDTH_REPORT.csv", [&](std::ostream& out) { models::writeBandwidthReport(out, rows); });
    write("DETAILED_ACCESS_REPORT.csv",
          [&](std::ostream& out) { models::writeDetailedAccessReport(out, rows); });
    write("layers.csv", [&](std::ostream& out) {
        // a topology's activations and accumulators are priced at V_nom (LayerEnergyModel)
        writeLayersCsv(out, {spec, timingName, voltageMv, nominalMv, nominalMv}, layersCsvRows(rows));
    });
}

} // namespace

int runLayersCommand(const Args& args)
{
    LayersOptions options;
    if (!parseOptions(args, options))
        return 0;
    checkCombinations(options);
    const std::unique_ptr<models::ITimingModel> timing =
        models::timingModels().create(options.timing, "--timing");
    const Workload workload =
        options.model ? modelWorkload(*options.model) : topologyWorkload(*options.topology);
    const ArraySpec spec = resolveArray(options);
    checkWork(workload, spec, options);
    const models::EnergyTable table = models::loadEnergyTable(options.energyTable);
    const memory::SramProfile profile = memory::loadProfile(options.profile.value_or(table.sramProfile));
    const models::LayerEnergyModel energy(table, profile);
    const double voltageMv = resolveVoltage(options, profile);

    std::optional<OutputFolder> folder;
    if (options.out) {
        folder.emplace(*options.out, "layers");
        requireOwnFolder(*folder, FolderContent::Layers, "layers");
    }
    std::vector<models::LayerTiming> timings;
    if (options.mode == "cycle")
        timings = runCycleMode(workload, spec, options);
    else
        for (const workloads::GemmShape& shape : workload.gemms)
            timings.push_back(timing->layer(shape, spec));

    std::vector<LayerReportRow> rows;
    for (std::size_t id = 0; id < workload.gemms.size(); ++id)
        rows.push_back(LayerReportRow{workload.names[id], workload.gemms[id], timings[id],
                                      energy.price(timings[id], voltageMv)});
    printSummary(workload, spec, rows, timing->name());
    if (folder)
        writeReports(*folder, rows, spec, timing->name(), voltageMv, profile.vNomMv);
    return 0;
}

} // namespace voltsim::sim
