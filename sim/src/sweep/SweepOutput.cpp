#include "voltsim/sim/sweep/SweepOutput.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/report/SweepReport.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

namespace voltsim::sim {
namespace fs = std::filesystem;

nlohmann::json readSweepDirConfig(const std::string& dir)
{
    const std::string path = dir + "/config.json";
    if (!fs::exists(path))
        throw InputError(path + ": missing (not a voltsim sweep directory)");
    return loadConfigFile(path);
}

namespace {

/// The largest points.jsonl of `plan`: one line per point, each at most 1 KiB plus 128 bytes a chip.
std::uint64_t maxRecordsBytes(const SweepPlan& plan)
{
    return static_cast<std::uint64_t>(plan.size()) * (1024 + 128 * plan.seeds().size());
}

} // namespace

RecordSet readRecords(const std::string& dir, const SweepPlan& plan)
{
    const std::string path = dir + "/points.jsonl";
    std::error_code error;
    if (!fs::exists(path, error))
        return {};
    return parseRecords(readTextFile(path, "a sweep's point records", maxRecordsBytes(plan)), path,
                        recordRules(plan));
}

SweepOutput::SweepOutput(std::string dir, const SweepPlan& plan, bool resume, const std::string& command,
                         const std::vector<SweepInput>& inputs)
    : m_folder(std::move(dir), command), m_plan(plan), m_rules(recordRules(plan))
{
    const std::string& out = m_folder.dir();
    requireOwnFolder(m_folder, FolderContent::Sweep, command);
    if (folderContent(out) == FolderContent::Sweep) {
        if (!resume)
            throw InputError("--out " + out +
                             ": already holds a sweep; pass --resume to continue it or choose another --out");
        requireSameInputs(readSweepInputs(out), out + "/" + kSweepInputsFile, inputs, "--out " + out);
        if (readSweepDirConfig(out) != plan.config().resolved)
            throw InputError(
                "--out " + out +
                ": holds another sweep (its config.json differs from this one's); choose another "
                "--out");
        m_records = readRecords(out, plan);
    }
    // inputs.json first: a folder with config.json (a sweep) always has it
    writeFileAtomically(out + "/" + kSweepInputsFile, inputsToJson(inputs).dump(2) + "\n");
    writeFileAtomically(out + "/config.json", plan.config().resolved.dump(2) + "\n");
}

void SweepOutput::add(PointRecord record)
{
    m_records[m_plan.globalIndex(record.model, record.point)] = std::move(record);
    writeAll();
}

void SweepOutput::addFrom(const RecordSet& records, const std::string& source)
{
    for (const auto& [index, record] : records) {
        const auto found = m_records.find(index);
        if (found != m_records.end() && recordToJson(m_rules, found->second) != recordToJson(m_rules, record))
            throw InputError(source + ": point " + std::to_string(record.point) + " of model " +
                             m_plan.models()[record.model].label +
                             " differs from the same point in the merged directories");
        m_records[index] = record;
    }
}

void SweepOutput::writeAll() const
{
    std::ostringstream points;
    for (const auto& [index, record] : m_records)
        points << recordToJson(m_rules, record).dump() << "\n";
    writeFileAtomically(dir() + "/points.jsonl", points.str());
    std::ostringstream sweep;
    writeSweepCsv(sweep, m_plan, m_records);
    writeFileAtomically(dir() + "/sweep.csv", sweep.str());
    std::ostringstream chips;
    writeChipsCsv(chips, m_plan, m_records);
    writeFileAtomically(dir() + "/chips.csv", chips.str());
    writeFileAtomically(dir() + "/stats.json", sweepStatsJson(m_plan, m_records).dump(2) + "\n");
    writeFileAtomically(dir() + "/summary.json",
                        sweepSummaryJson(m_plan, sweepAnswers(m_plan, m_records)).dump(2) + "\n");
}

} // namespace voltsim::sim
