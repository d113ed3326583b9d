#include "Int16Gemm.hpp"

#include "Simd.hpp"

#include <algorithm>
#include <cstring>

namespace voltsim::workloads::detail {
namespace {

constexpr std::size_t kPairStride = kGemmPanelCols * kGemmDepthStep; ///< int16 per depth pair of a panel

/// The int16 pair a[0], a[1] as one int32 (little-endian: a[0] in the low half, as vpmaddwd pairs them).
inline std::int32_t pairAt(const std::int16_t* a)
{
    std::int32_t pair = 0;
    std::memcpy(&pair, a, sizeof pair);
    return pair;
}

#ifdef VOLTSIM_X86_SIMD

/// One register tile: `Rows` rows of A (at `a`, `stride` apart) times one packed panel, the whole
/// depth, written to c[r * ldc + 0..15]. Each A pair is broadcast and multiplied with 16 columns' pairs.
template <std::size_t Rows>
VOLTSIM_TARGET_AVX2 void tileAvx2(const std::int16_t* a, std::size_t stride, const std::int16_t* panel,
                                  std::size_t depth, std::int32_t* c, std::size_t ldc)
{
    __m256i low[Rows];
    __m256i high[Rows];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) {
        low[r] = _mm256_setzero_si256();
        high[r] = _mm256_setzero_si256();
    }
    for (std::size_t k = 0; k < depth; k += kGemmDepthStep, panel += kPairStride) {
        const __m256i columnsLow = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(panel));
        const __m256i columnsHigh =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(panel + kPairStride / 2));
#pragma GCC unroll 8
        for (std::size_t r = 0; r < Rows; ++r) {
            const __m256i pair = _mm256_set1_epi32(pairAt(a + r * stride + k));
            low[r] = _mm256_add_epi32(low[r], _mm256_madd_epi16(pair, columnsLow));
            high[r] = _mm256_add_epi32(high[r], _mm256_madd_epi16(pair, columnsHigh));
        }
    }
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * ldc), low[r]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * ldc + kGemmPanelCols / 2), high[r]);
    }
}

constexpr std::size_t kTileRows =
    6; ///< 12 accumulators + 2 panel vectors + 1 broadcast of the 16 ymm registers

/// The last rows (fewer than kTileRows) of a panel.
VOLTSIM_TARGET_AVX2 void tailAvx2(std::size_t rows, const std::int16_t* a, std::size_t stride,
                                  const std::int16_t* panel, std::size_t depth, std::int32_t* c,
                                  std::size_t ldc)
{
    switch (rows) {
    case 5:
        tileAvx2<5>(a, stride, panel, depth, c, ldc);
        break;
    case 4:
        tileAvx2<4>(a, stride, panel, depth, c, ldc);
        break;
    case 3:
        tileAvx2<3>(a, stride, panel, depth, c, ldc);
        break;
    case 2:
        tileAvx2<2>(a, stride, panel, depth, c, ldc);
        break;
    case 1:
        tileAvx2<1>(a, stride, panel, depth, c, ldc);
        break;
    default:
        break;
    }
}

VOLTSIM_TARGET_AVX2 void gemmAvx2(const GemmA& a, const GemmB& b, std::size_t depth, std::int32_t* c,
                                  std::size_t ldc)
{
    for (std::size_t p = 0; p < b.panels; ++p) {
        const std::int16_t* panel = b.packed + p * kGemmPanelCols * depth;
        std::size_t r = 0;
        for (; r + kTileRows <= a.rows; r += kTileRows)
            tileAvx2<kTileRows>(a.a + r * a.stride, a.stride, panel, depth, c + r * ldc + p * kGemmPanelCols,
                                ldc);
        tailAvx2(a.rows - r, a.a + r * a.stride, a.stride, panel, depth, c + r * ldc + p * kGemmPanelCols,
                 ldc);
    }
}

#endif

} // namespace

bool cpuHasAvx2()
{
#ifdef VOLTSIM_X86_SIMD
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
#else
    return false;
#endif
}

void gemmInt16Portable(const GemmA& a, const GemmB& b, std::size_t depth, std::int32_t* c, std::size_t ldc)
{
    for (std::size_t p = 0; p < b.panels; ++p)
        for (std::size_t r = 0; r < a.rows; ++r) {
            const std::int16_t* row = a.a + r * a.stride;
            const std::int16_t* panel = b.packed + p * kGemmPanelCols * depth;
            std::int32_t sums[kGemmPanelCols] = {};
            for (std::size_t k = 0; k < depth; k += kGemmDepthStep, panel += kPairStride)
                for (std::size_t n = 0; n < kGemmPanelCols; ++n)
                    sums[n] +=
                        std::int32_t(row[k]) * panel[2 * n] + std::int32_t(row[k + 1]) * panel[2 * n + 1];
            std::copy_n(sums, kGemmPanelCols, c + r * ldc + p * kGemmPanelCols);
        }
}

void gemmInt16(const GemmA& a, const GemmB& b, std::size_t depth, std::int32_t* c, std::size_t ldc)
{
#ifdef VOLTSIM_X86_SIMD
    if (cpuHasAvx2()) {
        gemmAvx2(a, b, depth, c, ldc);
        return;
    }
#endif
    gemmInt16Portable(a, b, depth, c, ldc);
}

__attribute__((target_clones("avx2", "default"))) void rowSums(const GemmA& a, std::size_t depth,
                                                               std::int32_t* sums)
{
    for (std::size_t r = 0; r < a.rows; ++r) {
        const std::int16_t* row = a.a + r * a.stride;
        std::int32_t sum = 0;
        for (std::size_t k = 0; k < depth; ++k)
            sum += row[k];
        sums[r] = sum;
    }
}

} // namespace voltsim::workloads::detail
