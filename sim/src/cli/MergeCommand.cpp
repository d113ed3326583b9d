// voltsim merge DIR... --out DIR: combines the partial outputs of a sharded sweep (--shard I/N)
// into the files one run would have written.
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"
#include "voltsim/sim/sweep/SweepCli.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/sim/sweep/SweepPlan.hpp"

#include <boost/program_options.hpp>

#include <filesystem>
#include <iostream>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;

const char* kMergeUsage = "usage: voltsim merge DIR... --out DIR [--no-plots] [--quiet]";

/// Whether `a` and `b` name one existing folder.
bool sameFolder(const std::string& a, const std::string& b)
{
    std::error_code error;
    return std::filesystem::equivalent(a, b, error) && !error;
}

} // namespace

int runMergeCommand(const Args& args)
{
    po::options_description options("voltsim merge options");
    options.add_options()("help,h", "show this help")(
        "out", po::value<std::string>(), "merged output directory")("no-plots", "do not draw the PNG plots")(
        "quiet", "print nothing")("dirs", po::value<std::vector<std::string>>(), "sweep output directories");
    po::positional_options_description positional;
    positional.add("dirs", -1);
    const po::variables_map values = parseOptions("merge", args, options, &positional);
    if (values.count("help")) {
        std::cout << kMergeUsage << "\n" << options;
        return 0;
    }
    if (!values.count("dirs") || !values.count("out"))
        throw InputError(std::string("voltsim merge: DIR... and --out are required (") + kMergeUsage + ")");
    const auto dirs = values["dirs"].as<std::vector<std::string>>();
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        requireNoWriter(dirs[i]);
        for (std::size_t j = 0; j < i; ++j)
            if (sameFolder(dirs[i], dirs[j]))
                throw InputError("voltsim merge: " + dirs[i] + ": given twice (as " + dirs[j] +
                                 "); each directory may appear once");
    }
    const nlohmann::json config = readSweepDirConfig(dirs.front());
    for (const auto& dir : dirs)
        if (readSweepDirConfig(dir) != config)
            throw InputError(dir + "/config.json: differs from " + dirs.front() +
                             "/config.json (not the same sweep)");
    const SweepPlan plan(readSweepConfigFrom(config, dirs.front() + "/config.json"));
    const std::string out = values["out"].as<std::string>();
    for (const auto& dir : dirs)
        if (sameFolder(out, dir))
            throw InputError("--out " + out + ": must differ from the merged directories");
    SweepOutput output(out, plan, true, "merge");
    for (const auto& dir : dirs)
        output.addFrom(readRecords(dir, plan), dir + "/points.jsonl");
    output.writeAll();
    if (output.records().size() != plan.size())
        std::cerr << "voltsim merge: note: " << output.records().size() << " of " << plan.size()
                  << " points present (missing shards?)\n";
    return finishSweepOutput(plan, output, false, values.count("no-plots") == 0, values.count("quiet") != 0);
}

} // namespace voltsim::sim
