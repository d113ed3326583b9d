#pragma once
// The SystemC back-end: every chip (and the clean reference) simulated by the models/ Accelerator
// in its own simulation context, in the accelerator's mode (fast or cycle).
#include "voltsim/sim/experiment/IBackend.hpp"

#include <cstdint>
#include <map>
#include <tuple>

namespace voltsim::sim {

class AcceleratorBackend : public IBackend {
  public:
    const char* name() const override { return "systemc"; }
    PointOutcome evaluate(const Experiment& experiment) override;

  private:
    /// The clean run of (model, images, clean seed), simulated once.
    const ChipOutcome& clean(const Experiment& experiment);

    using CleanKey =
        std::tuple<const workloads::ModelPackage*, const std::uint8_t*, std::size_t, std::uint64_t>;
    std::map<CleanKey, ChipOutcome> m_clean;
};

/// Runs the accelerator of `config` with the chip of `seed` at `point` on `images`: logits,
/// plain errors, flips (one read of every tensor), faulty cells, configured rate and counts.
ChipOutcome runChip(const RunConfig& config, const workloads::ModelPackage& package,
                    const memory::OperatingPoint& point, std::uint64_t seed, const ImageSet& images);

/// Whether the weight SRAM of `config` streams `package`'s weights (its placement policy's plan).
/// InputError naming weight_sram.placement if they cannot be placed.
bool weightsStreamed(const RunConfig& config, const workloads::ModelPackage& package);

/// The action counts of a run of `images` images on the accelerator of `config`: the SystemC
/// accelerator in fast mode on blank images with the weight SRAM at V_nom. Cycles, accesses and
/// DRAM traffic per inference depend neither on the images nor on the weight SRAM's operating
/// point, so EnergyPricer::perInference prices these counts at any voltage exactly as a full
/// run's. Resident weights make every count per image, so one image stands for any number;
/// streamed weights are loaded per batch, so the run's images are simulated (their batches).
models::AcceleratorStats countInference(const RunConfig& config, const workloads::ModelPackage& package,
                                        std::size_t images);

} // namespace voltsim::sim
