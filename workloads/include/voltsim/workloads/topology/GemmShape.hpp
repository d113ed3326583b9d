#pragma once
// The integer GEMM one layer lowers to: acc (M x N) = inputs (M x K) * weights (K x N).
#include <cstdint>

namespace voltsim::workloads {

/// Shape of one layer as a GEMM (docs/timing.md).
/// A conv layer lowers by im2col: M = output pixels, K = Fh * Fw * C, N = filters.
struct GemmShape {
    std::int64_t m = 0; ///< rows of the input matrix: output pixels (or batch rows of a linear layer)
    std::int64_t k = 0; ///< reduction length: Fh * Fw * C
    std::int64_t n = 0; ///< output channels (filters / neurons)

    /// Multiply-accumulate operations of the GEMM: m * k * n.
    std::int64_t macs() const { return m * k * n; }
};

} // namespace voltsim::workloads
