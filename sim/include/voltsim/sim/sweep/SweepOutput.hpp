#pragma once
// The output directory of a sweep. Every finished point is written at once: points.jsonl (the
// records), sweep.csv, chips.csv, stats.json and summary.json are rewritten through a temporary
// file and an atomic rename, so an interrupted (even killed) sweep leaves valid files, and a
// rerun with resume skips the finished points. config.json holds the resolved config and
// inputs.json the SHA-256 of every file read; a directory with a different config or changed
// input files is refused rather than mixed. The folder is locked for the
// output's lifetime (OutputFolder: one writer per folder).
#include "voltsim/sim/report/OutputFolder.hpp"
#include "voltsim/sim/sweep/SweepInputs.hpp"
#include "voltsim/sim/sweep/SweepResults.hpp"

#include <string>
#include <vector>

namespace voltsim::sim {

class SweepOutput {
  public:
    /// Creates `dir` if needed and locks it for `command` ("sweep" or "merge"). If it already holds
    /// a sweep: with `resume`, loads its records after checking that its inputs.json records the
    /// SHA-256 of `inputs` (naming a file that changed) and its config.json equals the plan's;
    /// without, InputError (pass --resume or another --out). A folder holding `voltsim run`
    /// results is refused either way. Writes `inputs` (inputs.json) and the config.
    SweepOutput(std::string dir, const SweepPlan& plan, bool resume, const std::string& command,
                const std::vector<SweepInput>& inputs);

    const RecordSet& records() const { return m_records; }
    bool has(std::size_t globalIndex) const { return m_records.count(globalIndex) != 0; }

    /// Adds a finished point and rewrites every result file.
    void add(PointRecord record);
    /// Adds records of the same sweep from elsewhere (merge); InputError "<source>: ..." if a point
    /// is already here with different results.
    void addFrom(const RecordSet& records, const std::string& source);
    /// Rewrites every result file from the records.
    void writeAll() const;

    const std::string& dir() const { return m_folder.dir(); }

  private:
    OutputFolder m_folder;
    const SweepPlan& m_plan;
    RecordRules m_rules;
    RecordSet m_records;
};

/// The records of a sweep directory (points.jsonl; none if absent) by parseRecords; InputError
/// naming the file and line. The file is read only up to the size the plan's records can have.
RecordSet readRecords(const std::string& dir, const SweepPlan& plan);

/// The resolved config a sweep directory was run with (its config.json); InputError if missing.
nlohmann::json readSweepDirConfig(const std::string& dir);

} // namespace voltsim::sim
