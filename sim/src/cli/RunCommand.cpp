// voltsim run: one model at one operating point on N chips and N images, simulated by the SystemC
// accelerator (docs/accelerator.md).
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/sim/report/OutputFolder.hpp"
#include "voltsim/sim/report/RunReport.hpp"
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;

const char* kUsage =
    "usage: voltsim run --model NAME|DIR [--config FILE] [--set key=value]... [--profile NAME|FILE]\n"
    "                   [--voltage-mv X | --voltage-rel X | --ber P] [--rail NAME=V]... [--chips N] "
    "[--images N]\n"
    "                   [--seed S]"
    "                   [--dataset SPEC] [--mode fast|cycle] [--out DIR] [--json] [--dump-logits FILE] "
    "[--vcd FILE]\n"
    "                   [--backend systemc|functional] [--dump-config] [--describe-config]\n"
    "Precedence: built-in defaults < --config FILE < flags < --set key=value.";

po::options_description describeOptions()
{
    po::options_description options("voltsim run options");
    options.add_options()("help,h", "show this help")("model", po::value<std::string>(),
                                                      "shipped model name or model package directory")(
        "config", po::value<std::string>(),
        "accelerator config JSON (default: built-in, = configs/accelerator/default.json)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override a config key: a.b=value (repeatable)")(
        "profile", po::value<std::string>(), "weight SRAM profile name or file (weight_sram.profile)")(
        "voltage-mv", po::value<std::string>(), "weight SRAM supply, mV (weight_sram.voltage_mv)")(
        "voltage-rel", po::value<std::string>(),
        "weight SRAM supply relative to the profile's V_min (weight_sram.voltage_rel)")(
        "ber", po::value<std::string>(),
        "rate of faulty weight cells set directly, the paper's random model unless weight_sram.fault_model "
        "names another; implies --profile uniform (weight_sram.ber)")(
        "rail", po::value<std::vector<std::string>>()->composing(),
        "supply of a rail besides the weight SRAM's: NAME=V (V/V_min) or NAME=XmV (rails.NAME.voltage_rel "
        "or voltage_mv; repeatable)")("chips", po::value<std::string>(), "chips (run.chips)")(
        "images", po::value<std::string>(), "images (run.images)")("seed", po::value<std::string>(),
                                                                   "run seed (run.seed)")(
        "dataset", po::value<std::string>(), "fashion-mnist, idx:DIR or npz:FILE (run.dataset)")(
        "mode", po::value<std::string>(), "fast or cycle (run.mode)")(
        "out", po::value<std::string>(), "write stats.json, layers.csv, config.json here")(
        "json", "print the summary as one JSON object")("dump-logits", po::value<std::string>(),
                                                        "write every logit to this CSV")(
        "vcd", po::value<std::string>(), "cycle mode: VCD trace of the array (run.vcd_file)")(
        "backend", po::value<std::string>()->default_value("systemc"),
        "systemc (the accelerator: cycles and counts measured) or functional (the same results; counts of "
        "one inference)")("dump-config", "print the resolved config and exit")(
        "describe-config", "list every config key and exit");
    return options;
}

po::variables_map parse(const Args& args)
{
    return parseOptions("run", args, describeOptions());
}

/// The config JSON in the precedence of every command (docs/accelerator.md): the file (or empty
/// = built-in defaults), then the flags, then --set; @p origins receives the flag or --set that set
/// each key.
nlohmann::json buildConfig(const po::variables_map& vm, ValueOrigins& origins)
{
    nlohmann::json config =
        vm.count("config") ? loadConfigFile(vm["config"].as<std::string>()) : nlohmann::json::object();
    const auto set = [&](const char* flag, const char* key, const nlohmann::json& value) {
        applyOverride(config, std::string(key) + "=" + value.dump(), &origins, flag);
    };
    // A number flag's text is read as --set reads a value, so "nan" is a string the key's reader
    // refuses, never a NaN that JSON would write as null ("not set").
    const auto setNumber = [&](const char* name, const char* key) {
        if (vm.count(name))
            applyOverride(config, std::string(key) + "=" + vm[name].as<std::string>(), &origins,
                          std::string("--") + name);
    };
    const bool point = vm.count("voltage-mv") || vm.count("voltage-rel") || vm.count("ber");
    if (vm.count("voltage-mv") + vm.count("voltage-rel") + vm.count("ber") > 1)
        throw InputError("run: give at most one of --voltage-mv, --voltage-rel and --ber");
    const char* const pointFlag = vm.count("voltage-mv")    ? "--voltage-mv"
                                  : vm.count("voltage-rel") ? "--voltage-rel"
                                                            : "--ber";
    if (point) {
        set(pointFlag, "weight_sram.voltage_mv", nullptr);
        set(pointFlag, "weight_sram.voltage_rel", nullptr);
        set(pointFlag, "weight_sram.ber", nullptr);
    }
    if (vm.count("ber") && !vm.count("profile"))
        set("--ber", "weight_sram.profile", "uniform");
    if (vm.count("profile"))
        set("--profile", "weight_sram.profile", vm["profile"].as<std::string>());
    setNumber("voltage-mv", "weight_sram.voltage_mv");
    setNumber("voltage-rel", "weight_sram.voltage_rel");
    setNumber("ber", "weight_sram.ber");
    setNumber("chips", "run.chips");
    setNumber("images", "run.images");
    setNumber("seed", "run.seed");
    if (vm.count("mode"))
        set("--mode", "run.mode", vm["mode"].as<std::string>());
    if (vm.count("dataset"))
        set("--dataset", "run.dataset", vm["dataset"].as<std::string>());
    if (vm.count("vcd")) {
        set("--vcd", "run.vcd_file", vm["vcd"].as<std::string>());
        if (!vm.count("mode"))
            set("--vcd", "run.mode", "cycle");
    }
    if (vm.count("rail"))
        applyRailFlags(config, vm["rail"].as<std::vector<std::string>>(), "", origins);
    if (vm.count("set"))
        for (const std::string& assignment : vm["set"].as<std::vector<std::string>>())
            applyOverride(config, assignment, &origins);
    return config;
}

