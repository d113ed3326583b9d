#pragma once
// layers.csv: the one per-layer schema of `voltsim run` (a model on the accelerator) and
// `voltsim layers` (a SCALE-Sim topology); columns in docs/timing.md, "layers.csv". A quantity a
// command does not know is an empty field.
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/models/timing/LayerEnergy.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace voltsim::sim {

/// One layer, per inference (per image).
struct LayersCsvRow {
    std::string layer;
    std::string type; ///< conv2d, linear, maxpool2d, flatten ("" for a topology's GEMM)
    workloads::GemmShape shape;
    models::LayerTiming timing; ///< stalls, folds, MACs, utilisations
    std::int64_t cycles = 0;    ///< array cycles (conv2d/linear) or PPU cycles (max-pool)
    double weightSramReads = 0;
    double activationSramReads = 0;
    std::optional<double> activationSramWrites;
    double accumulatorSramReads = 0;
    double accumulatorSramWrites = 0;
    /// Image in (first layer), logits out (last layer), streamed weight tiles read (their layer)
    std::optional<double> dramBytes;
    std::optional<double> weightTilesLoaded;     ///< streamed weight tiles loaded (per batch / images)
    std::optional<double> weightBytesLoaded;     ///< their bytes: DRAM reads and weight SRAM writes
    std::optional<double> weightLoadStallCycles; ///< cycles the layer waited for them
    std::optional<std::uint64_t> flipsSeen;      ///< weight bits read wrong, summed over chips
    std::optional<std::uint64_t> chips;
    models::LayerEnergy energy; ///< pJ per inference, weight SRAM at the row's voltage
};

/// What every row shares: the array, the timing model and each SRAM's voltage (its rail's).
struct LayersCsvContext {
    models::ArraySpec array;
    std::string timing; ///< the timing model's name
    double weightVoltageMv = 0;
    double activationVoltageMv = 0;
    double accumulatorVoltageMv = 0;
};

/// The header and one line per row.
void writeLayersCsv(std::ostream& out, const LayersCsvContext& context,
                    const std::vector<LayersCsvRow>& rows);

} // namespace voltsim::sim
