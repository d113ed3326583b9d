#pragma once
// Helpers for the accelerator tests: default specs and a run of the accelerator in a fresh
// simulation context.
#include "TestPaths.hpp"

#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/models/accelerator/Accelerator.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <memory>
#include <string>
#include <vector>

namespace voltsim::test {

inline models::AcceleratorSpecs acceleratorSpecs(const std::string& profile, const std::string& arrayEngine,
                                                 models::ArraySpec array = {16, 16, models::Dataflow::WS})
{
    models::AcceleratorSpecs specs;
    specs.array = array;
    specs.arrayEngine = arrayEngine;
    specs.weightSram.profile = std::make_shared<const memory::SramProfile>(memory::loadProfile(profile));
    specs.weightSram.chip.geometry = specs.weightSram.profile->geometry;
    return specs;
}

struct AcceleratorRun {
    std::vector<std::int32_t> logits;
    models::AcceleratorStats stats;
};

/// Elaborates and runs one accelerator in its own simulation context.
inline AcceleratorRun runAccelerator(const models::AcceleratorSpecs& specs,
                                     const workloads::ModelPackage& package, std::uint64_t seed,
                                     const std::uint8_t* images, std::size_t count)
{
    models::SimContextScope context;
    models::Accelerator accelerator("accelerator", specs, package, seed);
    AcceleratorRun run;
    run.logits = accelerator.run(images, count);
    run.stats = accelerator.stats();
    return run;
}

} // namespace voltsim::test
