#include "LayerKernels.hpp"

#include "Gemm.hpp"
#include "Requantize.hpp"
#include "Simd.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace voltsim::workloads::detail {
namespace {

constexpr std::int64_t kInt32Min = -2147483648LL;
constexpr std::int64_t kInt32Max = 2147483647LL;

/// How a conv layer's depth is packed into GEMM words of `lanes` values; the input becomes
/// zero-bordered planes of such words, so that at stride 1 the GEMM reads its B in place:
/// - Channels: a word holds `lanes` consecutive channels at one kernel position;
/// - Columns: a word holds `lanes` consecutive kernel columns of one channel and kernel row (zero
///   weights past the kernel's width); the planes hold sliding words, the word at (y, x) holding
///   the values at x .. x + lanes - 1 of row y. Narrow inputs (one or two channels, as the image
///   entering a first layer) take it: one channel in four-lane words would leave three lanes of
///   every word zero.
enum class ConvPacking { Channels, Columns };

/// A conv layer's input geometry and depth packing.
struct ConvGeometry {
    std::size_t lanes, channels, paddedHeight, paddedWidth, outHeight, outWidth, kernelH, kernelW, stride;
    ConvPacking packing = ConvPacking::Channels;
    std::size_t planes = 0;     ///< word planes: channel words (Channels) or channels (Columns)
    std::size_t rowWords = 0;   ///< depth words per plane and kernel row
    std::size_t depthWords = 0; ///< the GEMM's depth: planes x kernelH x rowWords

    ConvGeometry(const Layer& layer, std::size_t lanesPerWord)
        : lanes(lanesPerWord), channels(static_cast<std::size_t>(layer.inShape[0])),
          paddedHeight(static_cast<std::size_t>(layer.inShape[1] + 2 * std::int64_t{layer.padding})),
          paddedWidth(static_cast<std::size_t>(layer.inShape[2] + 2 * std::int64_t{layer.padding})),
          outHeight(static_cast<std::size_t>(layer.outShape[1])),
          outWidth(static_cast<std::size_t>(layer.outShape[2])),
          kernelH(static_cast<std::size_t>(layer.kernelH)), kernelW(static_cast<std::size_t>(layer.kernelW)),
          stride(static_cast<std::size_t>(layer.stride))
    {
        const std::size_t channelWords = roundUp(channels, lanes) / lanes;
        const std::size_t columnWords = roundUp(kernelW, lanes) / lanes;
        if (channels * columnWords < channelWords * kernelW) {
            packing = ConvPacking::Columns;
            planes = channels;
            rowWords = columnWords;
        } else {
            planes = channelWords;
            rowWords = kernelW;
        }
        depthWords = planes * kernelH * rowWords;
        flat = kernelH == 1 && kernelW == 1 && stride == 1 && paddedWidth == outWidth &&
               packing == ConvPacking::Channels && outWidth % kGemmPanelCols != 0;
    }

    /// A pointwise conv (1x1, stride 1, no padding) whose rows do not fill whole panels: its GEMM
    /// columns are the output pixels in order, oy * outWidth + ox, the panels running across row
    /// ends (a 7 x 7 output takes 4 panels, not 7).
    bool flat = false;

    /// GEMM columns from one output row to the next: whole panels per row, or outWidth if flat.
    std::size_t columnsPerRow() const { return flat ? outWidth : roundUp(outWidth, kGemmPanelCols); }

    /// GEMM columns in all: outHeight rows, and if flat, 16 columns after the last row's start (a
    /// row's requantization may read that far: Requantize.hpp).
    std::size_t columns() const
    {
        return flat ? roundUp(std::max((outHeight - 1) * outWidth + kGemmPanelCols, outHeight * outWidth),
                              kGemmPanelCols)
                    : outHeight * columnsPerRow();
    }

