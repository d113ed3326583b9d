#include "voltsim/models/array/SystolicArray.hpp"

#include "voltsim/models/timing/impl/NativeTiming.hpp"

#include <stdexcept>
#include <string>

namespace voltsim::models {
namespace {

/// Largest K whose uint8 x uint8 sum fits int32 for every input (datapath.md: K < 2^16).
constexpr Eigen::Index kMaxReduction = 1 << 16;

/// Accumulates one fold's partial product into `acc`: the PE tile covers spatial rows and columns
/// of the fold; which GEMM dimensions those are depends on the dataflow.
void accumulateFold(const Fold& fold, Dataflow dataflow, const Eigen::MatrixXi& weights,
                    const Eigen::MatrixXi& inputs, Eigen::MatrixXi& acc)
{
    switch (dataflow) {
    case Dataflow::OS: // rows = M, cols = N, time = K
        acc.block(fold.rowBase, fold.colBase, fold.rowsUsed, fold.colsUsed) +=
            inputs.middleRows(fold.rowBase, fold.rowsUsed) * weights.middleCols(fold.colBase, fold.colsUsed);
        return;
    case Dataflow::WS: // rows = K, cols = N, time = M
        acc.middleCols(fold.colBase, fold.colsUsed) +=
            inputs.middleCols(fold.rowBase, fold.rowsUsed) *
            weights.block(fold.rowBase, fold.colBase, fold.rowsUsed, fold.colsUsed);
        return;
    case Dataflow::IS: // rows = K, cols = M, time = N
        acc.middleRows(fold.colBase, fold.colsUsed) +=
            inputs.block(fold.colBase, fold.rowBase, fold.colsUsed, fold.rowsUsed) *
            weights.middleRows(fold.rowBase, fold.rowsUsed);
        return;
    }
}

} // namespace

workloads::GemmShape checkGemmOperands(const CodeMatrix& weights, const CodeMatrix& inputs)
{
    if (weights.size() == 0 || inputs.size() == 0)
        throw std::invalid_argument("SystolicArray::gemm: empty operand");
    if (weights.rows() != inputs.cols())
        throw std::invalid_argument("SystolicArray::gemm: weights are " + std::to_string(weights.rows()) +
                                    "x" + std::to_string(weights.cols()) +
                                    " but inputs have K = " + std::to_string(inputs.cols()));
    if (weights.rows() >= kMaxReduction)
        throw std::invalid_argument("SystolicArray::gemm: K = " + std::to_string(weights.rows()) +
                                    " reaches 2^16 (int32 accumulation)");
    return workloads::GemmShape{inputs.rows(), inputs.cols(), weights.cols()};
}

SystolicArray::SystolicArray(const ArraySpec& spec) : m_spec(spec)
{
    if (spec.rows <= 0 || spec.cols <= 0)
        throw std::invalid_argument("SystolicArray: array sides must be positive");
}

GemmResult SystolicArray::gemm(const CodeMatrix& weights, const CodeMatrix& inputs) const
{
    const workloads::GemmShape shape = checkGemmOperands(weights, inputs);
    const Eigen::MatrixXi w = weights.cast<int>();
    const Eigen::MatrixXi q = inputs.cast<int>();
    Eigen::MatrixXi acc = Eigen::MatrixXi::Zero(shape.m, shape.n);
    for (const Fold& fold : enumerateFolds(mapGemm(shape, m_spec.dataflow), m_spec))
        accumulateFold(fold, m_spec.dataflow, w, q, acc);
    return GemmResult{acc.cast<std::int32_t>(), NativeTiming().layer(shape, m_spec)};
}

} // namespace voltsim::models
