#pragma once
// How the controller drives the systolic array: fast (functional folds annotated with the
// native analytic timing) or cycle (the array stepped every clock). Both return identical
// accumulators and identical per-image cycle counts.
#include "voltsim/models/array/SystolicArray.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <string>

namespace voltsim::models {

class IArrayEngine {
public:
    virtual ~IArrayEngine() = default;

    /// "fast" or "cycle".
    virtual std::string name() const = 0;

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

} // namespace voltsim::models