    /// Offset in the planes of depth word w of kernel row fy, plane j, from output pixel (0, 0)'s.
    std::size_t depthOffset(std::size_t j, std::size_t fy, std::size_t w) const
    {
        return (j * paddedHeight + fy) * paddedWidth + (packing == ConvPacking::Columns ? w * lanes : w);
    }
};

static_assert(
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
    "a GEMM word holds its first depth value in its low bits, as the vector instructions pair them");

/// Depth position of input channel c at kernel row fy, column fx, in the packing's word order
/// (plane, kernel row, word of the row; depthOffset's order).
std::size_t convDepthIndex(const ConvGeometry& geometry, std::size_t c, std::size_t fy, std::size_t fx)
{
    const std::size_t lanes = geometry.lanes;
    if (geometry.packing == ConvPacking::Columns)
        return lanes * ((c * geometry.kernelH + fy) * geometry.rowWords + fx / lanes) + fx % lanes;
    return lanes * (((c / lanes) * geometry.kernelH + fy) * geometry.kernelW + fx) + c % lanes;
}

/// Words read past the last plane (whole panels of a last output row, the last word of a kernel row).
std::size_t wordsSlack(const ConvGeometry& geometry)
{
    return geometry.columns() * geometry.stride + geometry.rowWords * geometry.lanes;
}

/// words[i] = values[i] .. values[i + lanes - 1], lowest bits first, for i < size (`values` holds
/// size + lanes - 1 values).
__attribute__((target_clones("avx2", "default"))) void slideWords(const std::uint32_t* values,
                                                                  std::size_t size, std::size_t lanes,
                                                                  std::vector<std::uint32_t>& words)
{
    words.resize(size);
    std::uint32_t* out = words.data();
    if (lanes == 4) {
        for (std::size_t i = 0; i < size; ++i)
            out[i] = values[i] | values[i + 1] << 8 | values[i + 2] << 16 | values[i + 3] << 24;
        return;
    }
    for (std::size_t i = 0; i < size; ++i)
        out[i] = values[i] | values[i + 1] << 16;
}

/// The row of one word plane of the Channels packing: out[x] holds rows[l][x] in lane l (lowest bits
/// first) for x < width; a null row is a zero channel.
void interleaveRow(const std::array<const std::uint8_t*, 4>& rows, std::size_t lanes, std::size_t width,
                   std::uint32_t* out)
{
    const std::size_t bits = 32 / lanes;
    for (std::size_t x = 0; x < width; ++x) {
        std::uint32_t word = 0;
        for (std::size_t l = 0; l < lanes; ++l)
            if (rows[l] != nullptr)
                word |= std::uint32_t(rows[l][x]) << (l * bits);
        out[x] = word;
    }
}

#ifdef VOLTSIM_X86_SIMD
/// interleaveRow of four byte lanes with AVX-512 for the `height` rows of a plane, row y from
/// rows[l] + y * width to out + y * outPitch, 16 words per step (masked at a row's end). The rows
/// present are a prefix of `rows`. The zero-masked forms with every lane kept avoid GCC 12's
/// warning about the plain ones (bug 105593).
VOLTSIM_TARGET_VNNI512 void interleavePlane512(const std::array<const std::uint8_t*, 4>& rows,
                                               std::size_t height, std::size_t width, std::uint32_t* out,
                                               std::size_t outPitch)
{
    constexpr std::size_t kStep = 16;
    constexpr __mmask16 kAll = 0xFFFF;
    std::size_t present = 0;
    while (present < rows.size() && rows[present] != nullptr)
        ++present;
    for (std::size_t y = 0; y < height; ++y)
        for (std::size_t x = 0; x < width; x += kStep) {
            const std::size_t count = std::min(kStep, width - x);
            const __mmask16 words = count == kStep ? kAll : static_cast<__mmask16>((1u << count) - 1);
            __m512i word = _mm512_setzero_si512();
            for (std::size_t l = 0; l < present; ++l) {
                const __m128i bytes = _mm_maskz_loadu_epi8(words, rows[l] + y * width + x);
                word = _mm512_or_si512(
                    word, _mm512_maskz_slli_epi32(kAll, _mm512_maskz_cvtepu8_epi32(kAll, bytes), 8 * l));
            }
            _mm512_mask_storeu_epi32(out + y * outPitch + x, words, word);
        }
}
#endif

#ifdef VOLTSIM_X86_SIMD
/// copyRows of rows of at most 64 bytes with AVX-512.
VOLTSIM_TARGET_VNNI512 void copyShortRows512(const std::uint8_t* from, std::size_t fromPitch,
                                             std::uint8_t* to, std::size_t toPitch, std::size_t rows,
                                             std::size_t width)
{
    const __mmask64 bytes = width == 64 ? ~__mmask64(0) : (__mmask64(1) << width) - 1;
    for (std::size_t r = 0; r < rows; ++r)
        _mm512_mask_storeu_epi8(to + r * toPitch, bytes,
                                _mm512_maskz_loadu_epi8(bytes, from + r * fromPitch));
}
#endif

/// One image as the packing's zero-bordered word planes, plane j at
/// words[j * paddedHeight * paddedWidth]: Channels, the word at (y, x) of plane j holds channels
/// lanes j .. lanes j + lanes - 1 (zero past the last channel), lowest bits first; Columns, plane
/// c's word at (y, x) holds channel c's values at x .. x + lanes - 1 (those past the row's end meet
/// zero weights). `values` is scratch. `words` and `values` must be the layer's own buffers (the
/// borders written once).
void padPlanes(const Layer& layer, const ConvGeometry& geometry, KernelPath path, const std::uint8_t* input,
               std::vector<std::uint32_t>& words, std::vector<std::uint32_t>& values)
{
    const auto height = static_cast<std::size_t>(layer.inShape[1]);
    const auto width = static_cast<std::size_t>(layer.inShape[2]);
    const auto pad = static_cast<std::size_t>(layer.padding);
    const bool columns = geometry.packing == ConvPacking::Columns;
    const std::size_t size =
        geometry.planes * geometry.paddedHeight * geometry.paddedWidth + wordsSlack(geometry);
    // Zeroed once per layer's buffers: every image writes the same interior positions, so the
    // borders (and the slack) stay zero.
    std::vector<std::uint32_t>& target = columns ? values : words;
    if (target.size() != size + geometry.lanes)
        target.assign(size + geometry.lanes, 0);
    if (columns) {
        for (std::size_t c = 0; c < geometry.channels; ++c)
            for (std::size_t y = 0; y < height; ++y)
                std::copy_n(input + (c * height + y) * width, width,
                            values.data() + (c * geometry.paddedHeight + y + pad) * geometry.paddedWidth +
                                pad);
        slideWords(values.data(), size, geometry.lanes, words);
        return;
    }
    for (std::size_t j = 0; j < geometry.planes; ++j) {
        std::array<const std::uint8_t*, 4> rows{};
        for (std::size_t l = 0; l < geometry.lanes && j * geometry.lanes + l < geometry.channels; ++l)
            rows[l] = input + (j * geometry.lanes + l) * height * width;
        std::uint32_t* plane = words.data() + (j * geometry.paddedHeight + pad) * geometry.paddedWidth + pad;
#ifdef VOLTSIM_X86_SIMD
        if (path == KernelPath::Vnni512) {
            interleavePlane512(rows, height, width, plane, geometry.paddedWidth);
            continue;
        }
#endif
        for (std::size_t y = 0; y < height; ++y) {
            interleaveRow(rows, geometry.lanes, width, plane + y * geometry.paddedWidth);
            for (const std::uint8_t*& row : rows)
                if (row != nullptr)
                    row += width;
        }
    }
}

/// Where the GEMM's B lies in padPlanes' planes: the panel of output row oy, columns ox .. ox + 15,
/// starts at word (oy paddedWidth + ox) stride (if flat, panel p at word 16 p: the planes are the
/// output pixels in order); its depth word (plane j, kernel row fy, word w) is depthOffset(j, fy, w)
/// further on, the 16 columns `stride` words apart. At stride 1 they are 16 consecutive words: the
/// GEMM reads them in place.
GemmBLayout planeLayout(const ConvGeometry& geometry)
{
    GemmBLayout layout;
    if (geometry.flat)
        for (std::size_t p = 0; p < geometry.columns(); p += kGemmPanelCols)
            layout.panelStarts.push_back(p);
    else
        for (std::size_t oy = 0; oy < geometry.outHeight; ++oy)
            for (std::size_t ox = 0; ox < geometry.columnsPerRow(); ox += kGemmPanelCols)
                layout.panelStarts.push_back((oy * geometry.paddedWidth + ox) * geometry.stride);
    for (std::size_t j = 0; j < geometry.planes; ++j)
        for (std::size_t fy = 0; fy < geometry.kernelH; ++fy)
            for (std::size_t w = 0; w < geometry.rowWords; ++w)
                layout.depthOffsets.push_back(geometry.depthOffset(j, fy, w));
    return layout;
}

/// im2col for strides > 1, into the GEMM's packed B layout: panel p's depth word d copies the 16
/// words of `planes` (planeLayout) `stride` apart. Columns past a row's end get whatever follows in
/// `words` (their results are never used).
void fillPackedPatches(const ConvGeometry& geometry, const GemmBLayout& planes, const std::uint32_t* words,
                       std::uint32_t* patches)
{
    const std::size_t stride = geometry.stride;
    for (std::size_t p = 0; p < planes.panelStarts.size(); ++p)
        for (std::size_t d = 0; d < geometry.depthWords; ++d) {
            const std::uint32_t* columns = words + planes.panelStarts[p] + planes.depthOffsets[d];
            std::uint32_t* out = patches + packedWord(p * kGemmPanelCols, d, geometry.depthWords);
            for (std::size_t i = 0; i < kGemmPanelCols; ++i)
                out[i] = columns[i * stride];
        }
}

/// Rows of bytes from one pitch to another: to[r * toPitch + x] = from[r * fromPitch + x] for r <
/// rows, x < width (short rows: one masked AVX-512 move each on the Vnni512 path, where a call to
/// memcpy per row costs more than the copy).
void copyRows(KernelPath path, const std::uint8_t* from, std::size_t fromPitch, std::uint8_t* to,
              std::size_t toPitch, std::size_t rows, std::size_t width)
{
#ifdef VOLTSIM_X86_SIMD
    if (path == KernelPath::Vnni512 && width <= 64) {
        copyShortRows512(from, fromPitch, to, toPitch, rows, width);
        return;
    }
#endif
    for (std::size_t r = 0; r < rows; ++r)
        std::copy_n(from + r * fromPitch, width, to + r * toPitch);
}

/// Requantizes a linear layer's GEMM results (`products`: `count` rows of prepared.cols sums;
/// `inputSums`: Sq per row) to uint8, output[row * filters + n].
void requantizeToUint8(const PreparedLayer& prepared, const std::int32_t* products,
                       const std::int32_t* inputSums, std::size_t count, std::uint8_t* output)
{
    const Requant& requant = *prepared.layer->requant;
    for (std::size_t row = 0; row < count; ++row) {
        const RowRequant terms{requant.mAcc,
                               requant.mSum * inputSums[row] + (std::int64_t(1) << (requant.shift - 1)),
                               requant.shift};
        requantizeRowToUint8(prepared.path, products + row * prepared.cols, prepared.biasTerm.data(),
                             prepared.filters, terms, output + row * prepared.filters);
    }
}

/// The GEMM of a linear layer: `rows` input rows (`patches`, prepared.depthWords apart) against its
/// packed weights: fills work.products.
void multiply(const PreparedLayer& prepared, const std::uint32_t* patches, std::size_t rows, Workspace& work)
{
    work.products.resize(rows * prepared.cols);
    gemm(prepared.path,
         GemmOperands{GemmA{patches, rows, prepared.depthWords}, prepared.packedB.over(prepared.words.data()),
                      prepared.depthWords, SignedOperand::B},
         work.products.data(), prepared.cols);
}

/// Lane k % lanes of words[k / lanes] = values[k] for k < count (the words start zeroed, so the
/// lanes past `count` stay zero).
void packWords(const std::uint8_t* values, std::size_t count, std::size_t lanes, std::uint32_t* words)
{
    if (lanes == sizeof(std::uint32_t)) {
        std::memcpy(words, values, count); // byte lanes: the words' little-endian bytes are the values
        return;
    }
    for (std::size_t k = 0; k + 1 < count; k += 2)
        words[k / 2] = std::uint32_t(values[k]) | std::uint32_t(values[k + 1]) << 16;
    if (count % 2 != 0)
        words[count / 2] = values[count - 1];
}

/// Max-pool of one image, any window, stride and padding.
void maxPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* __restrict output)
{
    const auto planes = static_cast<std::size_t>(layer.inShape[0]);
    const auto height = static_cast<std::size_t>(layer.inShape[1]);
    const auto width = static_cast<std::size_t>(layer.inShape[2]);
    const auto outHeight = static_cast<std::size_t>(layer.outShape[1]);
    const auto outWidth = static_cast<std::size_t>(layer.outShape[2]);
    const auto kernelH = static_cast<std::size_t>(layer.kernelH);
    const auto kernelW = static_cast<std::size_t>(layer.kernelW);
    const auto stride = static_cast<std::size_t>(layer.stride);
    const auto pad = static_cast<std::size_t>(layer.padding);
    for (std::size_t c = 0; c < planes; ++c) {
        const std::uint8_t* plane = input + c * height * width;
        for (std::size_t oy = 0; oy < outHeight; ++oy) {
            std::uint8_t* out = output + (c * outHeight + oy) * outWidth;
            for (std::size_t ox = 0; ox < outWidth; ++ox) {
                // Padded positions are ignored; values are non-negative, so 0 is a neutral start.
                std::uint8_t best = 0;
                for (std::size_t fy = 0; fy < kernelH; ++fy) {
                    const std::size_t y = oy * stride + fy;
                    if (y < pad || y - pad >= height)
                        continue;
                    for (std::size_t fx = 0; fx < kernelW; ++fx) {
                        const std::size_t x = ox * stride + fx;
                        if (x >= pad && x - pad < width)
                            best = std::max(best, plane[(y - pad) * width + x - pad]);
                    }
                }
                out[ox] = best;
            }
        }
    }
}

