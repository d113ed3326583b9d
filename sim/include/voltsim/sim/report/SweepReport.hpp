#pragma once
// What `voltsim sweep` and `voltsim merge` report (docs/sweep.md): sweep.csv, chips.csv,
// stats.json, summary.json, the trade-off table and the per-model answer lines, all from the
// records and the plan (typed structs; nothing is read back from the JSON written).
#include "voltsim/sim/experiment/Outcome.hpp"
#include "voltsim/sim/sweep/SweepPlan.hpp"
#include "voltsim/sim/sweep/SweepResults.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace voltsim::sim {

/// One row of sweep.csv (docs/sweep.md, "Output files"). Fractions in [0, 1]; NaN prints as an empty field
/// (voltages and energies on a `bers` axis, where the voltage is not known).
struct SweepRow {
    std::string model;      ///< the package's name
    std::string protection; ///< the weight SRAM's protection
    double voltageMv = 0;
    double voltageRel = 0;
    double ber = 0;   ///< the faulty-cell rate: p(V) or the rate set directly (sweep.csv's `ber`)
    double flips = 0; ///< mean flipped weight-code bits per chip
    RErrSummary stats;
    std::size_t chips = 0;
    std::uint64_t images = 0;
    double energyPj = 0;         ///< per inference, as `voltsim run` prices it (EnergyPricer::perInference)
    double sramEnergyPj = 0;     ///< of it, weight SRAM: dynamic reads + leakage
    double energySaving = 0;     ///< 1 - energyPj / energyPj at V_nom
    double sramEnergySaving = 0; ///< 1 - sramEnergyPj / sramEnergyPj at V_nom
    double cycles = 0;           ///< one inference: input DMA, layers, logit DMA (run's cycles_per_inference)
    double latencyUs = 0;
    /// Fraction of the chips whose RErr stays within the model's limit (its reference's clean error
    /// + max_loss_pp; NaN until the reference has a finished point)
    double yield = 0;
    std::optional<EnergyBreakdown> energy; ///< by component (none on a rate axis)
    std::vector<RailEnergy> rails;         ///< by rail at the point, and at V_nom
    std::vector<RailEnergy> railsNominal;
};

/// How far the answer for one model is known (docs/sweep.md, "Partial results").
enum class AnswerStatus {
    Found,      ///< every point down to the answer's, and the next one if any, was run
    None,       ///< the safest point was run and exceeds the limit: no point qualifies
    NotRun,     ///< nothing is known: the safest point (or the reference's every point) was not run
    Incomplete, ///< the answer's point qualifies, but the next harsher point was not run
};

/// "found", "none", "not_run" or "incomplete" (summary.json's `status`).
const char* answerStatusName(AnswerStatus status);

/// The answer for one model: the lowest operating point down to which every swept point (from the
/// safest) stays within max_loss_pp of the reference's clean error.
struct SweepAnswer {
    std::string model;       ///< the swept model's label (SweepModel::label)
    std::string protection;  ///< its weight SRAM protection
    std::string reference;   ///< the model whose clean error is the reference
    double referenceErr = 0; ///< NaN while the reference has no finished point
    double maxLossPp = 0;
    double rerrLimit = 0; ///< referenceErr + maxLossPp / 100
    AnswerStatus status = AnswerStatus::NotRun;
    std::optional<SweepRow> point;   ///< the answer's row (Found, Incomplete); none otherwise
    std::optional<SweepPoint> unrun; ///< the first point not run where the walk stopped (NotRun, Incomplete)
    std::size_t pointsDone = 0;      ///< this model's finished points
    std::size_t pointsTotal = 0;     ///< this model's points in the sweep
};

/// The sweep.csv header line (without newline).
extern const char* const kSweepCsvHeader;

/// The row of `record`; `records` give the reference's clean error (the yield's limit).
SweepRow makeRow(const SweepPlan& plan, const RecordSet& records, const PointRecord& record);
/// sweep.csv: the header and one row per record, in global order.
void writeSweepCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records);
/// chips.csv: model, voltage_mv, ber, chip, seed, flips, faulty_cells, errors (robust), rerr, protection.
void writeChipsCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records);

/// The answer per model, in the plan's model order.
std::vector<SweepAnswer> sweepAnswers(const SweepPlan& plan, const RecordSet& records);
/// summary.json: the axis, the rule, how many points are done and the answers.
nlohmann::json sweepSummaryJson(const SweepPlan& plan, const std::vector<SweepAnswer>& answers);
/// stats.json: version, config echo, seeds, profile, per-model inference cost and every point.
nlohmann::json sweepStatsJson(const SweepPlan& plan, const RecordSet& records);

/// The trade-off table printed at the end of a sweep, and the answer lines: a line "partial: N of
/// M points" first when points are missing, and per model the answer, "not run" or the bound an
/// incomplete walk gives (never "no point within" for points not run).
void printSweepTable(std::ostream& out, const SweepPlan& plan, const RecordSet& records);
void printSweepAnswers(std::ostream& out, const SweepPlan& plan, const std::vector<SweepAnswer>& answers);

/// "%.10g"; NaN gives "".
std::string formatValue(double value);

} // namespace voltsim::sim
