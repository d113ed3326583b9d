#pragma once
// Exact integer GEMMs with int32 accumulation (docs/datapath.md: acc = sum_k v_k q_k) on 32-bit
// words that each hold `lanes` consecutive depth values of a row or column:
// - two int16 (paths Portable and Avx2; vpmaddwd is exact for every int16 pair),
// - four bytes (paths AvxVnni and Vnni512; vpdpbusd multiplies uint8 by int8 and sums each four products into
//   an int32 exactly): the activations as uint8 and the weight codes minus their offset, v - z in
//   [-2^(m-1), 2^(m-1) - 1] for m <= 8, as int8; no offset correction is needed.
// The kernel is chosen by the KernelPath that laid the operands out; every path's result is the
// same integers. Internal to voltsim_workloads.
#include "voltsim/workloads/inference/KernelPath.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim::workloads::detail {

constexpr std::size_t kGemmPanelCols = 16; ///< columns of B per packed panel (16 int32 results)

/// Depth values per 32-bit word on `path`: 4 (bytes) for the VNNI paths, 2 (int16) otherwise.
constexpr std::size_t lanesPerWord(KernelPath path)
{
    return path == KernelPath::Vnni512 || path == KernelPath::AvxVnni ? 4 : 2;
}

/// `value` rounded up to a multiple of `multiple`.
constexpr std::size_t roundUp(std::size_t value, std::size_t multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

/// Position of B's word (column n, depth word w) in the packed layout of a B `depthWords` words deep:
/// panels of kGemmPanelCols columns one after another; in a panel, for each depth word, the 16
/// columns' words side by side (one 512-bit vector). A packed B holds
/// roundUp(cols, kGemmPanelCols) * depthWords words; the padding columns must be zero.
constexpr std::size_t packedWord(std::size_t n, std::size_t w, std::size_t depthWords)
{
    return (n / kGemmPanelCols) * kGemmPanelCols * depthWords + w * kGemmPanelCols + n % kGemmPanelCols;
}

/// Stores `value` as depth value `index` of the words at `words` (`lanes` values per word; int16
/// lanes hold it in two's complement, byte lanes as uint8 or int8, whichever the operand is).
inline void setLane(std::uint32_t* words, std::size_t index, std::size_t lanes, std::int32_t value)
{
    const std::size_t bits = 32 / lanes;
    const std::uint32_t mask = (std::uint32_t(1) << bits) - 1;
    const std::size_t shift = (index % lanes) * bits;
    std::uint32_t& word = words[index / lanes];
    word = (word & ~(mask << shift)) | ((static_cast<std::uint32_t>(value) & mask) << shift);
}

/// The A operand: `rows` rows of depthWords words, row r at words + r * stride.
struct GemmA {
    const std::uint32_t* words = nullptr;
    std::size_t rows = 0;
    std::size_t stride = 0;
};

/// The B operand: `panels` panels of kGemmPanelCols columns; the 16 column words of panel p at
/// depth word w are the 16 consecutive words at words + panelStarts[p] + depthOffsets[w]. Two
/// layouts (GemmBLayout): packed (packedWord), or a stride-1 conv's zero-bordered word planes read
/// in place (each panel 16 consecutive output pixels of a row, each depth word one word of the
/// receptive field: no im2col).
struct GemmB {
    const std::uint32_t* words = nullptr;
    std::size_t panels = 0;
    const std::size_t* panelStarts = nullptr;  ///< `panels` entries
    const std::size_t* depthOffsets = nullptr; ///< one entry per depth word
};

/// The offsets of a GemmB layout (owned), for the words of one operand.
struct GemmBLayout {
    std::vector<std::size_t> panelStarts;
    std::vector<std::size_t> depthOffsets;

    /// The packedWord layout of `panels` panels, `depthWords` deep.
    static GemmBLayout packed(std::size_t panels, std::size_t depthWords);
    /// B on `words` in this layout.
    GemmB over(const std::uint32_t* words) const
    {
        return GemmB{words, panelStarts.size(), panelStarts.data(), depthOffsets.data()};
    }
};

/// Which operand holds the int8 weights when the lanes are bytes (the other one holds uint8).
enum class SignedOperand { A, B };

/// One GEMM's operands and depth; none of the pointers is owned.
struct GemmOperands {
    GemmA a;
    GemmB b;
    std::size_t depthWords = 0;
    SignedOperand weights = SignedOperand::B;
};

/// c[r * ldc + n] = sum over the depth of A[r][k] * B[n][k] for every r < a.rows and n < 16 * b.panels,
/// with the kernels of `path` (which laid the operands out). The caller guarantees that no int32
/// partial sum overflows.
void gemm(KernelPath path, const GemmOperands& operands, std::int32_t* c, std::size_t ldc);

/// sums[r] = the sum of values[r * length .. r * length + length - 1] for r < rows (the "sum of
/// inputs" Sq of docs/datapath.md).
void rowSums(const std::uint8_t* values, std::size_t rows, std::size_t length, std::int32_t* sums);

/// The kernels behind gemm(), one per path (all but gemmPortable only where the CPU has them).
void gemmPortable(const GemmOperands& operands, std::int32_t* c, std::size_t ldc);
void gemmAvx2(const GemmOperands& operands, std::int32_t* c, std::size_t ldc);
void gemmAvxVnni(const GemmOperands& operands, std::int32_t* c, std::size_t ldc);
void gemmVnni512(const GemmOperands& operands, std::int32_t* c, std::size_t ldc);

/// Splits `rows` rows into the fewest tiles of at most `maxRows` rows, of (nearly) equal sizes,
/// and calls tile(firstRow, rowCount) for each, in order.
template <class Tile> void forEachRowTile(std::size_t rows, std::size_t maxRows, Tile&& tile)
{
    const std::size_t tiles = (rows + maxRows - 1) / maxRows;
    std::size_t first = 0;
    for (std::size_t t = 0; t < tiles; ++t) {
        const std::size_t count = rows / tiles + (t < rows % tiles ? 1 : 0);
        tile(first, count);
        first += count;
    }
}

} // namespace voltsim::workloads::detail