/// The common 2x2 max-pool at stride 2 without padding: each output row from two input rows, a
/// loop the compiler vectorizes.
__attribute__((target_clones("avx2", "default"))) void
maxPool2x2(const Layer& layer, const std::uint8_t* input, std::uint8_t* __restrict output)
{
    const auto planes = static_cast<std::size_t>(layer.inShape[0]);
    const auto height = static_cast<std::size_t>(layer.inShape[1]);
    const auto width = static_cast<std::size_t>(layer.inShape[2]);
    const auto outHeight = static_cast<std::size_t>(layer.outShape[1]);
    const auto outWidth = static_cast<std::size_t>(layer.outShape[2]);
    for (std::size_t c = 0; c < planes; ++c)
        for (std::size_t oy = 0; oy < outHeight; ++oy) {
            const std::uint8_t* top = input + (c * height + 2 * oy) * width;
            const std::uint8_t* bottom = top + width;
            std::uint8_t* out = output + (c * outHeight + oy) * outWidth;
            for (std::size_t ox = 0; ox < outWidth; ++ox)
                out[ox] = std::max(std::max(top[2 * ox], top[2 * ox + 1]),
                                   std::max(bottom[2 * ox], bottom[2 * ox + 1]));
        }
}

#ifdef VOLTSIM_X86_SIMD
/// maxPool2x2 with AVX-512BW, up to 32 outputs of a row per step (masked at the row's end): the
/// larger of the two input rows' bytes, then of each byte pair (the halves of a 16-bit lane),
/// narrowed to bytes on the store. The zero-masked forms with every lane kept avoid GCC 12's
/// warning about the plain ones (GCC bug 105593).
VOLTSIM_TARGET_VNNI512 void maxPool2x2Vnni512(const Layer& layer, const std::uint8_t* input,
                                              std::uint8_t* output)
{
    constexpr std::size_t kStep = 32;
    const auto planes = static_cast<std::size_t>(layer.inShape[0]);
    const auto height = static_cast<std::size_t>(layer.inShape[1]);
    const auto width = static_cast<std::size_t>(layer.inShape[2]);
    const auto outHeight = static_cast<std::size_t>(layer.outShape[1]);
    const auto outWidth = static_cast<std::size_t>(layer.outShape[2]);
    const __m512i lowBytes = _mm512_set1_epi16(0x00FF);
    for (std::size_t c = 0; c < planes; ++c)
        for (std::size_t oy = 0; oy < outHeight; ++oy) {
            const std::uint8_t* top = input + (c * height + 2 * oy) * width;
            const std::uint8_t* bottom = top + width;
            std::uint8_t* out = output + (c * outHeight + oy) * outWidth;
            for (std::size_t ox = 0; ox < outWidth; ox += kStep) {
                const std::size_t count = std::min(kStep, outWidth - ox);
                const __mmask32 outputs = count == kStep ? ~__mmask32(0) : (__mmask32(1) << count) - 1;
                const __mmask64 inputs = count == kStep ? ~__mmask64(0) : (__mmask64(1) << (2 * count)) - 1;
                const __m512i rows = _mm512_max_epu8(_mm512_maskz_loadu_epi8(inputs, top + 2 * ox),
                                                     _mm512_maskz_loadu_epi8(inputs, bottom + 2 * ox));
                const __m512i pairs = _mm512_maskz_max_epu16(~__mmask32(0), _mm512_and_si512(rows, lowBytes),
                                                             _mm512_maskz_srli_epi16(~__mmask32(0), rows, 8));
                _mm512_mask_cvtepi16_storeu_epi8(out + ox, outputs, pairs);
            }
        }
}
#endif

