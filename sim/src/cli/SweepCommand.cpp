// voltsim sweep: models x operating points x chips; the trade-off table, sweep.csv, stats.json,
// summary.json and plots (docs/sweep.md).
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"
#include "voltsim/sim/sweep/SweepCli.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/sim/sweep/SweepRunner.hpp"

#include <boost/program_options.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;

const char* kUsage =
    "usage: voltsim sweep [--models DIR|NAME[,...]] [--voltages-rel START:STOP:STEP|LIST | --voltages-mv ... "
    "| --bers LIST]\n"
    "                     [--chips N] [--max-loss-pp X] [--reference MODEL] [--profile NAME|FILE] [--seed "
    "S]\n"
    "                     [--protections none,secded:64,secded:32,parity:N,msb:K]\n"
    "                     [--images N] [--config FILE] [--accelerator FILE] [--rail NAME=V]... [--set "
    "key=value]...\n"
    "                     [--out DIR] [--resume] [--shard I/N|auto] [--threads N] [--backend "
    "functional|systemc] "
    "[--quiet]\n"
    "                     [--no-plots] [--dump-config]\n"
    "With no options: the shipped CNN zoo and resnet-randbet-8bit on the accelerator of\n"
    "configs/accelerator/default.json (16x16, 500 MHz, stutz2021-14nm weight SRAM),\n"
    "V/V_min 1.0 down to 0.76, 10 chips, full test set.\n"
    "Precedence: built-in defaults < --config FILE < flags < --set key=value.";

std::atomic<int> g_signal{0}; ///< the signal that stopped the sweep (SIGINT or SIGTERM), 0 until then

/// SIGINT and SIGTERM stop the sweep at the next chip boundary; a second one ends it at once.
extern "C" void onInterrupt(int signal)
{
    g_signal.store(signal);
    std::signal(signal, SIG_DFL);
}

po::options_description describeOptions()
{
    po::options_description options("voltsim sweep options");
    options.add_options()("help,h", "show this help")(
        "config", po::value<std::string>(),
        "sweep config JSON (configs/sweep/default.json documents every key)")(
        "accelerator", po::value<std::string>(),
        "accelerator config JSON, as voltsim run --config takes (default: configs/accelerator/default.json)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override a config key: key=value (repeatable; accelerator.KEY=VALUE for a key of the accelerator "
        "config)")("models", po::value<std::string>(),
                   "model packages, comma-separated: shipped names or directories")(
        "voltages-rel", po::value<std::string>(), "V/V_min: START:STOP:STEP (inclusive) or A,B,...")(
        "voltages-mv", po::value<std::string>(), "supply in mV: START:STOP:STEP or A,B,...")(
        "bers", po::value<std::string>(),
        "rates of faulty weight cells set directly (random model unless fault_model names another): "
        "START:STOP:STEP or A,B,...")(
        "rail", po::value<std::vector<std::string>>()->composing(),
        "supply of a rail besides the weight SRAM's, fixed over the sweep: NAME=V (V/V_min) or NAME=XmV "
        "(accelerator.rails.NAME.voltage_rel or voltage_mv; repeatable)")(
        "chips", po::value<std::string>(), "simulated chips per point (default 10)")(
        "seed", po::value<std::string>(), "run seed (default 1)")("images", po::value<std::string>(),
                                                                  "first N test images (default: all)")(
        "profile", po::value<std::string>(), "SRAM profile name or file (default stutz2021-14nm)")(
        "max-loss-pp", po::value<std::string>(), "allowed RErr loss over the reference, points (default 1)")(
        "reference", po::value<std::string>(),
        "reference model name (default: each model's own clean error)")(
        "protections", po::value<std::string>(),
        "weight SRAM protections to compare, comma-separated: every model is swept with each (none, "
        "secded:64, secded:32, parity:N, msb:K; default: the accelerator's weight_sram.protection)")(
        "dataset", po::value<std::string>(),
        "fashion-mnist (default), idx:DIR or npz:FILE (docs/datasets.md)")(
        "out", po::value<std::string>()->default_value("sweep-out"),
        "output directory")("resume", "continue the sweep in --out, skipping finished points")(
        "shard", po::value<std::string>(),
        "I/N: compute only points with index % N == I (combine with voltsim merge); auto: from a Slurm job "
        "array")(
        "threads", po::value<std::string>(),
        "inference threads, 1 to 1024 (default: one per hardware thread); results do not depend on it")(
        "backend", po::value<std::string>()->default_value("functional"),
        "functional (fast) or systemc (the accelerator simulated per chip); results do not depend on it")(
        "quiet", "no progress output")("no-plots", "do not draw the PNG plots")(
        "dump-config", "print the resolved config and exit");
    return options;
}

