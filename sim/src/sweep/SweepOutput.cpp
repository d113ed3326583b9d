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

/// What every record of one sweep shares, checked line against line: the image count, and per
/// model the clean errors (the fault-free run is the same at every point).
class RecordConsistency {
  public:
    explicit RecordConsistency(const SweepPlan& plan)
        : m_cleanErrors(plan.models().size()), m_cleanLine(plan.models().size())
    {
    }

    /// InputError at the key of `json`, line `line`, if `record` disagrees with an earlier line.
    void check(const PointRecord& record, const JsonCursor& json, std::size_t line)
    {
        const PointOutcome& outcome = record.outcome;
        if (m_imagesLine == 0) {
            m_images = outcome.images;
            m_imagesLine = line;
        }
        if (outcome.images != m_images)
            json["images"].fail("expected " + std::to_string(m_images) + " (as on line " +
                                std::to_string(m_imagesLine) + "), got " + std::to_string(outcome.images));
        if (m_cleanLine[record.model] == 0) {
            m_cleanErrors[record.model] = outcome.cleanErrors;
            m_cleanLine[record.model] = line;
        }
        if (outcome.cleanErrors != m_cleanErrors[record.model])
            json["clean_errors"].fail("expected " + std::to_string(m_cleanErrors[record.model]) +
                                      " (as on line " + std::to_string(m_cleanLine[record.model]) +
                                      ", the same model's clean run), got " +
                                      std::to_string(outcome.cleanErrors));
    }

  private:
    std::uint64_t m_images = 0;
    std::size_t m_imagesLine = 0;             ///< 0 until the first record
    std::vector<std::uint64_t> m_cleanErrors; ///< per model
    std::vector<std::size_t> m_cleanLine;     ///< per model, 0 until its first record
};

} // namespace

RecordSet readRecords(const std::string& dir, const SweepPlan& plan)
{
    RecordSet records;
    const std::string path = dir + "/points.jsonl";
    std::error_code error;
    if (!fs::exists(path, error))
        return records;
    const std::string text = readTextFile(path, "a sweep's point records", maxRecordsBytes(plan));
    std::map<std::size_t, std::size_t> lineOf; // global index -> line
    RecordConsistency consistency(plan);
    std::size_t number = 0;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        ++number;
        if (line.empty())
            continue;
        const std::string where = path + ":" + std::to_string(number);
        const JsonCursor json = JsonCursor::parse(line, where);
        PointRecord record = recordFromJson(plan, json);
        const std::size_t index = plan.globalIndex(record.model, record.point);
        if (const auto first = lineOf.find(index); first != lineOf.end())
            throw InputError(where + ": point " + std::to_string(record.point) + " of model " +
                             plan.models()[record.model].name + " is already on line " +
                             std::to_string(first->second) + " (each point is recorded once)");
        lineOf.emplace(index, number);
        consistency.check(record, json, number);
        records.emplace(index, std::move(record));
    }
    return records;
}

SweepOutput::SweepOutput(std::string dir, const SweepPlan& plan, bool resume, const std::string& command,
                         const std::vector<SweepInput>& inputs)
    : m_folder(std::move(dir), command), m_plan(plan)
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
        if (found != m_records.end() && recordToJson(m_plan, found->second) != recordToJson(m_plan, record))
            throw InputError(source + ": point " + std::to_string(record.point) + " of model " +
                             m_plan.models()[record.model].name +
                             " differs from the same point in the merged directories");
        m_records[index] = record;
    }
}

void SweepOutput::writeAll() const
{
    std::ostringstream points;
    for (const auto& [index, record] : m_records)
        points << recordToJson(m_plan, record).dump() << "\n";
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