/// Where the kernel taps of a depthwise conv read their zero-bordered input plane, and where their
/// sums go: output pixel (oy, ox) at sums[oy * pitch + ox]. At stride 1 the pitch is the plane's
/// width, so one tap's sums are one contiguous run (the columns past outWidth are not used).
struct WindowGeometry {
    std::size_t outHeight, outWidth, stride, paddedWidth;

    std::size_t pitch() const { return stride == 1 ? paddedWidth : outWidth; }
    /// Elements of `sums` from the first output pixel to the last.
    std::size_t span() const { return (outHeight - 1) * pitch() + outWidth; }
};

/// sums[oy * pitch + ox] += weight * tap[(oy * stride) * paddedWidth + ox * stride]: one kernel tap
/// over every output pixel (`tap` points at the tap's offset in the plane). int32 is exact:
/// |weight| < 2^8, values < 2^8, at most 2^15 taps.
__attribute__((target_clones("avx2", "default"))) void
accumulateTap(const WindowGeometry& window, const std::int32_t* tap, std::int32_t weight, std::int32_t* sums)
{
    if (window.stride == 1) {
        const std::size_t span = window.span();
        for (std::size_t p = 0; p < span; ++p)
            sums[p] += weight * tap[p];
        return;
    }
    for (std::size_t oy = 0; oy < window.outHeight; ++oy) {
        const std::int32_t* row = tap + oy * window.stride * window.paddedWidth;
        std::int32_t* out = sums + oy * window.outWidth;
        for (std::size_t ox = 0; ox < window.outWidth; ++ox)
            out[ox] += weight * row[ox * window.stride];
    }
}

/// out[i] = clamp((m_a a[i] + m_b b[i] + b0 + 2^(shift-1)) >> shift, 0, 255) for i < size, by the
/// vectorized requantization (a widened to int32 as its `centered`, m_b b[i] as its addends).
void mergeToUint8(const std::uint8_t* a, std::int64_t ma, const std::uint8_t* b, std::int64_t mb,
                  std::int64_t b0, std::size_t size, int shift, std::uint8_t* out, Workspace& work)
{
    const std::int64_t constant = b0 + (std::int64_t(1) << (shift - 1));
    if (activeKernelPath() == KernelPath::Vnni512) {
        mergeRowToUint8Vnni512(a, ma, b, mb, constant, shift, size, out);
        return;
    }
    work.widened.assign(a, a + size);
    work.sumTerms.resize(size);
    for (std::size_t i = 0; i < size; ++i)
        work.sumTerms[i] = mb * b[i];
    requantizeRowToUint8(activeKernelPath(), work.widened.data(), work.sumTerms.data(), size,
                         RowRequant{ma, constant, shift}, out);
}

/// True if depthwise conv `layer` runs on sliding words (DepthwiseWindows) on `path`: Vnni512, stride 1
/// and kernelW = 2 padding + 1, so that an output row is as wide as an input row and output pixel
/// q = oy W + ox reads its tap (fy, fx) at flat position q + (fy - padding) W + fx - padding of its
/// channel (windowMasks zero the taps that fall outside the channel's plane).
bool usesSlidingWords(const Layer& layer, KernelPath path)
{
    return path == KernelPath::Vnni512 && layer.stride == 1 && layer.kernelW == 2 * layer.padding + 1;
}

/// Output vectors of 16 pixels covering a sliding-words depthwise conv's output plane.
std::size_t windowVectors(const Layer& layer)
{
    return roundUp(static_cast<std::size_t>(layer.outShape[1] * layer.outShape[2]), 16) / 16;
}

/// The byte masks of a sliding-words depthwise conv (usesSlidingWords), 16 words per output vector
/// v, kernel row fy and word g of the row, at ((v kernelH + fy) groups + g) 16: byte l of lane i
/// is 0xFF if output pixel q = 16 v + i exists and its tap (fy, 4 g + l) lies in the kernel and in
/// the input plane, 0 otherwise.
std::vector<std::uint32_t> windowMasks(const Layer& layer)
{
    const auto height = static_cast<std::int64_t>(layer.inShape[1]);
    const auto width = static_cast<std::int64_t>(layer.inShape[2]);
    const auto pixels = static_cast<std::int64_t>(layer.outShape[1] * layer.outShape[2]);
    const auto kernelH = static_cast<std::size_t>(layer.kernelH);
    const std::size_t groups = roundUp(static_cast<std::size_t>(layer.kernelW), 4) / 4;
    const std::size_t vectors = windowVectors(layer);
    std::vector<std::uint32_t> masks(vectors * kernelH * groups * 16, 0);
    for (std::size_t v = 0; v < vectors; ++v)
        for (std::size_t fy = 0; fy < kernelH; ++fy)
            for (std::size_t g = 0; g < groups; ++g)
                for (std::int64_t i = 0; i < 16; ++i) {
                    const std::int64_t q = static_cast<std::int64_t>(16 * v) + i;
                    const std::int64_t y = q / width + static_cast<std::int64_t>(fy) - layer.padding;
                    for (std::int64_t l = 0; l < 4; ++l) {
                        const std::int64_t fx = static_cast<std::int64_t>(4 * g) + l;
                        const std::int64_t x = q % width + fx - layer.padding;
                        if (q < pixels && fx < layer.kernelW && y >= 0 && y < height && x >= 0 && x < width)
                            setLane(masks.data() + ((v * kernelH + fy) * groups + g) * 16,
                                    static_cast<std::size_t>(4 * i + l), 4, 0xFF);
                    }
                }
    return masks;
}

/// A kernelH x kernelW filter's taps tap(k) (int8) as byte lanes: ceil(kernelW / 4) words per
/// kernel row, four columns each (zero past the kernel's width).
template <class Tap> std::vector<std::uint32_t> tapWords(std::size_t kernelH, std::size_t kernelW, Tap&& tap)
{
    const std::size_t groups = roundUp(kernelW, 4) / 4;
    std::vector<std::uint32_t> words(kernelH * groups, 0);
    for (std::size_t k = 0; k < kernelH * kernelW; ++k)
        setLane(words.data() + (k / kernelW) * groups, k % kernelW, 4, tap(k));
    return words;
}

/// Every filter's tapWords, one after another (`prepared` a depthwise conv with its taps).
std::vector<std::uint32_t> depthwiseTapWords(const PreparedLayer& prepared)
{
    const auto kernelH = static_cast<std::size_t>(prepared.layer->kernelH);
    const auto kernelW = static_cast<std::size_t>(prepared.layer->kernelW);
    std::vector<std::uint32_t> words;
    for (std::size_t n = 0; n < prepared.filters; ++n) {
        const std::int32_t* taps = prepared.taps.data() + n * prepared.depth;
        const auto filter = tapWords(kernelH, kernelW, [&](std::size_t k) { return taps[k]; });
        words.insert(words.end(), filter.begin(), filter.end());
    }
    return words;
}

