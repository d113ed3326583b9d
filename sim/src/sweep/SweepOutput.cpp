#include "voltsim/sim/sweep/SweepOutput.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/report/SweepReport.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace voltsim::sim {
namespace fs = std::filesystem;

nlohmann::json readSweepDirConfig(const std::string& dir)
{
    const std::string path = dir + "/config.json";
    if (!fs::exists(path))
        throw InputError(path + ": missing (not a voltsim sweep directory)");
    return loadConfigFile(path);
}

RecordSet readRecords(const std::string& dir, const SweepPlan& plan)
{
    RecordSet records;
    const std::string path = dir + "/points.jsonl";
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty())
            continue;
        PointRecord record =
            recordFromJson(plan, JsonCursor::parse(line, path + ":" + std::to_string(number)));
        records[plan.globalIndex(record.model, record.point)] = std::move(record);
    }
    return records;
}

SweepOutput::SweepOutput(std::string dir, const SweepPlan& plan, bool resume, const std::string& command)
    : m_folder(std::move(dir), command), m_plan(plan)
{
    const std::string& out = m_folder.dir();
    const FolderContent content = folderContent(out);
    if (content == FolderContent::Run)
        throw InputError("--out " + out +
                         ": holds the results of voltsim run (layers.csv); a sweep never replaces them: "
                         "choose another --out");
    const std::string configPath = out + "/config.json";
    if (content == FolderContent::Sweep) {
        if (!resume)
            throw InputError("--out " + out +
                             ": already holds a sweep; pass --resume to continue it or choose another --out");
        if (readSweepDirConfig(out) != plan.config().resolved)
            throw InputError(
                "--out " + out +
                ": holds another sweep (its config.json differs from this one's); choose another "
                "--out");
        m_records = readRecords(out, plan);
    }
    writeFileAtomically(configPath, plan.config().resolved.dump(2) + "\n");
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
