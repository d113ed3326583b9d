#pragma once
// What `voltsim run` reports (docs/accelerator.md): the summary (stdout text or --json), the
// hierarchical stats.json, layers.csv and the logits dump, all from typed structs. Every figure
// written to a file is deterministic (same seed, same bytes); wall-clock time only goes to the
// text summary on stdout.
#include "voltsim/sim/experiment/Outcome.hpp"
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/sim/stats/EnergyPricer.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace voltsim::sim {

/// Everything a report needs about one run (not owned).
struct RunReportInput {
    const RunConfig* config = nullptr;
    const nlohmann::json* resolvedConfig = nullptr;
    const workloads::ModelPackage* package = nullptr;
    const PointOutcome* outcome = nullptr;
    const workloads::Label* labels = nullptr;
};

/// The run's summary: model, operating point, accuracy over chips, bit errors seen, cycles and
/// latency, energy per inference by component at the operating point and at V_nom, savings.
struct RunSummary {
    std::string model;
    std::string method;
    std::string profile;
    std::string protection;          ///< the weight SRAM's (memory::ProtectionSpec::name)
    double storedBitsPerDataBit = 1; ///< its cells per data bit
    std::string mode;
    double voltageMv = 0;  ///< NaN when the rate was set directly
    double voltageRel = 0; ///< V / V_min; NaN when the rate was set directly
    double ber = 0;        ///< the chips' faulty-cell rate (configured: p(V) or the rate set directly)
    std::size_t chips = 0;
    std::uint64_t images = 0;
    std::uint64_t seed = 0;
    RErrSummary rerr;
    std::vector<double> rerrPerChip;
    std::vector<std::uint64_t> faultyCellsPerChip; ///< weight SRAM faulty cells of each chip
    std::vector<double> chipOffsetsMv;             ///< each chip's V_min offset (profile variation)
    double cyclesPerInference = 0;
    double latencyUs = 0;
    double clockMhz = 0;
    EnergyBreakdown energy;  ///< per inference at the point (mean over chips)
    EnergyBreakdown nominal; ///< the same counts priced at V_nom
    EnergySavings savings;
    std::vector<RailEnergy> rails;        ///< energy by rail at the point
    std::vector<RailEnergy> railsNominal; ///< the same rails at V_nom
    double vMinMv = 0;                    ///< the weight SRAM profile's V_min
};

RunSummary summarizeRun(const RunReportInput& input);

/// Energy by component, pJ: mac_pj, weight_sram_pj, weight_sram_leakage_pj, activation_sram_pj,
/// accumulator_sram_pj, dram_pj, total_pj, activation_sram_leakage_pj, accumulator_sram_leakage_pj.
nlohmann::json energyJson(const EnergyBreakdown& energy);

/// Energy by rail: {name: {voltage_mv, voltage_rel, srams, dynamic_pj, leakage_pj, total_pj,
/// total_nominal_pj, saving}}; `nominal` holds the same rails at V_nom, in the same order.
nlohmann::json railsJson(const std::vector<RailEnergy>& rails, const std::vector<RailEnergy>& nominal,
                         double vMinMv);

/// One layer of a stats tree (controller.layers[]): shape, cycles, counts and `energy` per image.
nlohmann::json layerJson(const models::LayerStats& layer, const EnergyBreakdown& energy);

/// The summary as one JSON object (--json and stats.json's `summary`).
nlohmann::json summaryJson(const RunSummary& summary);

/// The same summary as a human-readable table.
void printRunSummary(std::ostream& out, const RunSummary& summary, double wallSeconds);

/// The accelerator's statistics tree of one chip's run, priced with the SRAMs at `volts`: {host, dma, dram,
/// weight_sram.banks[], activation_sram, accumulator_sram, array, controller.layers[], energy_per_inference}.
/// The one place the tree is built.
nlohmann::json acceleratorStatsJson(const RunConfig& config, const ChipOutcome& run,
                                    const SramVoltages& volts);

/// The seeds of the run: {run, chips[], clean}.
nlohmann::json seedsJson(const RunReportInput& input);

/// stats.json: version, config echo, seeds, summary and, per run (clean and each chip), its
/// errors, flips and accelerator statistics tree.
nlohmann::json statsJson(const RunReportInput& input);

/// layers.csv (docs/timing.md): one row per layer, per inference, of the first chip; flips summed
/// over chips.
void writeRunLayersCsv(std::ostream& out, const RunReportInput& input);

/// The logits: `run,chip_seed,image,label,logit_0..logit_{C-1}` rows, clean run first.
void writeLogits(std::ostream& out, const RunReportInput& input);

} // namespace voltsim::sim
