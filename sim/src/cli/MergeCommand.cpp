// voltsim merge DIR... --out DIR: combines the partial outputs of a sharded sweep (--shard I/N)
// into the files one run would have written.
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"
#include "voltsim/sim/sweep/SweepCli.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/sim/report/OutputFolder.hpp"
#include "voltsim/sim/sweep/SweepInputs.hpp"
#include "voltsim/sim/sweep/SweepPlan.hpp"

#include <boost/program_options.hpp>

#include <filesystem>
#include <iostream>
#include <map>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;

const char* kMergeUsage = "usage: voltsim merge DIR... --out DIR [--partial] [--no-plots] [--quiet]";

/// Whether `a` and `b` name one existing folder.
bool sameFolder(const std::string& a, const std::string& b)
{
    std::error_code error;
    return std::filesystem::equivalent(a, b, error) && !error;
}

/// The inputs.json every directory records, after checking they agree and that the files the plan
/// read now are those the shards used; InputError naming the file otherwise.
std::vector<SweepInput> sameInputs(const SweepPlan& plan, const std::vector<std::string>& dirs)
{
    const std::string first = dirs.front() + "/" + kSweepInputsFile;
    std::vector<SweepInput> inputs = readSweepInputs(dirs.front());
    for (std::size_t i = 1; i < dirs.size(); ++i)
        if (readSweepInputs(dirs[i]) != inputs)
            throw InputError(dirs[i] + "/" + kSweepInputsFile + ": differs from " + first +
                             " (the shards read different files: not the same sweep)");
    requireSameInputs(inputs, first, sweepInputs(plan), "voltsim merge");
    return inputs;
}

/// The records of every directory; InputError for a point in two of them (the same shard twice, or
/// shards of two different splits): each point comes from one directory.
RecordSet uniteShards(const SweepPlan& plan, const std::vector<std::string>& dirs)
{
    RecordSet united;
    std::map<std::size_t, std::string> origin;
    for (const auto& dir : dirs)
        for (auto& [index, record] : readRecords(dir, plan)) {
            if (const auto other = origin.find(index); other != origin.end())
                throw InputError(dir + "/points.jsonl: point " + std::to_string(record.point) + " of model " +
                                 plan.models()[record.model].label + " is also in " + other->second +
                                 " (a shard given twice?); each point may come from one directory");
            origin.emplace(index, dir);
            united.emplace(index, std::move(record));
        }
    return united;
}

/// InputError unless `records` holds every point of the plan: a merge with a shard missing fails
/// unless --partial asks for it.
void requireComplete(const SweepPlan& plan, const RecordSet& records)
{
    if (records.size() == plan.size())
        return;
    std::size_t missing = 0;
    while (records.count(missing) != 0)
        ++missing;
    const std::size_t points = plan.points().size();
    throw InputError("voltsim merge: " + std::to_string(records.size()) + " of " +
                     std::to_string(plan.size()) + " points present (missing: point " +
                     std::to_string(missing % points) + " of model " + plan.models()[missing / points].label +
                     " and maybe more; a shard not given?); pass --partial to merge them anyway");
}

} // namespace

int runMergeCommand(const Args& args)
{
    po::options_description options("voltsim merge options");
    options.add_options()("help,h", "show this help")("out", po::value<std::string>(),
                                                      "merged output directory")(
        "partial", "merge even when points are missing (the outputs then say N of M points)")(
        "no-plots", "do not draw the PNG plots")("quiet", "print nothing")(
        "dirs", po::value<std::vector<std::string>>(), "sweep output directories");
    po::positional_options_description positional;
    positional.add("dirs", -1);
    const po::variables_map values = parseOptions("merge", args, options, &positional);
    if (values.count("help")) {
        std::cout << kMergeUsage << "\n" << options;
        return 0;
    }
    if (!values.count("dirs") || !values.count("out"))
        throw InputError(std::string("voltsim merge: DIR... and --out are required (") + kMergeUsage + ")");
    const bool partial = values.count("partial") != 0;
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
    const std::vector<SweepInput> inputs = sameInputs(plan, dirs);
    const std::string out = values["out"].as<std::string>();
    for (const auto& dir : dirs)
        if (sameFolder(out, dir))
            throw InputError("--out " + out + ": must differ from the merged directories");
    const RecordSet united = uniteShards(plan, dirs);
    if (!partial && folderContent(out) != FolderContent::Sweep)
        requireComplete(plan, united); // before --out is created
    SweepOutput output(out, plan, true, "merge", inputs);
    output.addFrom(united, "--out " + out);
    if (!partial)
        requireComplete(plan, output.records());
    output.writeAll();
    return finishSweepOutput(plan, output, 0, values.count("no-plots") == 0, values.count("quiet") != 0);
}

} // namespace voltsim::sim