/// Maps the shorthand flags onto config keys, recording each key's flag in @p origins.
void applyFlags(const po::variables_map& values, nlohmann::json& config, ValueOrigins& origins)
{
    const std::pair<const char*, const char*> keys[] = {{"chips", "chips"},
                                                        {"seed", "seed"},
                                                        {"images", "images"},
                                                        {"profile", "profile"},
                                                        {"max-loss-pp", "max_loss_pp"},
                                                        {"reference", "reference"},
                                                        {"dataset", "dataset"}};
    for (const auto& [flag, key] : keys)
        if (values.count(flag))
            applyOverride(config, std::string(key) + "=" + values[flag].as<std::string>(), &origins,
                          std::string("--") + flag);
    for (const auto& [flag, key] : {std::pair<const char*, const char*>{"models", "models"},
                                    std::pair<const char*, const char*>{"protections", "protections"}})
        if (values.count(flag)) {
            config[key] = splitList(values[flag].as<std::string>(), std::string("--") + flag);
            recordOrigin(origins, key, std::string("--") + flag);
        }
    const char* axes[] = {"voltages_rel", "voltages_mv", "bers"};
    const char* flags[] = {"voltages-rel", "voltages-mv", "bers"};
    int given = 0;
    for (int i = 0; i < 3; ++i) {
        if (!values.count(flags[i]))
            continue;
        if (++given > 1)
            throw InputError("--voltages-rel, --voltages-mv and --bers are exclusive");
        config["voltages_mv"] = nullptr;
        config["bers"] = nullptr;
        const std::string flag = std::string("--") + flags[i];
        const std::string text = values[flags[i]].as<std::string>();
        // a grid stays text (the config reads it); a comma list becomes the JSON list it stands for
        config[axes[i]] = text.find(':') != std::string::npos ? nlohmann::json(text)
                                                              : nlohmann::json(parseAxisValues(text, flag));
        recordOrigin(origins, axes[i], flag);
    }
}

