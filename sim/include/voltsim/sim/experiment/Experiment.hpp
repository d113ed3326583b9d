#pragma once
// One experiment (docs/sweep.md, "Experiment core"): a model, labelled images, an accelerator,
// one operating point of its weight SRAM and the chips (seeds) to evaluate there.
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/sim/experiment/Outcome.hpp"
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <cstdint>
#include <vector>

namespace voltsim::sim {

/// What a back-end evaluates. Pointers are not owned and must outlive the evaluation.
struct Experiment {
    const workloads::ModelPackage* model = nullptr;
    ImageSet images;
    /// The accelerator (array, clock, weight SRAM profile, fault model, geometry and layout,
    /// buffers, DRAM, energy table); its weight SRAM operating point is ignored: `point` applies.
    const RunConfig* accelerator = nullptr;
    memory::OperatingPoint point;
    std::vector<std::uint64_t> chipSeeds; ///< one chip per seed, evaluated at `point`
    std::uint64_t cleanSeed = 0;          ///< chip of the fault-free reference run (at V_nom)
    bool keepLogits = false;              ///< fill every chip's logits (and its plain errors)
};

} // namespace voltsim::sim
