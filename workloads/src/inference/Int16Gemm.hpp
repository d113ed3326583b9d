#pragma once
// An exact integer GEMM on int16 operands with int32 accumulation: the inner product of every row
// of A with every row of B. GCC compiles it for AVX2 and for the baseline ISA and picks one at load
// time (target_clones), so the library runs on any x86-64 and uses vpmaddwd where available.
#include <cstddef>
#include <cstdint>

namespace voltsim::workloads::detail {

constexpr std::size_t kGemmRowBlock = 4;    ///< rows of A handled together; A's row count must be a multiple
constexpr std::size_t kGemmColBlock = 2;    ///< rows of B handled together; B's row count must be a multiple
constexpr std::size_t kGemmDepthBlock = 16; ///< depth must be a multiple (one 256-bit vector of int16)

/// `value` rounded up to a multiple of `multiple`.
constexpr std::size_t roundUp(std::size_t value, std::size_t multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

/// c[r * colsB + n] = sum_k a[r * depth + k] * b[n * depth + k] for r < rowsA, n < colsB.
/// Row-major operands, none owned. The caller guarantees no int32 overflow of any partial sum.
void gemmInt16(const std::int16_t* a, std::size_t rowsA, const std::int16_t* b, std::size_t colsB, std::size_t depth,
               std::int32_t* c);

} // namespace voltsim::workloads::detail