/// The sweep config document, in the precedence of every command (docs/sweep.md): the file (or
/// none), then the flags (--accelerator first), then --set; @p origins receives the flag or --set
/// that set each key.
nlohmann::json buildConfig(const po::variables_map& values, const std::string& source, ValueOrigins& origins)
{
    nlohmann::json config = values.count("config") ? loadConfigFile(source) : nlohmann::json::object();
    if (values.count("accelerator")) {
        config["accelerator"] = values["accelerator"].as<std::string>();
        recordOrigin(origins, "accelerator", "--accelerator");
    }
    applyFlags(values, config, origins);
    if (values.count("rail")) {
        inlineAcceleratorFile(config, source);
        applyRailFlags(config, values["rail"].as<std::vector<std::string>>(), "accelerator.", origins);
    }
    const auto sets =
        values.count("set") ? values["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    for (const auto& assignment : sets)
        if (assignment.rfind("accelerator.", 0) == 0)
            inlineAcceleratorFile(config, source); // so the override changes one key of the named file
    for (const auto& assignment : sets)
        applyOverride(config, assignment, &origins);
    return config;
}

void writeRunInfo(const SweepOutput& output, const SweepRunReport& report, const std::string& shard,
                  unsigned threads, std::size_t processes)
{
    const nlohmann::json info{
        {"note", "wall-clock figures of the last run into this directory; not reproducible"},
        {"wall_seconds", report.wallSeconds},
        {"points_computed", report.computed},
        {"points_skipped", report.skipped},
        {"interrupted", report.interrupted},
        {"shard", shard},
        {"threads", threads},
        {"processes", processes}};
    writeFileAtomically(output.dir() + "/run.json", info.dump(2) + "\n");
}

/// What every process of the sweep reads before any point runs.
struct SweepSetup {
    std::optional<int> early; ///< the exit status if the command ends before sweeping (--help, --dump-config)
    po::variables_map values;
    std::string shard;
    SweepRunOptions run;
    std::unique_ptr<SweepPlan> plan;
    std::unique_ptr<SweepOutput> output; ///< on the coordinating process only
};

/// Reads the arguments, the config and the plan; the coordinator also opens the output folder.
/// Output on stdout (--help, --dump-config) comes from the coordinator only.
void prepareSweep(const Args& args, const IWorkPool& pool, SweepSetup& setup)
{
    const po::options_description options = describeOptions();
    setup.values = parseOptions("sweep", args, options);
    const po::variables_map& values = setup.values;
    if (values.count("help")) {
        if (pool.coordinates())
            std::cout << kUsage << "\n" << options;
        setup.early = 0;
        return;
    }
    // From here on SIGINT and SIGTERM stop the sweep with a message (before the first point: at once).
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const std::string source = values.count("config") ? values["config"].as<std::string>() : "<command line>";
    auto origins = std::make_shared<ValueOrigins>();
    const SweepConfig sweepConfig =
        readSweepConfigFrom(buildConfig(values, source, *origins), source, origins);
    SweepRunOptions& run = setup.run;
    setup.shard = values.count("shard") ? values["shard"].as<std::string>() : "0/1";
    parseShard(setup.shard, run.shardIndex, run.shardCount);
    setup.shard = std::to_string(run.shardIndex) + "/" + std::to_string(run.shardCount); // auto resolved
    run.threads = threadsFlag(values);
    run.backend = values["backend"].as<std::string>();
    makeBackend(run.backend, "--backend", {}); // a bad name fails before any output is written
    run.progress = values.count("quiet") ? ProgressMode::Quiet : ProgressMode::Auto;
    run.stopSignal = &g_signal;
    if (values.count("dump-config")) {
        if (pool.coordinates())
            std::cout << sweepConfig.resolved.dump(2) << "\n";
        setup.early = 0;
        return;
    }
    setup.plan = std::make_unique<SweepPlan>(sweepConfig);
    if (pool.coordinates())
        setup.output =
            std::make_unique<SweepOutput>(values["out"].as<std::string>(), *setup.plan,
                                          values.count("resume") != 0, "sweep", sweepInputs(*setup.plan));
}

} // namespace

int runSweepCommand(const Args& args)
{
    const std::unique_ptr<IWorkPool> pool = makeWorkPool();
    SweepSetup setup;
    // Every process reads the same arguments and files; an error on any ends all, printed once.
    if (const std::optional<int> status = pool->agree([&] { prepareSweep(args, *pool, setup); }))
        return *status;
    if (setup.early)
        return *setup.early;
    if (!pool->coordinates())
        return serveSweep(*setup.plan, setup.run, *pool);
    const SweepRunReport report = runSweep(*setup.plan, *setup.output, setup.run, *pool);
    writeRunInfo(*setup.output, report, setup.shard, setup.run.threads, pool->processes());
    // a signal that came after the last point still says so (and exits 128 + it)
    const int signal = report.signal != 0 ? report.signal : g_signal.load();
    return finishSweepOutput(*setup.plan, *setup.output, signal, setup.values.count("no-plots") == 0,
                             setup.values.count("quiet") != 0);
}

} // namespace voltsim::sim