/// Throws codeAt's error for the first code of `tensor` in `codes` that exceeds its bit width.
void checkCodes(const std::vector<std::uint8_t>& codes, const QuantizedTensor& tensor, const Layer& layer)
{
    const auto first = codes.begin() + static_cast<std::ptrdiff_t>(tensor.blobOffset);
    const auto last = first + static_cast<std::ptrdiff_t>(tensor.count);
    const auto wide = std::find_if(first, last, [&](std::uint8_t code) { return code > tensor.maxCode(); });
    if (wide != last)
        codeAt(codes, tensor, static_cast<std::size_t>(wide - first), layer);
}

/// One column of a linear layer's packed B (packedWord): `fanIn` codes minus `offset` as `Lanes`
/// lanes per word, word w at column[w * kGemmPanelCols] (the lanes past fanIn stay zero).
template <std::size_t Lanes>
void packColumn(const std::uint8_t* codes, std::size_t fanIn, std::int64_t offset, std::uint32_t* column)
{
    constexpr std::uint32_t kBits = 32 / Lanes;
    constexpr std::uint32_t kMask = (std::uint64_t(1) << kBits) - 1;
    for (std::size_t w = 0; w * Lanes < fanIn; ++w) {
        std::uint32_t word = 0;
        for (std::size_t l = 0; l < Lanes && w * Lanes + l < fanIn; ++l)
            word |= (static_cast<std::uint32_t>(std::int64_t{codes[w * Lanes + l]} - offset) & kMask)
                    << (l * kBits);
        column[w * kGemmPanelCols] = word;
    }
}

} // namespace

std::uint8_t codeAt(const std::vector<std::uint8_t>& codes, const QuantizedTensor& tensor, std::size_t index,
                    const Layer& layer)
{
    const std::uint8_t code = codes[tensor.blobOffset + index];
    if (code > tensor.maxCode())
        throw std::invalid_argument("layer '" + layer.name + "': code " + std::to_string(code) +
                                    " at blob index " + std::to_string(tensor.blobOffset + index) +
                                    " exceeds " + std::to_string(tensor.bits) + " bits");
    return code;
}

std::vector<std::int64_t> biasTerms(const Layer& layer, const std::vector<std::uint8_t>& codes)
{
    const QuantizedTensor& bias = *layer.bias;
    const Requant& requant = *layer.requant;
    std::vector<std::int64_t> terms;
    for (std::size_t n = 0; n < bias.count; ++n)
        terms.push_back(requant.mBias *
                            (std::int64_t{codeAt(codes, bias, n, layer)} - std::int64_t{bias.offset}) +
                        requant.b0);
    return terms;
}

PreparedLayer prepareLayer(const Layer& layer, const std::vector<std::uint8_t>& codes, KernelPath path)
{
    PreparedLayer prepared;
    prepared.layer = &layer;
    prepared.path = path;
    const std::size_t lanes = lanesPerWord(path);
    prepared.fanIn = static_cast<std::size_t>(layer.fanIn());
    prepared.filters = static_cast<std::size_t>(layer.outShape[0]);
    const QuantizedTensor& weight = *layer.weight;
    const auto decoded = [&](std::size_t n, std::size_t k) {
        return static_cast<std::int32_t>(codeAt(codes, weight, n * prepared.fanIn + k, layer)) -
               static_cast<std::int32_t>(weight.offset);
    };
    if (isDepthwise(layer)) {
        prepared.depth = static_cast<std::size_t>(layer.kernelH) * static_cast<std::size_t>(layer.kernelW);
        for (std::size_t n = 0; n < prepared.filters; ++n)
            for (std::size_t k = 0; k < prepared.depth; ++k)
                prepared.taps.push_back(decoded(n, k));
        if (usesSlidingWords(layer, path)) {
            prepared.words = depthwiseTapWords(prepared);
            prepared.windowMasks = windowMasks(layer);
        }
    } else if (layer.type == LayerType::Conv2d) {
        const ConvGeometry geometry(layer, lanes);
        const auto channels = static_cast<std::size_t>(layer.inShape[0]);
        prepared.depthWords = geometry.depthWords;
        prepared.depth = prepared.depthWords * lanes;
        prepared.words.assign((prepared.filters + 1) * prepared.depthWords, 0);
        std::uint32_t* ones = prepared.words.data() + prepared.filters * prepared.depthWords;
        std::size_t k = 0; // PyTorch's order: C, Fh, Fw
        for (std::size_t c = 0; c < channels; ++c)
            for (std::size_t fy = 0; fy < geometry.kernelH; ++fy)
                for (std::size_t fx = 0; fx < geometry.kernelW; ++fx, ++k) {
                    const std::size_t at = convDepthIndex(geometry, c, fy, fx);
                    for (std::size_t n = 0; n < prepared.filters; ++n)
                        setLane(prepared.words.data() + n * prepared.depthWords, at, lanes, decoded(n, k));
                    setLane(ones, at, lanes, 1);
                }
    } else {
        prepared.depth = roundUp(prepared.fanIn, lanes);
        prepared.depthWords = prepared.depth / lanes;
        prepared.cols = roundUp(prepared.filters, kGemmPanelCols);
        prepared.words.assign(prepared.cols * prepared.depthWords, 0);
        checkCodes(codes, weight, layer);
        for (std::size_t n = 0; n < prepared.filters; ++n) {
            const std::uint8_t* filter = codes.data() + weight.blobOffset + n * prepared.fanIn;
            std::uint32_t* column = prepared.words.data() + packedWord(n, 0, prepared.depthWords);
            if (lanes == 4)
                packColumn<4>(filter, prepared.fanIn, weight.offset, column);
            else
                packColumn<2>(filter, prepared.fanIn, weight.offset, column);
        }
        prepared.packedB = GemmBLayout::packed(prepared.cols / kGemmPanelCols, prepared.depthWords);
    }
    prepared.biasTerm = biasTerms(layer, codes);
    return prepared;
}

std::size_t convColumnsPerRow(const PreparedLayer& prepared)
{
    return ConvGeometry(*prepared.layer, lanesPerWord(prepared.path)).columnsPerRow();
}

std::size_t convColumns(const PreparedLayer& prepared)
{
    return ConvGeometry(*prepared.layer, lanesPerWord(prepared.path)).columns();
}

void convProducts(const PreparedLayer& prepared, const std::uint8_t* input, Workspace& work)
{
    const Layer& layer = *prepared.layer;
    const ConvGeometry geometry(layer, lanesPerWord(prepared.path));
    const std::size_t columns = geometry.columns();
    Workspace::ConvOperand& operand = work.convOperands[&layer];
    if (operand.planes.panelStarts.empty()) {
        operand.planes = planeLayout(geometry);
        if (geometry.stride != 1)
            operand.packed = GemmBLayout::packed(columns / kGemmPanelCols, geometry.depthWords);
    }
    padPlanes(layer, geometry, prepared.path, input, operand.padded, operand.paddedValues);
    GemmB b = operand.planes.over(operand.padded.data());
    if (geometry.stride != 1) {
        operand.patches.resize(columns * geometry.depthWords);
        fillPackedPatches(geometry, operand.planes, operand.padded.data(), operand.patches.data());
        b = operand.packed.over(operand.patches.data());
    }
    work.products.resize((prepared.filters + 1) * columns);
    gemm(prepared.path,
         GemmOperands{GemmA{prepared.words.data(), prepared.filters + 1, prepared.depthWords}, b,
                      prepared.depthWords, SignedOperand::A},
         work.products.data(), columns);
}

