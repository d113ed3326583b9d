#pragma once
// The per-layer steps of the integer reference (docs/datapath.md): weights prepared for the GEMM,
// im2col, requantization and max-pooling. Internal to voltsim_workloads.
#include "Gemm.hpp"
#include "voltsim/workloads/inference/KernelPath.hpp"
#include "voltsim/workloads/model/Network.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <new>
#include <vector>

namespace voltsim::workloads::detail {

/// A conv2d/linear layer's weights decoded from one set of codes (v - z, signed), laid out for its GEMM
/// on `path` (Gemm.hpp: words of lanesPerWord(path) depth values):
/// - depthwise conv2d (isDepthwise): no GEMM; filter n's kH x kW taps at taps[n * depth], depth = kH kW.
/// - conv2d: the GEMM's A operand, filters + 1 rows of depthWords words (row n: filter n; row N:
///   ones at the K real inputs, so the GEMM's row N is Sq per output pixel); B is the input's word
///   planes (read in place at stride 1, as im2col patches otherwise). The depth runs over words of
///   consecutive channels (c, c + 1, ..) at each kernel position (zero channels complete the last
///   word) or, for inputs of one or two channels, of consecutive kernel columns of one channel and
///   kernel row (LayerKernels.cpp, ConvPacking).
/// - linear: the GEMM's packed B operand (packedWord layout of Gemm.hpp, `cols` columns);
///   the input vectors are A.
/// Padding (depth beyond K, columns beyond N) is zero.
struct PreparedLayer {
    const Layer* layer = nullptr;           ///< not owned
    KernelPath path = KernelPath::Portable; ///< the kernels `words` is laid out for
    std::size_t fanIn = 0;                  ///< K
    std::size_t depth = 0;                  ///< depthwise: kH kW; otherwise depthWords * lanesPerWord(path)
    std::size_t depthWords = 0;             ///< GEMM depth in words
    std::size_t filters = 0;                ///< N
    std::size_t cols = 0;                   ///< linear: N rounded up to whole GEMM panels
    std::vector<std::uint32_t> words;       ///< the GEMM operand (conv2d, linear); a depthwise conv2d on
                                            ///< sliding words: its taps as int8 lanes (LayerKernels.cpp)
    std::vector<std::int32_t> taps;         ///< depthwise conv2d's taps
    std::vector<std::uint32_t> windowMasks; ///< a depthwise conv2d on sliding words: its tap masks
    std::vector<std::int64_t> biasTerm;     ///< m_bias * (vb - zb) + b0 per filter
    GemmBLayout packedB;                    ///< linear: the layout of `words` (packed)
};

/// Code `index` of `tensor` (a tensor of `layer`) in `codes` (the whole blob).
/// @throws std::invalid_argument if it exceeds the tensor's bit width.
std::uint8_t codeAt(const std::vector<std::uint8_t>& codes, const QuantizedTensor& tensor, std::size_t index,
                    const Layer& layer);

/// m_bias * (vb - zb) + b0 per filter of `layer` for `codes` (docs/datapath.md, "One layer").
/// @throws std::invalid_argument if a bias code exceeds its tensor's bit width.
std::vector<std::int64_t> biasTerms(const Layer& layer, const std::vector<std::uint8_t>& codes);

/// Decodes `layer`'s weight and bias codes from `codes` (the whole blob) for the kernels of `path`.
/// @throws std::invalid_argument if a code exceeds its tensor's bit width.
PreparedLayer prepareLayer(const Layer& layer, const std::vector<std::uint8_t>& codes, KernelPath path);

/// An allocator of cache-line-aligned storage: a GEMM's rows of 16 int32 (one zmm) then each sit
/// in one 64-byte line instead of straddling two.
template <class T> struct CacheLineAllocator {
    using value_type = T;
    static constexpr std::align_val_t kAlignment{64};
    CacheLineAllocator() = default;
    template <class U> explicit CacheLineAllocator(const CacheLineAllocator<U>& /*other*/) {}
    T* allocate(std::size_t count) { return static_cast<T*>(::operator new(count * sizeof(T), kAlignment)); }
    void deallocate(T* pointer, std::size_t /*count*/) { ::operator delete(pointer, kAlignment); }
    template <class U> bool operator==(const CacheLineAllocator<U>& /*other*/) const { return true; }
    template <class U> bool operator!=(const CacheLineAllocator<U>& /*other*/) const { return false; }
};

/// Scratch buffers of one worker thread, reused across batches.
struct Workspace {
    std::vector<std::uint32_t> patches; ///< GEMM A operand of a linear layer
    /// Per conv layer: its input's zero-bordered word planes (borders zeroed once), where its GEMM's
    /// B lies in them (read in place at stride 1) and, at stride > 1, the packed im2col patches and
    /// their layout.
    struct ConvOperand {
        std::vector<std::uint32_t> padded;       ///< one image's input in GEMM words
        std::vector<std::uint32_t> paddedValues; ///< its values before the sliding words (Columns packing)
        GemmBLayout planes;
        GemmBLayout packed;
        std::vector<std::uint32_t> patches;
    };
    std::map<const Layer*, ConvOperand> convOperands;
    std::vector<std::int32_t, CacheLineAllocator<std::int32_t>> products; ///< GEMM result
    std::vector<std::int32_t> inputSums;                                  ///< Sq per image of a linear layer
    std::vector<std::int64_t, CacheLineAllocator<std::int64_t>>
        sumTerms;                    ///< m_sum * Sq per GEMM column of a conv layer (or per add value)
    std::vector<std::int32_t> plane; ///< one zero-bordered input channel of a depthwise conv
    std::vector<std::uint8_t> depthwisePlane;  ///< a depthwise conv's input image, zero-bordered (vnni512)
    std::vector<std::uint32_t> depthwiseWords; ///< its sliding words
    std::vector<std::int32_t> windowSums;      ///< Sq per output pixel of a depthwise conv
    std::vector<std::int32_t> widened;         ///< an add's or concat's first input as int32
    std::vector<std::uint8_t> rowBytes;        ///< requantized GEMM columns of one conv filter
};

/// True for a conv2d whose groups each read one input channel (depthwise, any channel multiplier
/// N / C): runDepthwiseConv computes it directly instead of one tiny GEMM per group.
bool isDepthwise(const Layer& layer);

/// The GEMM of conv2d `prepared` (not depthwise) on one image `input` (C x H x W): fills
/// work.products with filters + 1 rows of convColumns(prepared) int32, row n < N the
/// sums sum_k (v_nk - z) q_k of filter n, row N the sums of inputs Sq; output pixel (oy, ox) is
/// column oy * convColumnsPerRow + ox (the columns past Wo in a row are padding).
void convProducts(const PreparedLayer& prepared, const std::uint8_t* input, Workspace& work);

/// GEMM columns from one output row to the next of conv2d `prepared`: Wo rounded up to whole GEMM
/// panels, or Wo where the columns are the output pixels in order (a pointwise conv whose rows do
/// not fill whole panels).
std::size_t convColumnsPerRow(const PreparedLayer& prepared);

/// GEMM columns in all of conv2d `prepared` (the row length of work.products after convProducts).
std::size_t convColumns(const PreparedLayer& prepared);

/// Runs conv2d `prepared` on one image `input` (C x H x W) and writes `output` (N x Ho x Wo uint8).
void runConv(const PreparedLayer& prepared, const std::uint8_t* input, std::uint8_t* output, Workspace& work);

/// True if max-pool `pool` reading conv2d `conv` (one group, uint8 output) is a 2x2 stride-2 pool
/// without padding, which runConvMaxPool computes with the conv.
bool fusesWithMaxPool(const Layer& conv, const Layer& pool);

/// runConv then runMaxPool(pool) on one image, bit for bit (fusesWithMaxPool(conv, pool)): each
/// pooled value is requantized once from the largest T of its window (Requantize.hpp), without the
/// conv's output in between.
void runConvMaxPool(const PreparedLayer& prepared, const Layer& pool, const std::uint8_t* input,
                    std::uint8_t* output, Workspace& work);

/// Runs depthwise conv2d `prepared` (isDepthwise) on one image, as runConv does a plain one.
void runDepthwiseConv(const PreparedLayer& prepared, const std::uint8_t* input, std::uint8_t* output,
                      Workspace& work);

/// The GEMM of linear `prepared` on `count` input vectors: fills work.products (count rows of
/// prepared.cols int32, row i's first N the sums sum_k (v_nk - z) q_k of image i) and
/// work.inputSums (Sq per image).
void linearProducts(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count,
                    Workspace& work);

/// Runs linear `prepared` on `count` input vectors (image after image in `input`). Hidden layers
/// write uint8 to `activations`; the last layer writes int32 logits to `logits` (count x N).
void runLinear(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count,
               std::uint8_t* activations, std::int32_t* logits, Workspace& work);

/// Max-pool of one image: `input` C x H x W to `output` C x Ho x Wo (padded positions ignored).
void runMaxPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* output);

