#pragma once
// A timing model: maps one layer's GEMM on one array to cycles, utilisation and SRAM accesses.
#include "voltsim/common/Registry.hpp"
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <memory>
#include <string>

namespace voltsim::models {

/// Analytic per-layer timing. Implementations are stateless and thread-safe.
class ITimingModel {
  public:
    virtual ~ITimingModel() = default;
    /// Registry name ("scalesim", "native").
    virtual std::string name() const = 0;
    /// Timing of one GEMM on `spec`; the shape and array sides must be positive.
    virtual LayerTiming layer(const workloads::GemmShape& shape, const ArraySpec& spec) const = 0;
    /// Empty if the cycles and SRAM counts of layer() describe the accelerator's array (the hardware
    /// `voltsim run` and `voltsim sweep` simulate, which the cycle engine executes; docs/timing.md),
    /// so the accelerator may be timed with it; otherwise the reason it cannot, for the error message.
    virtual std::string acceleratorMismatch() const = 0;
};

using TimingModels = Registry<ITimingModel>;

/// The built-in timing models, registered on first use: `scalesim`, `native`.
const TimingModels& timingModels();

/// Adds the built-in timing models to `registry`: the one place a timing model is registered.
void registerTimingModels(TimingModels& registry);

/// The timing model `name` for the accelerator (config key `array.timing_model`). Throws
/// voltsim::InputError naming `context` if `name` is unknown or its acceleratorMismatch() is not empty.
std::unique_ptr<ITimingModel> makeAcceleratorTimingModel(const std::string& name, const std::string& context);

} // namespace voltsim::models
