#include "Int16Gemm.hpp"

namespace voltsim::workloads::detail {

__attribute__((target_clones("avx2", "default"))) void gemmInt16(const std::int16_t* a, std::size_t rowsA,
                                                                  const std::int16_t* b, std::size_t colsB,
                                                                  std::size_t depth, std::int32_t* c)
{
    constexpr std::size_t R = kGemmRowBlock;
    constexpr std::size_t N = kGemmColBlock;
    for (std::size_t r = 0; r < rowsA; r += R) {
        for (std::size_t n = 0; n < colsB; n += N) {
            const std::int16_t* rowA = a + r * depth;
            const std::int16_t* rowB = b + n * depth;
            std::int32_t sums[N][R] = {};
            for (std::size_t k = 0; k < depth; ++k)
                for (std::size_t j = 0; j < N; ++j)
                    for (std::size_t i = 0; i < R; ++i)
                        sums[j][i] += std::int32_t(rowB[j * depth + k]) * std::int32_t(rowA[i * depth + k]);
            for (std::size_t i = 0; i < R; ++i)
                for (std::size_t j = 0; j < N; ++j)
                    c[(r + i) * colsB + n + j] = sums[j][i];
        }
    }
}

} // namespace voltsim::workloads::detail
