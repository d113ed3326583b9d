#pragma once
// Results of a sweep: one PointRecord per finished (model, operating point) holds only integers
// and the point's rate; every reported number (sweep.csv, stats.json, summary.json) is derived
// from the records and the plan, so a resumed or merged sweep writes the same bytes as one run.
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"
#include "voltsim/sim/engine/RErrStats.hpp"
#include "voltsim/sim/sweep/SweepPlan.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <ostream>
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

/// One row of sweep.csv (docs/sweep.md, "Output files"). Fractions in [0, 1]; NaN prints as an empty field
/// (voltages and energies on a `bers` axis, where the voltage is not known).
struct SweepRow {
    std::string model;
    double voltageMv = 0;
    double voltageRel = 0;
    double ber = 0;
    double flips = 0;   ///< mean flipped weight-code bits per chip
    RErrStats stats;
    std::size_t chips = 0;
    std::uint64_t images = 0;
    double energyPj = 0;         ///< per inference, as `voltsim run` prices it (EnergyPricer::perInference)
    double sramEnergyPj = 0;     ///< of it, weight SRAM: dynamic reads + leakage
    double energySaving = 0;     ///< 1 - energyPj / energyPj at V_nom
    double sramEnergySaving = 0; ///< 1 - sramEnergyPj / sramEnergyPj at V_nom
    double cycles = 0;           ///< one inference: input DMA, layers, logit DMA (run's cycles_per_inference)
    double latencyUs = 0;
};

/// The sweep.csv header line (without newline).
extern const char* const kSweepCsvHeader;

SweepRow makeRow(const SweepPlan& plan, const PointRecord& record);
/// sweep.csv: the header and one row per record, in global order.
void writeSweepCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records);
/// chips.csv: model, point, voltage_mv, ber, chip, seed, flips, faulty_cells, errors, rerr.
void writeChipsCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records);

/// The answer per model: the lowest operating point down to which every swept point stays within
/// max_loss_pp of the reference (and the energy saving there).
nlohmann::json sweepSummaryJson(const SweepPlan& plan, const RecordSet& records);
/// stats.json: version, config echo, seeds, profile, per-model inference cost and every point.
nlohmann::json sweepStatsJson(const SweepPlan& plan, const RecordSet& records);

/// The record as one JSON object (points.jsonl) and back. fromJson: InputError naming `where`.
nlohmann::json recordToJson(const SweepPlan& plan, const PointRecord& record);
PointRecord recordFromJson(const SweepPlan& plan, const nlohmann::json& json, const std::string& where);

/// The trade-off table printed at the end of a sweep, and the summary's answer lines.
void printSweepTable(std::ostream& out, const SweepPlan& plan, const RecordSet& records);
void printSweepSummary(std::ostream& out, const nlohmann::json& summary, bool byRate);

/// "%.10g"; NaN gives "".
std::string formatValue(double value);

} // namespace voltsim::sim
