#pragma once
// Results of a sweep: one PointRecord per finished (model, operating point) holds only integers
// and the point's rate; every reported number (sweep.csv, stats.json, summary.json; written by
// sim/report/SweepReport) is derived from the records and the plan, so a resumed or merged sweep
// writes the same bytes as one run.
#include "voltsim/common/JsonCursor.hpp"
#include "voltsim/sim/experiment/Outcome.hpp"
#include "voltsim/sim/sweep/SweepPlan.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::sim {

/// One finished (model, point).
struct PointRecord {
    std::size_t model = 0;
    std::size_t point = 0;
    PointOutcome outcome;
};

/// Records by global index (model-major), so iteration is in sweep.csv order.
using RecordSet = std::map<std::size_t, PointRecord>;

/// What a point record is checked against: the sweep's plan reduced to the numbers a record
/// holds (built by recordRules; a fuzz target builds one directly).
struct RecordRules {
    std::vector<std::string> models;     ///< model labels (SweepModel::label), in the plan's order
    std::vector<std::uint64_t> codeBits; ///< per model: the weight-code bits it stores
    std::vector<double> rates;           ///< per point: the chips' bit error rate there
    std::vector<std::uint64_t> seeds;    ///< per chip
    std::optional<std::uint64_t> images; ///< the config's image count (unset: the test set's)
    std::uint64_t chipCells = 0;         ///< cells of one weight SRAM chip

    /// The sweep-wide index of (model, point), as SweepPlan::globalIndex.
    std::size_t globalIndex(std::size_t model, std::size_t point) const
    {
        return model * rates.size() + point;
    }
};

RecordRules recordRules(const SweepPlan& plan);

/// The record as one JSON object (points.jsonl) and back; recordFromJson checks every value against
/// the rules (docs/sweep.md, "Resume and merge check content": model name, point index, the image
/// count, errors within the images, the model's code bits, the point's rate, each chip's seed,
/// flips within the code bits, faulty cells within the chip) and throws InputError at its path.
nlohmann::json recordToJson(const RecordRules& rules, const PointRecord& record);
PointRecord recordFromJson(const RecordRules& rules, const JsonCursor& json);

/// The records of a points.jsonl `text` read from `path`: every line checked by recordFromJson and
/// against the others (a point recorded twice, another image count, another clean error count for
/// one model); InputError naming `path`:LINE.
RecordSet parseRecords(const std::string& text, const std::string& path, const RecordRules& rules);

} // namespace voltsim::sim