namespace {

/// out[i] = factor * values[i] in int64 for i < count (|factor| < 2^31: the loader keeps |m_sum| <
/// 2^28), a widening multiply the compiler vectorizes.
__attribute__((target_clones("avx2", "default"))) void
scaleWidened(const std::int32_t* values, std::size_t count, std::int64_t factor, std::int64_t* out)
{
    const auto narrow = static_cast<std::int32_t>(factor);
    for (std::size_t i = 0; i < count; ++i)
        out[i] = std::int64_t{narrow} * values[i];
}

/// work.sumTerms[column] = m_sum * Sq of each of the `columns` GEMM columns of conv2d `prepared`
/// (after convProducts: the GEMM's last row holds Sq).
void fillConvSumTerms(const PreparedLayer& prepared, std::size_t columns, Workspace& work)
{
    const std::int32_t* inputSums = work.products.data() + prepared.filters * columns; // the ones row
    work.sumTerms.resize(columns);
    scaleWidened(inputSums, columns, prepared.layer->requant->mSum, work.sumTerms.data());
}

} // namespace

void runConv(const PreparedLayer& prepared, const std::uint8_t* input, std::uint8_t* output, Workspace& work)
{
    const Layer& layer = *prepared.layer;
    const Requant& requant = *layer.requant;
    const ConvGeometry geometry(layer, lanesPerWord(prepared.path));
    const std::size_t columnsPerRow = geometry.columnsPerRow();
    const std::size_t columns = geometry.columns();
    const std::size_t filters = prepared.filters;
    convProducts(prepared, input, work);
    // m_sum Sq per column, none where m_sum is 0 (symmetric weights).
    const std::int64_t* addends = nullptr;
    if (requant.mSum != 0) {
        fillConvSumTerms(prepared, columns, work);
        addends = work.sumTerms.data();
    }
    // A flat conv's outputs are its columns in order: one row. Rows narrower than a vector step are
    // requantized whole (padding columns included, whose bytes are dropped), so every row takes
    // the vector path.
    const std::size_t rows = geometry.flat ? 1 : geometry.outHeight;
    const std::size_t count = geometry.flat ? geometry.outHeight * geometry.outWidth : geometry.outWidth;
    const bool narrow = count < kRequantStep && rows > 1;
    work.rowBytes.resize(columns);
    for (std::size_t n = 0; n < filters; ++n) {
        const RowRequant terms{requant.mAcc, prepared.biasTerm[n] + (std::int64_t(1) << (requant.shift - 1)),
                               requant.shift};
        std::uint8_t* plane = output + n * geometry.outHeight * geometry.outWidth;
        if (!narrow) {
            requantizeRowsToUint8(prepared.path, work.products.data() + n * columns, addends, columnsPerRow,
                                  rows, count, terms, plane);
            continue;
        }
        requantizeRowToUint8(prepared.path, work.products.data() + n * columns, addends, columns, terms,
                             work.rowBytes.data());
        copyRows(prepared.path, work.rowBytes.data(), columnsPerRow, plane, geometry.outWidth,
                 geometry.outHeight, geometry.outWidth);
    }
}

bool fusesWithMaxPool(const Layer& conv, const Layer& pool)
{
    return conv.type == LayerType::Conv2d && conv.groups == 1 && !conv.requant->int32Output &&
           pool.type == LayerType::MaxPool2d && pool.kernelH == 2 && pool.kernelW == 2 && pool.stride == 2 &&
           pool.padding == 0 && pool.inShape == conv.outShape;
}

void runConvMaxPool(const PreparedLayer& prepared, const Layer& pool, const std::uint8_t* input,
                    std::uint8_t* output, Workspace& work)
{
    const Layer& layer = *prepared.layer;
    const Requant& requant = *layer.requant;
    const ConvGeometry geometry(layer, lanesPerWord(prepared.path));
    const std::size_t columnsPerRow = geometry.columnsPerRow();
    const std::size_t columns = geometry.columns();
    const auto pooledHeight = static_cast<std::size_t>(pool.outShape[1]);
    const auto pooledWidth = static_cast<std::size_t>(pool.outShape[2]);
    convProducts(prepared, input, work);
    fillConvSumTerms(prepared, columns, work);
    for (std::size_t n = 0; n < prepared.filters; ++n) {
        const RowRequant terms{requant.mAcc, prepared.biasTerm[n] + (std::int64_t(1) << (requant.shift - 1)),
                               requant.shift};
        requantizeMaxPool2x2(prepared.path, work.products.data() + n * columns, work.sumTerms.data(),
                             columnsPerRow, pooledHeight, pooledWidth, terms,
                             output + n * pooledHeight * pooledWidth);
    }
}

bool isDepthwise(const Layer& layer)
{
    return layer.type == LayerType::Conv2d && layer.groups > 1 && layer.groups == layer.inShape[0];
}

#ifdef VOLTSIM_X86_SIMD
namespace {

/// words[i] = plane[i] .. plane[i + 3] (lowest bits first) for i < roundUp(count, 16): the sliding
/// words of a byte plane, 16 per AVX-512 step (`plane` holds roundUp(count, 16) + 3 bytes). The
/// zero-masked forms with every lane kept avoid GCC 12's warning about the plain ones (bug 105593).
VOLTSIM_TARGET_VNNI512 void slideBytes512(const std::uint8_t* plane, std::size_t count, std::uint32_t* words)
{
    constexpr __mmask16 kAll = 0xFFFF;
    for (std::size_t i = 0; i < count; i += 16) {
        __m512i word = _mm512_setzero_si512();
        for (int l = 0; l < 4; ++l) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(plane + i + l));
            word = _mm512_or_si512(
                word, _mm512_maskz_slli_epi32(kAll, _mm512_maskz_cvtepu8_epi32(kAll, bytes), 8 * l));
        }
        _mm512_storeu_si512(words + i, word);
    }
}