void writeFile(const std::filesystem::path& path, const std::string& content)
{
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out)
        throw InputError(path.string() + ": cannot write");
}

template <typename Writer> std::string render(Writer writer)
{
    std::ostringstream out;
    writer(out);
    return out.str();
}

/// The run as an experiment: the configured operating point, chips 0 .. chips-1 of the run seed,
/// chip 0 at V_nom as the clean reference, logits kept (for --dump-logits and the per-chip errors).
Experiment experiment(const RunConfig& config, const workloads::ModelPackage& package, const ImageSet& images)
{
    Experiment run;
    run.model = &package;
    run.images = images;
    run.accelerator = &config;
    run.point = config.accelerator.weightSram.operatingPoint;
    run.chipSeeds = memory::chipSeeds(config.run.seed, static_cast<std::uint64_t>(config.run.chips));
    run.cleanSeed = memory::chipSeed(config.run.seed, 0);
    run.keepLogits = true;
    return run;
}

/// layers.csv first: it marks the folder as a run's (OutputFolder.hpp, folderContent).
void writeRunFolder(const OutputFolder& folder, const RunReportInput& report, const nlohmann::json& resolved,
                    const workloads::ModelPackage& package)
{
    const std::string dir = folder.dir() + "/";
    writeFileAtomically(dir + "layers.csv",
                        render([&](std::ostream& out) { writeRunLayersCsv(out, report); }));
    writeFileAtomically(dir + "stats.json", statsJson(report).dump(2) + "\n");
    const nlohmann::json configEcho{
        {"config", resolved}, {"seeds", seedsJson(report)}, {"model", package.directory}};
    writeFileAtomically(dir + "config.json", configEcho.dump(2) + "\n");
}

void describeConfig(std::ostream& out)
{
    for (const ParamInfo& param : describeRunConfig())
        out << param.path << " = " << param.defaultValue << "  # " << param.description << "\n";
}

} // namespace

int runRunCommand(const Args& args)
{
    const po::variables_map vm = parse(args);
    if (vm.count("help")) {
        std::cout << kUsage << "\n\n" << describeOptions() << "\n";
        return 0;
    }
    if (vm.count("describe-config")) {
        describeConfig(std::cout);
        return 0;
    }
    const std::string source = vm.count("config") ? vm["config"].as<std::string>() : "<built-in config>";
    auto origins = std::make_shared<ValueOrigins>();
    ConfigNode root(buildConfig(vm, *origins), source, "", origins);
    const RunConfig config = readRunConfig(root);
    const nlohmann::json resolved = root.resolved();
    const std::unique_ptr<IBackend> backend = makeBackend(vm["backend"].as<std::string>(), "--backend", {});
    if (vm.count("dump-config")) {
        std::cout << resolved.dump(2) << "\n";
        return 0;
    }
    if (!vm.count("model"))
        throw InputError("run: --model NAME|DIR is required\n" + std::string(kUsage));
    const auto start = std::chrono::steady_clock::now();
    const workloads::ModelPackage package =
        workloads::ModelPackage::load(workloads::resolveModelDir(vm["model"].as<std::string>()));
    const workloads::Dataset dataset =
        workloads::Dataset::fromSpec(config.run.dataset, root.where("run.dataset"));
    dataset.checkFits(package.network.dataset.inputShape, package.network.dataset.numClasses, package.name);
    if (static_cast<std::size_t>(config.run.images) > dataset.size())
        throw InputError(root.where("run.images") + ": " + std::to_string(config.run.images) +
                         " exceeds the " + std::to_string(dataset.size()) + " test images");
    const ImageSet images{dataset.pixels().data(), dataset.labels().data(),
                          static_cast<std::size_t>(config.run.images)};
    std::optional<OutputFolder> folder;
    if (vm.count("out")) {
        folder.emplace(vm["out"].as<std::string>(), "run");
        requireOwnFolder(*folder, FolderContent::Run, "run");
    }
    const PointOutcome outcome = backend->evaluate(experiment(config, package, images));
    const RunReportInput report{&config, &resolved, &package, &outcome, images.labels};
    const RunSummary summary = summarizeRun(report);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (vm.count("json"))
        std::cout << summaryJson(summary).dump(2) << "\n";
    else
        printRunSummary(std::cout, summary, wall);
    if (folder)
        writeRunFolder(*folder, report, resolved, package);
    if (vm.count("dump-logits"))
        writeFile(vm["dump-logits"].as<std::string>(),
                  render([&](std::ostream& out) { writeLogits(out, report); }));
    return 0;
}

} // namespace voltsim::sim
