// The AvxVnni and Vnni512 kernels of Gemm.hpp: vpdpbusd on byte lanes, 16 columns per 512-bit
// vector or per two 256-bit ones.
#include "Gemm.hpp"

#include "Simd.hpp"

#include <cstddef>
#include <utility>

namespace voltsim::workloads::detail {
#ifdef VOLTSIM_X86_SIMD
namespace {

/// Rows of A per register tile: 2 x 12 accumulators + 2 panel vectors + 1 broadcast of the 32
/// zmm registers.
constexpr std::size_t kMaxTileRows = 12;

/// acc + the four-byte dot products of `unsignedBytes` (uint8) and `signedBytes` (int8) per lane.
VOLTSIM_TARGET_VNNI512 inline __m512i dotBytes(__m512i acc, __m512i unsignedBytes, __m512i signedBytes)
{
    return _mm512_dpbusd_epi32(acc, unsignedBytes, signedBytes);
}

/// Where a tile reads B: `Panels` panels, panel p's depth word w at first + p * gap + depthOffsets[w].
struct TilePanels {
    const std::uint32_t* first;
    std::ptrdiff_t gap;
    const std::size_t* depthOffsets;
};

/// One register tile: `Rows` rows of A (at `a`, `stride` words apart) times `Panels` panels of B,
/// the whole depth, written to c[r * ldc + 0 .. 16 Panels - 1]. Each A word is broadcast and
/// multiplied with the panels' 16 column words.
template <std::size_t Rows, std::size_t Panels, SignedOperand Weights>
VOLTSIM_TARGET_VNNI512 void tile(const std::uint32_t* a, std::size_t stride, const TilePanels& panels,
                                 std::size_t depthWords, std::int32_t* c, std::size_t ldc)
{
    __m512i acc[Rows][Panels];
#pragma GCC unroll 12
    for (std::size_t r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (std::size_t p = 0; p < Panels; ++p)
            acc[r][p] = _mm512_setzero_si512();
    for (std::size_t w = 0; w < depthWords; ++w) {
        const std::uint32_t* words = panels.first + panels.depthOffsets[w];
        __m512i columns[Panels];
#pragma GCC unroll 2
        for (std::size_t p = 0; p < Panels; ++p)
            columns[p] = _mm512_loadu_si512(words + static_cast<std::ptrdiff_t>(p) * panels.gap);
#pragma GCC unroll 12
        for (std::size_t r = 0; r < Rows; ++r) {
            const __m512i word = _mm512_set1_epi32(static_cast<int>(a[r * stride + w]));
#pragma GCC unroll 2
            for (std::size_t p = 0; p < Panels; ++p)
                acc[r][p] = Weights == SignedOperand::A ? dotBytes(acc[r][p], columns[p], word)
                                                        : dotBytes(acc[r][p], word, columns[p]);
        }
    }
#pragma GCC unroll 12
    for (std::size_t r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (std::size_t p = 0; p < Panels; ++p)
            _mm512_storeu_si512(c + r * ldc + p * kGemmPanelCols, acc[r][p]);
}

/// A tile of `rows` (1..kMaxTileRows) rows: the instantiation of tile() for that count.
template <std::size_t Panels, SignedOperand Weights, std::size_t... Counts>
VOLTSIM_TARGET_VNNI512 void tileOf(std::size_t rows, std::index_sequence<Counts...> /*counts*/,
                                   const std::uint32_t* a, std::size_t stride, const TilePanels& panels,
                                   std::size_t depthWords, std::int32_t* c, std::size_t ldc)
{
    using Tile = void (*)(const std::uint32_t*, std::size_t, const TilePanels&, std::size_t, std::int32_t*,
                          std::size_t);
    static constexpr Tile kTiles[] = {&tile<Counts + 1, Panels, Weights>...};
    kTiles[rows - 1](a, stride, panels, depthWords, c, ldc);
}

/// Panels p .. p + Panels - 1 against every row of A, in tiles of (nearly) equal row counts.
template <std::size_t Panels, SignedOperand Weights>
VOLTSIM_TARGET_VNNI512 void panelsAgainstRows(const GemmOperands& operands, std::size_t p, std::int32_t* c,
                                              std::size_t ldc)
{
    const GemmA& a = operands.a;
    const GemmB& b = operands.b;
    const std::ptrdiff_t gap = Panels > 1 ? static_cast<std::ptrdiff_t>(b.panelStarts[p + 1]) -
                                                static_cast<std::ptrdiff_t>(b.panelStarts[p])
                                          : 0;
    const TilePanels panels{b.words + b.panelStarts[p], gap, b.depthOffsets};
    forEachRowTile(a.rows, kMaxTileRows, [&](std::size_t first, std::size_t rows) {
        tileOf<Panels, Weights>(rows, std::make_index_sequence<kMaxTileRows>{}, a.words + first * a.stride,
                                a.stride, panels, operands.depthWords, c + first * ldc + p * kGemmPanelCols,
                                ldc);
    });
}

template <SignedOperand Weights>
VOLTSIM_TARGET_VNNI512 void gemmWith(const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    std::size_t p = 0;
    for (; p + 2 <= operands.b.panels; p += 2)
        panelsAgainstRows<2, Weights>(operands, p, c, ldc);
    if (p < operands.b.panels)
        panelsAgainstRows<1, Weights>(operands, p, c, ldc);
}

/// Rows of A per 256-bit register tile: 2 x 6 accumulators + 2 panel halves + 1 broadcast of the
/// 16 ymm registers.
constexpr std::size_t kMaxTileRows256 = 6;

/// tile() with 256-bit vectors: `Rows` rows against one panel (two halves of 8 columns).
template <std::size_t Rows, SignedOperand Weights>
VOLTSIM_TARGET_AVXVNNI void tile256(const std::uint32_t* a, std::size_t stride, const std::uint32_t* panel,
                                    const std::size_t* depthOffsets, std::size_t depthWords, std::int32_t* c,
                                    std::size_t ldc)
{
    constexpr std::size_t kHalf = kGemmPanelCols / 2;
    __m256i acc[Rows][2];
#pragma GCC unroll 6
    for (std::size_t r = 0; r < Rows; ++r)
        acc[r][0] = acc[r][1] = _mm256_setzero_si256();
    for (std::size_t w = 0; w < depthWords; ++w) {
        const std::uint32_t* words = panel + depthOffsets[w];
        const __m256i columns[2] = {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(words)),
                                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(words + kHalf))};
#pragma GCC unroll 6
        for (std::size_t r = 0; r < Rows; ++r) {
            const __m256i word = _mm256_set1_epi32(static_cast<int>(a[r * stride + w]));
#pragma GCC unroll 2
            for (std::size_t h = 0; h < 2; ++h)
                acc[r][h] = Weights == SignedOperand::A
                                ? _mm256_dpbusd_avx_epi32(acc[r][h], columns[h], word)
                                : _mm256_dpbusd_avx_epi32(acc[r][h], word, columns[h]);
        }
    }
#pragma GCC unroll 6
    for (std::size_t r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (std::size_t h = 0; h < 2; ++h)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * ldc + h * kHalf), acc[r][h]);
}

template <SignedOperand Weights, std::size_t... Counts>
VOLTSIM_TARGET_AVXVNNI void gemm256With(const GemmOperands& operands,
                                        std::index_sequence<Counts...> /*counts*/, std::int32_t* c,
                                        std::size_t ldc)
{
    using Tile = void (*)(const std::uint32_t*, std::size_t, const std::uint32_t*, const std::size_t*,
                          std::size_t, std::int32_t*, std::size_t);
    static constexpr Tile kTiles[] = {&tile256<Counts + 1, Weights>...};
    const GemmA& a = operands.a;
    const GemmB& b = operands.b;
    for (std::size_t p = 0; p < b.panels; ++p) {
        const std::uint32_t* panel = b.words + b.panelStarts[p];
        forEachRowTile(a.rows, kMaxTileRows256, [&](std::size_t first, std::size_t rows) {
            kTiles[rows - 1](a.words + first * a.stride, a.stride, panel, b.depthOffsets, operands.depthWords,
                             c + first * ldc + p * kGemmPanelCols, ldc);
        });
    }
}

} // namespace

VOLTSIM_TARGET_AVXVNNI void gemmAvxVnni(const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    if (operands.weights == SignedOperand::A)
        gemm256With<SignedOperand::A>(operands, std::make_index_sequence<kMaxTileRows256>{}, c, ldc);
    else
        gemm256With<SignedOperand::B>(operands, std::make_index_sequence<kMaxTileRows256>{}, c, ldc);
}

VOLTSIM_TARGET_VNNI512 void gemmVnni512(const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    if (operands.weights == SignedOperand::A)
        gemmWith<SignedOperand::A>(operands, c, ldc);
    else
        gemmWith<SignedOperand::B>(operands, c, ldc);
}
#endif
} // namespace voltsim::workloads::detail