/// sums[16 v + i] = sum over kernel row fy and word g < groups of the four-byte dot product of
/// words[16 v + i + fy * pitch + 4 g] (uint8) masked by masks[((v kernelH + fy) groups + g) 16 + i]
/// and taps[fy * groups + g] (int8), for v < vectors: with a channel's sliding words (`words` at
/// its output pixel 0's tap (0, 0)), a depthwise conv's window sums, four kernel columns per
/// vpdpbusd (windowMasks). Four vectors at a time, so that their vpdpbusd chains overlap.
VOLTSIM_TARGET_VNNI512 void windowSums512(const std::uint32_t* words, std::size_t pitch, std::size_t vectors,
                                          const std::uint32_t* taps, const std::uint32_t* masks,
                                          std::size_t kernelH, std::size_t groups, std::int32_t* sums)
{
    constexpr std::size_t kChunk = 4;
    const std::size_t maskStride = kernelH * groups * 16; // from one vector's masks to the next
    for (std::size_t first = 0; first < vectors; first += kChunk) {
        const std::size_t count = std::min(kChunk, vectors - first);
        __m512i acc[kChunk] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                               _mm512_setzero_si512()};
        for (std::size_t fy = 0; fy < kernelH; ++fy)
            for (std::size_t g = 0; g < groups; ++g) {
                const __m512i tap = _mm512_set1_epi32(static_cast<int>(taps[fy * groups + g]));
                const std::uint32_t* row = words + 16 * first + fy * pitch + 4 * g;
                const std::uint32_t* mask = masks + first * maskStride + (fy * groups + g) * 16;
#pragma GCC unroll 4
                for (std::size_t k = 0; k < kChunk; ++k)
                    if (k < count)
                        acc[k] =
                            _mm512_dpbusd_epi32(acc[k],
                                                _mm512_and_si512(_mm512_loadu_si512(row + 16 * k),
                                                                 _mm512_loadu_si512(mask + k * maskStride)),
                                                tap);
            }
#pragma GCC unroll 4
        for (std::size_t k = 0; k < kChunk; ++k)
            if (k < count)
                _mm512_storeu_si512(sums + 16 * (first + k), acc[k]);
    }
}

} // namespace
#endif

namespace {

/// The window sums of a depthwise conv (isDepthwise), channel by channel: after setImage and
/// setChannel, sums() gives the window sums of any filter's taps at each output pixel,
/// sums[oy * pitch() + ox]. With sliding words (usesSlidingWords) the whole image's bytes are slid
/// once and the sums are the output plane's pixels in order (pitch() = outWidth), four kernel
/// columns per vpdpbusd; otherwise each channel is an int32 zero-bordered plane, one accumulateTap
/// per tap, the sums a WindowGeometry pitch apart.
class DepthwiseWindows {
  public:
    DepthwiseWindows(const PreparedLayer& prepared, const WindowGeometry& window, Workspace& work)
        : m_prepared(prepared), m_layer(*prepared.layer), m_window(window), m_work(work),
          m_kernelH(static_cast<std::size_t>(m_layer.kernelH)),
          m_kernelW(static_cast<std::size_t>(m_layer.kernelW)),
          m_height(static_cast<std::size_t>(m_layer.inShape[1])),
          m_width(static_cast<std::size_t>(m_layer.inShape[2])),
          m_pad(static_cast<std::size_t>(m_layer.padding)), m_words(usesSlidingWords(m_layer, prepared.path)),
          m_groups(roundUp(m_kernelW, 4) / 4), m_vectors(m_words ? windowVectors(m_layer) : 0)
    {
        if (m_words && m_layer.requant->mSum != 0) // Sq is needed only where m_sum is not 0
            m_ones = tapWords(m_kernelH, m_kernelW, [](std::size_t /*k*/) { return 1; });
    }

    /// Elements of a sums buffer.
    std::size_t sumsSize() const { return m_words ? 16 * m_vectors : m_window.span(); }
    /// Sums from one output row to the next.
    std::size_t pitch() const { return m_words ? m_window.outWidth : m_window.pitch(); }

    /// Sets the image (C x H x W).
    void setImage(const std::uint8_t* input)
    {
        m_input = input;
        if (!m_words)
            return;
        // Output pixel 0's tap (0, 0) lies `lead` bytes before its channel; the last channel's
        // last vector reads up to a kernel's height of rows and a word group past its plane.
        const std::size_t channels = static_cast<std::size_t>(m_layer.inShape[0]);
        const std::size_t lead = m_pad * m_width + m_pad;
        const std::size_t count = roundUp(
            lead + channels * m_height * m_width + 16 * m_vectors + m_kernelH * m_width + 4 * m_groups, 16);
        m_work.depthwisePlane.assign(count + 3, 0);
        std::copy_n(input, channels * m_height * m_width, m_work.depthwisePlane.data() + lead);
        m_work.depthwiseWords.resize(count);
#ifdef VOLTSIM_X86_SIMD
        slideBytes512(m_work.depthwisePlane.data(), count, m_work.depthwiseWords.data());
#endif
    }

    /// Sets the channel whose window sums sums() gives.
    void setChannel(std::size_t c)
    {
        if (m_words) {
            m_channelWords = m_work.depthwiseWords.data() + c * m_height * m_width; // at its `lead`
            return;
        }
        const std::size_t paddedWidth = m_window.paddedWidth;
        m_work.plane.assign((m_height + 2 * m_pad) * paddedWidth, 0);
        for (std::size_t y = 0; y < m_height; ++y)
            std::copy_n(m_input + (c * m_height + y) * m_width, m_width,
                        m_work.plane.data() + (y + m_pad) * paddedWidth + m_pad);
    }

    /// sums = the window sums of filter n's taps (n = kSq: all 1, giving Sq).
    void sums(std::size_t n, std::int32_t* sums)
    {
        if (m_words) {
#ifdef VOLTSIM_X86_SIMD
            windowSums512(m_channelWords, m_width, m_vectors,
                          n == kSq ? m_ones.data() : m_prepared.words.data() + n * m_kernelH * m_groups,
                          m_prepared.windowMasks.data(), m_kernelH, m_groups, sums);
#endif
            return;
        }
        std::fill_n(sums, m_window.span(), 0);
        const std::int32_t* weights = m_prepared.taps.data() + n * m_prepared.depth;
        for (std::size_t k = 0; k < m_kernelH * m_kernelW; ++k)
            accumulateTap(m_window,
                          m_work.plane.data() + (k / m_kernelW) * m_window.paddedWidth + k % m_kernelW,
                          n == kSq ? 1 : weights[k], sums);
    }

    static constexpr std::size_t kSq = ~std::size_t{0}; ///< sums() of Sq

  private:
    const PreparedLayer& m_prepared;
    const Layer& m_layer;
    WindowGeometry m_window;
    Workspace& m_work;
    std::size_t m_kernelH, m_kernelW, m_height, m_width, m_pad;
    bool m_words;                      ///< sliding words (usesSlidingWords)
    std::size_t m_groups;              ///< words per kernel row (m_words)
    std::size_t m_vectors;             ///< windowVectors (m_words)
    std::vector<std::uint32_t> m_ones; ///< tapWords of taps all 1 (m_words, m_sum not 0)
    const std::uint8_t* m_input = nullptr;
    const std::uint32_t* m_channelWords = nullptr; ///< the channel's output pixel 0's tap (0, 0) (m_words)
};

} // namespace

