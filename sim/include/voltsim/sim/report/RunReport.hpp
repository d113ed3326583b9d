#pragma once
// What `voltsim run` reports (docs/accelerator.md): the summary (stdout text or --json), the
// hierarchical stats.json, layers.csv, the resolved config and the logits dump. Every figure
// written to a file is deterministic (same seed, same bytes); wall-clock time only goes to the
// text summary on stdout.
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/sim/run/RunEngine.hpp"
#include "voltsim/sim/stats/EnergyPricer.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace voltsim::sim {

/// Everything a report needs about one run.
struct RunReportInput {
    const RunConfig* config = nullptr;
    const nlohmann::json* resolvedConfig = nullptr;
    const workloads::ModelPackage* package = nullptr;
    const RunResult* result = nullptr;
    const std::uint8_t* labels = nullptr;
};

/// Energy by component, pJ: mac_pj, weight_sram_pj, weight_sram_leakage_pj, activation_sram_pj,
/// accumulator_sram_pj, dram_pj, total_pj.
nlohmann::json energyJson(const EnergyBreakdown& energy);

/// One layer of a stats tree (controller.layers[]): shape, cycles, counts and `energy` per image.
nlohmann::json layerJson(const models::LayerStats& layer, const EnergyBreakdown& energy);

/// The summary as one JSON object: model, operating point, accuracy (clean error, RErr mean/std/
/// min/max over chips), bit errors seen, cycles and latency, energy per inference by component at
/// the operating point and at V_nom, and the savings.
nlohmann::json summaryJson(const RunReportInput& input);

/// The same summary as a human-readable table.
void printSummary(std::ostream& out, const nlohmann::json& summary, double wallSeconds);

/// stats.json: version, config echo, seeds, summary and, per run (clean and each chip), the stats
/// tree accelerator.{host, dma, dram, weight_sram.banks[], activation_sram, accumulator_sram,
/// controller.layers[]}.
nlohmann::json statsJson(const RunReportInput& input);

/// layers.csv: one row per layer (per inference; flips summed over chips).
void writeLayersCsv(std::ostream& out, const RunReportInput& input);

/// The logits: `run,chip_seed,image,label,logit_0..logit_{C-1}` rows, clean run first.
void writeLogits(std::ostream& out, const RunReportInput& input);

} // namespace voltsim::sim
