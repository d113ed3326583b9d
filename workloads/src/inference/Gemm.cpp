#include "Gemm.hpp"

#include "Simd.hpp"

#include <algorithm>
#include <utility>

namespace voltsim::workloads::detail {
namespace {

/// The int16 lane `lane` (0 low, 1 high) of a word.
inline std::int32_t int16Lane(std::uint32_t word, int lane)
{
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(word >> (16 * lane)));
}

#ifdef VOLTSIM_X86_SIMD

/// One register tile: `Rows` rows of A (at `a`, `stride` words apart) times one panel (its depth
/// word w at panel + depthOffsets[w]), the whole depth, written to c[r * ldc + 0..15]. Each A word
/// (an int16 pair) is broadcast and multiplied with 16 columns' pairs.
template <std::size_t Rows>
VOLTSIM_TARGET_AVX2 void tileAvx2(const std::uint32_t* a, std::size_t stride, const std::uint32_t* panel,
                                  const std::size_t* depthOffsets, std::size_t depthWords, std::int32_t* c,
                                  std::size_t ldc)
{
    __m256i low[Rows];
    __m256i high[Rows];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) {
        low[r] = _mm256_setzero_si256();
        high[r] = _mm256_setzero_si256();
    }
    for (std::size_t w = 0; w < depthWords; ++w) {
        const std::uint32_t* columns = panel + depthOffsets[w];
        const __m256i columnsLow = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(columns));
        const __m256i columnsHigh =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(columns + kGemmPanelCols / 2));
#pragma GCC unroll 8
        for (std::size_t r = 0; r < Rows; ++r) {
            const __m256i pair = _mm256_set1_epi32(static_cast<int>(a[r * stride + w]));
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

/// The last rows (fewer than kTileRows) of a panel: the instantiation of tileAvx2 for their count.
template <std::size_t... Counts>
VOLTSIM_TARGET_AVX2 void tailAvx2(std::size_t rows, std::index_sequence<Counts...> /*counts*/,
                                  const std::uint32_t* a, std::size_t stride, const std::uint32_t* panel,
                                  const std::size_t* depthOffsets, std::size_t depthWords, std::int32_t* c,
                                  std::size_t ldc)
{
    using Tile = void (*)(const std::uint32_t*, std::size_t, const std::uint32_t*, const std::size_t*,
                          std::size_t, std::int32_t*, std::size_t);
    static constexpr Tile kTiles[] = {&tileAvx2<Counts + 1>...};
    if (rows > 0)
        kTiles[rows - 1](a, stride, panel, depthOffsets, depthWords, c, ldc);
}

#endif

} // namespace

void gemmPortable(const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    const GemmA& a = operands.a;
    const std::size_t depthWords = operands.depthWords;
    const GemmB& b = operands.b;
    for (std::size_t p = 0; p < b.panels; ++p)
        for (std::size_t r = 0; r < a.rows; ++r) {
            const std::uint32_t* row = a.words + r * a.stride;
            std::int32_t sums[kGemmPanelCols] = {};
            for (std::size_t w = 0; w < depthWords; ++w) {
                const std::uint32_t* columns = b.words + b.panelStarts[p] + b.depthOffsets[w];
                for (std::size_t n = 0; n < kGemmPanelCols; ++n)
                    sums[n] += int16Lane(row[w], 0) * int16Lane(columns[n], 0) +
                               int16Lane(row[w], 1) * int16Lane(columns[n], 1);
            }
            std::copy_n(sums, kGemmPanelCols, c + r * ldc + p * kGemmPanelCols);
        }
}

#ifdef VOLTSIM_X86_SIMD
VOLTSIM_TARGET_AVX2 void gemmAvx2(const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    const GemmA& a = operands.a;
    const std::size_t depthWords = operands.depthWords;
    const GemmB& b = operands.b;
    for (std::size_t p = 0; p < b.panels; ++p) {
        const std::uint32_t* panel = b.words + b.panelStarts[p];
        std::int32_t* out = c + p * kGemmPanelCols;
        std::size_t r = 0;
        for (; r + kTileRows <= a.rows; r += kTileRows)
            tileAvx2<kTileRows>(a.words + r * a.stride, a.stride, panel, b.depthOffsets, depthWords,
                                out + r * ldc, ldc);
        tailAvx2(a.rows - r, std::make_index_sequence<kTileRows - 1>{}, a.words + r * a.stride, a.stride,
                 panel, b.depthOffsets, depthWords, out + r * ldc, ldc);
    }
}
#endif

GemmBLayout GemmBLayout::packed(std::size_t panels, std::size_t depthWords)
{
    GemmBLayout layout;
    for (std::size_t p = 0; p < panels; ++p)
        layout.panelStarts.push_back(p * kGemmPanelCols * depthWords);
    for (std::size_t w = 0; w < depthWords; ++w)
        layout.depthOffsets.push_back(w * kGemmPanelCols);
    return layout;
}

void gemm(KernelPath path, const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    switch (path) {
#ifdef VOLTSIM_X86_SIMD
    case KernelPath::Vnni512:
        gemmVnni512(operands, c, ldc);
        return;
    case KernelPath::AvxVnni:
        gemmAvxVnni(operands, c, ldc);
        return;
    case KernelPath::Avx2:
        gemmAvx2(operands, c, ldc);
        return;
#endif
    default:
        gemmPortable(operands, c, ldc);
        return;
    }
}

__attribute__((target_clones("avx2", "default"))) void rowSums(const std::uint8_t* values, std::size_t rows,
                                                               std::size_t length, std::int32_t* sums)
{
    for (std::size_t r = 0; r < rows; ++r) {
        const std::uint8_t* row = values + r * length;
        std::int32_t sum = 0;
        for (std::size_t k = 0; k < length; ++k)
            sum += row[k];
        sums[r] = sum;
    }
}

} // namespace voltsim::workloads::detail
