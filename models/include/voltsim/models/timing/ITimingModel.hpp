#pragma once
// A timing model: maps one layer's GEMM on one array to cycles, utilisation and SRAM accesses.
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <memory>
#include <string>
#include <vector>

namespace voltsim::models {

/// Analytic per-layer timing. Implementations are stateless and thread-safe.
class ITimingModel {
  public:
    virtual ~ITimingModel() = default;
    /// Registry name ("scalesim", "native").
    virtual std::string name() const = 0;
    /// Timing of one GEMM on `spec`; the shape and array sides must be positive.
    virtual LayerTiming layer(const workloads::GemmShape& shape, const ArraySpec& spec) const = 0;
};

/// Names of the registered timing models, in registry order.
std::vector<std::string> timingModelNames();

/// Creates a timing model by name; throws voltsim::InputError listing the valid names otherwise.
/// `context` names the flag or key the name came from (e.g. "--timing").
std::unique_ptr<ITimingModel> makeTimingModel(const std::string& name, const std::string& context);

} // namespace voltsim::models
