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
#include <map>
#include <string>

namespace voltsim::sim {

/// One finished (model, point).
struct PointRecord {
    std::size_t model = 0;
    std::size_t point = 0;
    PointOutcome outcome;
};

/// Records by global index (model-major), so iteration is in sweep.csv order.
using RecordSet = std::map<std::size_t, PointRecord>;

/// The record as one JSON object (points.jsonl) and back; recordFromJson checks every value against
/// the plan (docs/sweep.md, "Resume and merge check content": model name, point index, the image
/// count, errors within the images, the model's code bits, the point's rate, each chip's seed,
/// flips within the code bits, faulty cells within the chip) and throws InputError at its path.
nlohmann::json recordToJson(const SweepPlan& plan, const PointRecord& record);
PointRecord recordFromJson(const SweepPlan& plan, const JsonCursor& json);

} // namespace voltsim::sim
