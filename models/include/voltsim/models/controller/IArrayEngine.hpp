#pragma once
// How the controller drives the systolic array, chosen by name (`run.mode`): fast (functional folds
// annotated with the accelerator's timing model) or cycle (the array stepped every clock). Both
// return identical accumulators and identical per-image cycle counts. An engine is a module named
// `array` (a hierarchical channel): the controller reaches it through an sc_port<IArrayEngine>.
#include "voltsim/common/Registry.hpp"
#include "voltsim/models/array/SystolicArray.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <string>

namespace voltsim::models {

class IArrayEngine : public virtual sc_core::sc_interface {
  public:
    /// acc = inputs x weights for `images` images whose rows are stacked in `inputs` (each image
    /// inputs.rows() / images rows, the GEMM's M). Advances the caller's simulated time by the
    /// array cycles of every image, one image after the other: the fast engine annotates
    /// `keeper`, the cycle engine synchronises it and waits for the array. Must be called from
    /// an SC_THREAD. Returns the accumulators and the timing of ONE image.
    virtual GemmResult run(const CodeMatrix& weights, const CodeMatrix& inputs, std::int64_t images,
                           tlm_utils::tlm_quantumkeeper& keeper) = 0;

    /// GEMMs issued to the array so far.
    virtual std::uint64_t gemms() const = 0;
};

/// What an array engine is built from (during elaboration, by the Accelerator's constructor).
struct ArrayEngineParams {
    ArraySpec array;
    sc_core::sc_time clockPeriod;
    const ITimingModel& timing; ///< the accelerator's timing model; must outlive the engine
    std::string vcdPath;        ///< cycle engine: trace the array to <vcdPath>.vcd if not empty
};

using ArrayEngines = Registry<IArrayEngine, const ArrayEngineParams&>;

/// The built-in array engines, registered on first use: `fast`, `cycle`.
const ArrayEngines& arrayEngines();

/// Adds the built-in array engines to `registry`: the one place an array engine is registered.
void registerArrayEngines(ArrayEngines& registry);

} // namespace voltsim::models