void runDepthwiseConv(const PreparedLayer& prepared, const std::uint8_t* input, std::uint8_t* output,
                      Workspace& work)
{
    const Layer& layer = *prepared.layer;
    const Requant& requant = *layer.requant;
    const auto channels = static_cast<std::size_t>(layer.inShape[0]);
    const WindowGeometry window{static_cast<std::size_t>(layer.outShape[1]),
                                static_cast<std::size_t>(layer.outShape[2]),
                                static_cast<std::size_t>(layer.stride),
                                static_cast<std::size_t>(layer.inShape[2] + 2 * std::int64_t{layer.padding})};
    const std::size_t multiplier = prepared.filters / channels;
    const std::size_t outPlane = window.outHeight * window.outWidth;
    DepthwiseWindows windows(prepared, window, work);
    // The sums of output row oy start at oy * pitch; a pitch of outWidth is the output plane.
    const std::size_t span = (window.outHeight - 1) * windows.pitch() + window.outWidth;
    const bool inPlace = windows.pitch() == window.outWidth;
    work.products.resize(windows.sumsSize());
    work.windowSums.resize(windows.sumsSize());
    work.sumTerms.resize(span);
    const std::int64_t* addends =
        requant.mSum != 0 ? work.sumTerms.data() : nullptr; // none: symmetric weights
    work.rowBytes.resize(span);
    windows.setImage(input);
    for (std::size_t c = 0; c < channels; ++c) {
        windows.setChannel(c);
        if (requant.mSum != 0) {
            windows.sums(DepthwiseWindows::kSq, work.windowSums.data()); // shared by the channel's filters
            for (std::size_t p = 0; p < span; ++p)
                work.sumTerms[p] = requant.mSum * work.windowSums[p];
        }
        for (std::size_t n = c * multiplier; n < (c + 1) * multiplier; ++n) {
            windows.sums(n, work.products.data());
            const RowRequant terms{
                requant.mAcc, prepared.biasTerm[n] + (std::int64_t(1) << (requant.shift - 1)), requant.shift};
            std::uint8_t* plane = output + n * outPlane;
            requantizeRowToUint8(prepared.path, work.products.data(), addends, span, terms,
                                 inPlace ? plane : work.rowBytes.data());
            if (!inPlace)
                copyRows(prepared.path, work.rowBytes.data(), windows.pitch(), plane, window.outWidth,
                         window.outHeight, window.outWidth);
        }
    }
}

void linearProducts(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count,
                    Workspace& work)
{
    const std::size_t fanIn = prepared.fanIn;
    const std::size_t depthWords = prepared.depthWords;
    const std::size_t lanes = lanesPerWord(prepared.path);
    work.patches.assign(count * depthWords, 0);
    for (std::size_t image = 0; image < count; ++image)
        packWords(input + image * fanIn, fanIn, lanes, work.patches.data() + image * depthWords);
    multiply(prepared, work.patches.data(), count, work);
    work.inputSums.resize(count);
    rowSums(input, count, fanIn, work.inputSums.data());
}

void runLinear(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count,
               std::uint8_t* activations, std::int32_t* logits, Workspace& work)
{
    linearProducts(prepared, input, count, work);
    if (!prepared.layer->requant->int32Output) {
        requantizeToUint8(prepared, work.products.data(), work.inputSums.data(), count, activations);
        return;
    }
    const Requant requant = *prepared.layer->requant;
    for (std::size_t image = 0; image < count; ++image) {
        const std::int32_t* sums = work.products.data() + image * prepared.cols;
        for (std::size_t n = 0; n < prepared.filters; ++n)
            logits[image * prepared.filters + n] = static_cast<std::int32_t>(
                std::clamp(requantize(requant, sums[n], work.inputSums[image], prepared.biasTerm[n]),
                           kInt32Min, kInt32Max));
    }
}

void runMaxPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* output)
{
    if (layer.kernelH == 2 && layer.kernelW == 2 && layer.stride == 2 && layer.padding == 0) {
#ifdef VOLTSIM_X86_SIMD
        if (activeKernelPath() == KernelPath::Vnni512) {
            maxPool2x2Vnni512(layer, input, output);
            return;
        }
#endif
        maxPool2x2(layer, input, output);
    } else
        maxPool(layer, input, output);
}

void runAvgPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* output)
{
    const auto planes = static_cast<std::size_t>(layer.inShape[0]);
    const auto height = static_cast<std::size_t>(layer.inShape[1]);
    const auto width = static_cast<std::size_t>(layer.inShape[2]);
    const bool global = layer.type == LayerType::GlobalAvgPool;
    const std::size_t kernelH = global ? height : static_cast<std::size_t>(layer.kernelH);
    const std::size_t kernelW = global ? width : static_cast<std::size_t>(layer.kernelW);
    const std::size_t stride = global ? 1 : static_cast<std::size_t>(layer.stride);
    const auto outHeight = static_cast<std::size_t>(layer.outShape[1]);
    const auto outWidth = static_cast<std::size_t>(layer.outShape[2]);
    const std::uint64_t n = kernelH * kernelW;
    for (std::size_t c = 0; c < planes; ++c) {
        const std::uint8_t* plane = input + c * height * width;
        for (std::size_t oy = 0; oy < outHeight; ++oy)
            for (std::size_t ox = 0; ox < outWidth; ++ox) {
                std::uint64_t sum = 0;
                for (std::size_t fy = 0; fy < kernelH; ++fy)
                    for (std::size_t fx = 0; fx < kernelW; ++fx)
                        sum += plane[(oy * stride + fy) * width + ox * stride + fx];
                output[(c * outHeight + oy) * outWidth + ox] =
                    static_cast<std::uint8_t>((2 * sum + n) / (2 * n));
            }
    }
}

void runAdd(const Layer& layer, const std::uint8_t* a, const std::uint8_t* b, std::size_t size,
            std::uint8_t* output, Workspace& work)
{
    const MergeRequant& merge = *layer.merge;
    mergeToUint8(a, merge.multipliers[0], b, merge.multipliers[1], merge.b0, size, merge.shift, output, work);
}

void runConcat(const Layer& layer, const std::vector<const std::uint8_t*>& inputs,
               const std::vector<std::size_t>& sizes, std::uint8_t* output, Workspace& work)
{
    const MergeRequant& merge = *layer.merge;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        mergeToUint8(inputs[i], merge.multipliers[i], inputs[i], 0, 0, sizes[i], merge.shift, output, work);
        output += sizes[i];
    }
}

std::vector<Layer> convGroups(const Layer& layer)
{
    const auto groups = static_cast<std::size_t>(layer.groups);
    if (groups == 1)
        return {layer};
    std::vector<Layer> parts;
    const auto filters = static_cast<std::size_t>(layer.outShape[0]) / groups;
    const auto fanIn = static_cast<std::size_t>(layer.fanIn());
    for (std::size_t g = 0; g < groups; ++g) {
        Layer part = layer;
        part.groups = 1;
        part.inShape[0] /= layer.groups;
        part.outShape[0] /= layer.groups;
        part.inputs.clear();
        part.weight->shape[0] = static_cast<std::int64_t>(filters);
        part.weight->blobOffset += g * filters * fanIn;
        part.weight->count = filters * fanIn;
        part.bias->shape = {static_cast<std::int64_t>(filters)};
        part.bias->blobOffset += g * filters;
        part.bias->count = filters;
        parts.push_back(std::move(part));
    }
    return parts;
}

} // namespace voltsim::workloads::detail