/// avgpool2d or global_avgpool of one image: each window's sum S over n values becomes
/// floor((2 S + n) / (2 n)).
void runAvgPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* output);

/// add of one image's two inputs (`size` values each): clamp((m_a a + m_b b + 2^(shift-1)) >> shift, 0, 255).
void runAdd(const Layer& layer, const std::uint8_t* a, const std::uint8_t* b, std::size_t size,
            std::uint8_t* output, Workspace& work);

/// concat of one image's inputs (inputs[i] holds sizes[i] values) along channels, each rescaled by
/// clamp((m_i q + 2^(shift-1)) >> shift, 0, 255).
void runConcat(const Layer& layer, const std::vector<const std::uint8_t*>& inputs,
               const std::vector<std::size_t>& sizes, std::uint8_t* output, Workspace& work);

/// The per-group layers of a grouped conv2d: group g reads input channels g C/G .. and writes
/// output channels g N/G .. (both contiguous blocks of an image), with its slice of the weight and
/// bias tensors; a conv2d with one group is itself. The result refers to nothing in `layer`.
std::vector<Layer> convGroups(const Layer& layer);

// C++17 leaves >> of a negative value implementation-defined; GCC and Clang shift arithmetically
// (floor), which C++20 makes standard. Refuse to build where that does not hold.
static_assert((-5 >> 1) == -3, "voltsim needs an arithmetic right shift of negative integers");

/// floor(x / 2^shift) for any sign.
inline std::int64_t floorShift(std::int64_t x, int shift)
{
    return x >> shift;
}

/// (T + 2^(shift-1)) >> shift with T = m_acc * centered + m_sum * sumInputs + biasTerm.
inline std::int64_t requantize(const Requant& requant, std::int64_t centered, std::int64_t sumInputs,
                               std::int64_t biasTerm)
{
    const std::int64_t t = requant.mAcc * centered + requant.mSum * sumInputs + biasTerm;
    return floorShift(t + (std::int64_t(1) << (requant.shift - 1)), requant.shift);
}

} // namespace voltsim::workloads::detail
