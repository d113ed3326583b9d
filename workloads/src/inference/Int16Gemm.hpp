#pragma once
// An exact integer GEMM on int16 operands with int32 accumulation: the inner product of every row
// of A with every column of a packed B. The AVX2 kernel (vpmaddwd on int16 pairs, exact for every
// int16 input; 6 rows x 16 columns of int32 accumulators in registers, no horizontal reductions)
// is picked at run time when the CPU has AVX2; a portable kernel computing the same integers on the
// same packed layout serves any other x86-64 (and any other compiler target).
#include <cstddef>
#include <cstdint>

namespace voltsim::workloads::detail {

constexpr std::size_t kGemmPanelCols = 16; ///< columns of B per packed panel (two 8-lane int32 vectors)
constexpr std::size_t kGemmDepthStep = 2;  ///< depth must be a multiple (vpmaddwd sums int16 pairs)

/// `value` rounded up to a multiple of `multiple`.
constexpr std::size_t roundUp(std::size_t value, std::size_t multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

/// Position of B's element (column n, depth k) in the packed layout of a B with `depth` rows
/// (a multiple of kGemmDepthStep): panels of kGemmPanelCols columns one after another; in a panel,
/// for each depth pair (k, k+1), the 16 columns' two values side by side. A packed B holds
/// roundUp(cols, kGemmPanelCols) * depth int16; the padding columns must be zero.
constexpr std::size_t packedIndex(std::size_t n, std::size_t k, std::size_t depth)
{
    return (n / kGemmPanelCols) * kGemmPanelCols * depth +
           (k / kGemmDepthStep) * kGemmPanelCols * kGemmDepthStep + (n % kGemmPanelCols) * kGemmDepthStep +
           k % kGemmDepthStep;
}

/// The A operand: `rows` rows of `depth` int16 (depth a multiple of kGemmDepthStep), row r at a + r * stride.
struct GemmA {
    const std::int16_t* a = nullptr;
    std::size_t rows = 0;
    std::size_t stride = 0;
};

/// The packed B operand (packedIndex layout): `panels` panels of kGemmPanelCols columns.
struct GemmB {
    const std::int16_t* packed = nullptr;
    std::size_t panels = 0;
};

/// c[r * ldc + n] = sum_{k < depth} a[r][k] * B[n][k] for every r < A.rows and n < 16 * B.panels.
/// None of the pointers is owned. The caller guarantees that no int32 partial sum overflows.
void gemmInt16(const GemmA& a, const GemmB& b, std::size_t depth, std::int32_t* c, std::size_t ldc);

/// The same integers with plain C++ (what gemmInt16 runs on a CPU without AVX2); for tests.
void gemmInt16Portable(const GemmA& a, const GemmB& b, std::size_t depth, std::int32_t* c, std::size_t ldc);

/// sums[r] = sum_{k < depth} a[r][k] for every row of `a` (the "sum of inputs" Sq of docs/datapath.md).
void rowSums(const GemmA& a, std::size_t depth, std::int32_t* sums);

} // namespace voltsim::workloads::detail
