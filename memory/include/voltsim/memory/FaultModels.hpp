#pragma once
// The fault models by name (docs/profiles.md, "Adding a fault model").
#include "voltsim/common/Registry.hpp"
#include "voltsim/memory/IFaultModel.hpp"

namespace voltsim::memory {

using FaultModels = Registry<IFaultModel>;

/// The built-in fault models, registered on first use: `none`, `random`, `stuck_at`, `map`.
const FaultModels& faultModels();

/// Adds the built-in fault models to `registry`: the one place a fault model is registered.
void registerFaultModels(FaultModels& registry);

} // namespace voltsim::memory
