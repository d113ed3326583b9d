#pragma once
// The systolic array's functional (default-mode) model: integer GEMM per fold, annotated with the
// native analytic timing. CycleSystolicArray.hpp is the same array stepped per clock.
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/models/array/FoldSchedule.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"

#include <Eigen/Core>

#include <cstdint>

namespace voltsim::models {

/// uint8 codes (weight codes or activations), row-major.
using CodeMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// int32 accumulators, row-major.
using AccMatrix = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Output of one GEMM on the array: acc (M x N) with acc[m][n] = sum_k inputs[m][k] * weights[k][n]
/// (docs/datapath.md: acc = sum_k v_nk q_k), and the native timing of the run (totalCycles is a
/// 1-based count up to the last output's write-back).
struct GemmResult {
    AccMatrix acc;
    LayerTiming timing;
};

/// Functional systolic array. Stateless apart from its spec; gemm() is const and thread-safe.
class SystolicArray {
  public:
    /// `spec` must have positive sides.
    explicit SystolicArray(const ArraySpec& spec);

    const ArraySpec& spec() const { return m_spec; }

    /// Computes inputs (M x K) times weights (K x N) fold by fold in the dataflow's tiling and
    /// annotates it with the native timing. K must be below 2^16 (int32 accumulation, datapath.md).
    /// Throws std::invalid_argument if the inner dimensions differ or a matrix is empty.
    GemmResult gemm(const CodeMatrix& weights, const CodeMatrix& inputs) const;

  private:
    ArraySpec m_spec;
};

/// Checks the operand shapes of a GEMM; throws std::invalid_argument naming the mismatch.
workloads::GemmShape checkGemmOperands(const CodeMatrix& weights, const CodeMatrix& inputs);

} // namespace voltsim::models
