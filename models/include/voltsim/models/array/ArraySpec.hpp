#pragma once
// What a systolic array is: its PE grid and its dataflow.
#include <cstdint>
#include <string>

namespace voltsim::models {

/// How a GEMM (M x K inputs times K x N weights) maps onto the PE grid (docs/timing.md):
/// array rows / columns / time steps are OS: M / N / K, WS: K / N / M, IS: K / M / N.
enum class Dataflow {
    OS, ///< output stationary: each PE accumulates one output; inputs and weights stream
    WS, ///< weight stationary: each PE holds one weight code; inputs stream, partial sums flow down
    IS, ///< input stationary: each PE holds one input; weights stream, partial sums flow down
};

/// Parses "os", "ws" or "is" (any case); throws voltsim::InputError naming `context` otherwise.
Dataflow parseDataflow(const std::string& text, const std::string& context);

/// "os", "ws" or "is".
const char* toString(Dataflow dataflow);

/// A systolic array: rows x cols PEs (uint8 x uint8 MACs into int32) and its dataflow.
struct ArraySpec {
    std::int64_t rows = 0; ///< PE rows (SCALE-Sim ArrayHeight)
    std::int64_t cols = 0; ///< PE columns (SCALE-Sim ArrayWidth)
    Dataflow dataflow = Dataflow::WS;

    std::int64_t peCount() const { return rows * cols; }
};

/// Parses "RxC" (e.g. "32x32") into rows and cols; throws voltsim::InputError naming `context`.
ArraySpec parseArrayDims(const std::string& text, Dataflow dataflow, const std::string& context);

} // namespace voltsim::models
