#pragma once
// The experiment behind `voltsim run`: one model at one operating point on N chips and N images,
// each chip simulated by the SystemC accelerator in its own simulation context, plus a clean run
// at V_nom on the same images.
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <cstdint>
#include <vector>

namespace voltsim::sim {

/// One accelerator run (one chip at one operating point).
struct ChipRun {
    std::int64_t chip = -1;          ///< chip index, -1 for the clean run
    std::uint64_t seed = 0;          ///< chip seed (memory::chipSeed(run seed, chip))
    double configuredBer = 0;        ///< the chip's bit error rate at the operating point
    std::uint64_t faultyCells = 0;   ///< faulty cells of the chip at the operating point (all bits)
    std::vector<std::int32_t> logits; ///< images x classes
    std::vector<int> predicted;
    std::size_t errors = 0;          ///< misclassified images
    std::size_t robustErrors = 0;    ///< images misclassified by the clean OR this run (the paper's RErr)
    models::AcceleratorStats stats;
    double wallSeconds = 0;          ///< host wall-clock time (informative, never in result files)

    /// Bits of weight codes that read wrong / bits read (the flip rate the model saw).
    double berSeen() const;
    /// Weight code bits that read wrong in one read of every tensor.
    std::uint64_t bitsFlipped() const;
};

/// Labelled images to run.
struct ImageSet {
    const std::uint8_t* pixels = nullptr; ///< count x inputSize
    const std::uint8_t* labels = nullptr; ///< count
    std::size_t count = 0;
};

/// Runs the accelerator of `config` with the chip of `seed` at `point` on `images`.
ChipRun runChip(const RunConfig& config, const workloads::ModelPackage& package, const memory::OperatingPoint& point,
                std::uint64_t seed, const ImageSet& images);

/// The action counts of one inference on the accelerator of `config`: the SystemC accelerator in
/// fast mode on one blank image with the weight SRAM at V_nom. Cycles, accesses and DRAM traffic
/// per inference depend neither on the image nor on the weight SRAM's operating point, so
/// EnergyPricer::perInference prices these counts at any voltage exactly as `voltsim run` does.
models::AcceleratorStats countOneInference(const RunConfig& config, const workloads::ModelPackage& package);

struct RunResult {
    ChipRun clean;               ///< V_nom, no faults
    std::vector<ChipRun> chips;  ///< at the configured operating point
    double voltageMv = 0;        ///< the weight SRAM's voltage (NaN when set by rate)
};

/// Runs the clean pass and every chip; fills errors and robust errors.
RunResult runExperiment(const RunConfig& config, const workloads::ModelPackage& package, const ImageSet& images);

} // namespace voltsim::sim
