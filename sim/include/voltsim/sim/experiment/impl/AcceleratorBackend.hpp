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

/// The action counts of one inference on the accelerator of `config`: the SystemC accelerator in
/// fast mode on one blank image with the weight SRAM at V_nom. Cycles, accesses and DRAM traffic
/// per inference depend neither on the image nor on the weight SRAM's operating point, so
/// EnergyPricer::perInference prices these counts at any voltage exactly as a full run's.
models::AcceleratorStats countOneInference(const RunConfig& config, const workloads::ModelPackage& package);

} // namespace voltsim::sim
