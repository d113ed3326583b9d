// The Vnni512 kernel of Gemm.hpp: vpdpbusd on byte lanes, 16 columns per 512-bit vector.
#include "Gemm.hpp"

#include "Simd.hpp"

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

/// One register tile: `Rows` rows of A (at `a`, `stride` words apart) times `Panels` consecutive
/// packed panels, the whole depth, written to c[r * ldc + 0 .. 16 Panels - 1]. Each A word is
/// broadcast and multiplied with the panels' 16 column words.
template <std::size_t Rows, std::size_t Panels, SignedOperand Weights>
VOLTSIM_TARGET_VNNI512 void tile(const std::uint32_t* a, std::size_t stride, const std::uint32_t* panel,
                                 std::size_t depthWords, std::int32_t* c, std::size_t ldc)
{
    __m512i acc[Rows][Panels];
#pragma GCC unroll 12
    for (std::size_t r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (std::size_t p = 0; p < Panels; ++p)
            acc[r][p] = _mm512_setzero_si512();
    const std::size_t panelWords = kGemmPanelCols * depthWords;
    for (std::size_t w = 0; w < depthWords; ++w, panel += kGemmPanelCols) {
        __m512i columns[Panels];
#pragma GCC unroll 2
        for (std::size_t p = 0; p < Panels; ++p)
            columns[p] = _mm512_loadu_si512(panel + p * panelWords);
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
                                   const std::uint32_t* a, std::size_t stride, const std::uint32_t* panel,
                                   std::size_t depthWords, std::int32_t* c, std::size_t ldc)
{
    using Tile = void (*)(const std::uint32_t*, std::size_t, const std::uint32_t*, std::size_t, std::int32_t*,
                          std::size_t);
    static constexpr Tile kTiles[] = {&tile<Counts + 1, Panels, Weights>...};
    kTiles[rows - 1](a, stride, panel, depthWords, c, ldc);
}

/// Panels `Panels` at a time against every row of A, in tiles of (nearly) equal row counts.
template <std::size_t Panels, SignedOperand Weights>
VOLTSIM_TARGET_VNNI512 void panelsAgainstRows(const GemmOperands& operands, const std::uint32_t* panel,
                                              std::int32_t* c, std::size_t ldc)
{
    const GemmA& a = operands.a;
    const std::size_t tiles = (a.rows + kMaxTileRows - 1) / kMaxTileRows;
    std::size_t r = 0;
    for (std::size_t t = 0; t < tiles; ++t) {
        const std::size_t rows = a.rows / tiles + (t < a.rows % tiles ? 1 : 0);
        tileOf<Panels, Weights>(rows, std::make_index_sequence<kMaxTileRows>{}, a.words + r * a.stride,
                                a.stride, panel, operands.depthWords, c + r * ldc, ldc);
        r += rows;
    }
}

template <SignedOperand Weights>
VOLTSIM_TARGET_VNNI512 void gemmWith(const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    const std::size_t panelWords = kGemmPanelCols * operands.depthWords;
    std::size_t p = 0;
    for (; p + 2 <= operands.b.panels; p += 2)
        panelsAgainstRows<2, Weights>(operands, operands.b.packed + p * panelWords, c + p * kGemmPanelCols,
                                      ldc);
    if (p < operands.b.panels)
        panelsAgainstRows<1, Weights>(operands, operands.b.packed + p * panelWords, c + p * kGemmPanelCols,
                                      ldc);
}

} // namespace

VOLTSIM_TARGET_VNNI512 void gemmVnni512(const GemmOperands& operands, std::int32_t* c, std::size_t ldc)
{
    if (operands.a.rows == 0)
        return;
    if (operands.weights == SignedOperand::A)
        gemmWith<SignedOperand::A>(operands, c, ldc);
    else
        gemmWith<SignedOperand::B>(operands, c, ldc);
}
#endif
} // namespace voltsim::workloads::detail
