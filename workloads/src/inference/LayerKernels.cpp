#include "LayerKernels.hpp"

#include "Int16Gemm.hpp"

#include <algorithm>
#include <stdexcept>

namespace voltsim::workloads::detail {
namespace {

constexpr std::int64_t kInt32Min = -2147483648LL;
constexpr std::int64_t kInt32Max = 2147483647LL;

std::uint8_t codeAt(const std::vector<std::uint8_t>& codes, const QuantizedTensor& tensor, std::size_t index,
                    const Layer& layer)
{
    const std::uint8_t code = codes[tensor.blobOffset + index];
    if (code > tensor.maxCode())
        throw std::invalid_argument("layer '" + layer.name + "': code " + std::to_string(code) + " at blob index "
                                    + std::to_string(tensor.blobOffset + index) + " exceeds "
                                    + std::to_string(tensor.bits) + " bits");
    return code;
}

/// Copies one image into a zero-bordered buffer (C x (H + 2p) x (W + 2p)) so im2col needs no bounds checks.
void padImage(const Layer& layer, const std::uint8_t* input, std::vector<std::uint8_t>& padded)
{
    const std::size_t channels = static_cast<std::size_t>(layer.inShape[0]);
    const std::size_t height = static_cast<std::size_t>(layer.inShape[1]);
    const std::size_t width = static_cast<std::size_t>(layer.inShape[2]);
    const std::size_t pad = static_cast<std::size_t>(layer.padding);
    const std::size_t paddedWidth = width + 2 * pad;
    const std::size_t paddedHeight = height + 2 * pad;
    padded.assign(channels * paddedHeight * paddedWidth, 0);
    for (std::size_t c = 0; c < channels; ++c)
        for (std::size_t y = 0; y < height; ++y)
            std::copy_n(input + (c * height + y) * width, width,
                        padded.data() + (c * paddedHeight + y + pad) * paddedWidth + pad);
}

/// im2col: one row of `depth` int16 per output pixel, the receptive field in C, Fh, Fw order.
/// Writes only the first K entries of each row (the caller keeps the tail zero). `KernelW` is the
/// kernel width when known at compile time (unrolled copy), 0 for any width.
template <std::size_t KernelW>
void fillPatches(const Layer& layer, const std::uint8_t* padded, std::int16_t* patches, std::size_t depth)
{
    const std::size_t channels = static_cast<std::size_t>(layer.inShape[0]);
    const std::size_t paddedHeight = static_cast<std::size_t>(layer.inShape[1] + 2 * layer.padding);
    const std::size_t paddedWidth = static_cast<std::size_t>(layer.inShape[2] + 2 * layer.padding);
    const std::size_t outHeight = static_cast<std::size_t>(layer.outShape[1]);
    const std::size_t outWidth = static_cast<std::size_t>(layer.outShape[2]);
    const std::size_t kernelH = static_cast<std::size_t>(layer.kernelH);
    const std::size_t kernelW = KernelW != 0 ? KernelW : static_cast<std::size_t>(layer.kernelW);
    const std::size_t stride = static_cast<std::size_t>(layer.stride);
    for (std::size_t oy = 0; oy < outHeight; ++oy)
        for (std::size_t ox = 0; ox < outWidth; ++ox) {
            std::int16_t* out = patches + (oy * outWidth + ox) * depth;
            for (std::size_t c = 0; c < channels; ++c)
                for (std::size_t fy = 0; fy < kernelH; ++fy) {
                    const std::uint8_t* row = padded + (c * paddedHeight + oy * stride + fy) * paddedWidth + ox * stride;
                    for (std::size_t fx = 0; fx < kernelW; ++fx)
                        out[fx] = row[fx];
                    out += kernelW;
                }
        }
}

/// Requantizes GEMM results (`products`: `count` rows of `stride` sums, Sq in column `filters`)
/// to uint8 at output[n * outStride + row * rowStep].
void requantizeToUint8(const PreparedLayer& prepared, const std::int32_t* products, std::size_t count,
                       std::size_t outStride, std::size_t rowStep, std::uint8_t* output)
{
    const Requant requant = *prepared.layer->requant;
    const std::size_t filters = prepared.filters;
    const std::size_t stride = prepared.rows;
    const std::int64_t* biasTerm = prepared.biasTerm.data();
    for (std::size_t row = 0; row < count; ++row) {
        const std::int32_t* sums = products + row * stride;
        const std::int64_t sumInputs = sums[filters];
        for (std::size_t n = 0; n < filters; ++n)
            output[n * outStride + row * rowStep] = static_cast<std::uint8_t>(
                std::clamp<std::int64_t>(requantize(requant, sums[n], sumInputs, biasTerm[n]), 0, 255));
    }
}

/// Max-pool of one image; `Kernel`/`Stride` are compile-time values when nonzero (the common 2x2/2).
template <std::size_t Kernel, std::size_t Stride>
void maxPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* __restrict output)
{
    const auto planes = static_cast<std::size_t>(layer.inShape[0]);
    const auto height = static_cast<std::size_t>(layer.inShape[1]);
    const auto width = static_cast<std::size_t>(layer.inShape[2]);
    const auto outHeight = static_cast<std::size_t>(layer.outShape[1]);
    const auto outWidth = static_cast<std::size_t>(layer.outShape[2]);
    const std::size_t kernelH = Kernel != 0 ? Kernel : static_cast<std::size_t>(layer.kernelH);
    const std::size_t kernelW = Kernel != 0 ? Kernel : static_cast<std::size_t>(layer.kernelW);
    const std::size_t stride = Stride != 0 ? Stride : static_cast<std::size_t>(layer.stride);
    for (std::size_t c = 0; c < planes; ++c) {
        const std::uint8_t* plane = input + c * height * width;
        for (std::size_t oy = 0; oy < outHeight; ++oy) {
            std::uint8_t* out = output + (c * outHeight + oy) * outWidth;
            for (std::size_t ox = 0; ox < outWidth; ++ox) {
                std::uint8_t best = 0;
                for (std::size_t fy = 0; fy < kernelH; ++fy)
                    for (std::size_t fx = 0; fx < kernelW; ++fx)
                        best = std::max(best, plane[(oy * stride + fy) * width + ox * stride + fx]);
                out[ox] = best;
            }
        }
    }
}

} // namespace

PreparedLayer prepareLayer(const Layer& layer, const std::vector<std::uint8_t>& codes)
{
    PreparedLayer prepared;
    prepared.layer = &layer;
    prepared.fanIn = static_cast<std::size_t>(layer.fanIn());
    prepared.depth = roundUp(prepared.fanIn, kGemmDepthBlock);
    prepared.filters = static_cast<std::size_t>(layer.outShape[0]);
    prepared.rows = roundUp(prepared.filters + 1, kGemmColBlock);
    prepared.weights.assign(prepared.rows * prepared.depth, 0);
    const QuantizedTensor& weight = *layer.weight;
    for (std::size_t n = 0; n < prepared.filters; ++n)
        for (std::size_t k = 0; k < prepared.fanIn; ++k)
            prepared.weights[n * prepared.depth + k] =
                static_cast<std::int16_t>(codeAt(codes, weight, n * prepared.fanIn + k, layer) - weight.offset);
    std::fill_n(prepared.weights.begin() + prepared.filters * prepared.depth, prepared.fanIn, std::int16_t(1));
    const QuantizedTensor& bias = *layer.bias;
    const Requant& requant = *layer.requant;
    for (std::size_t n = 0; n < prepared.filters; ++n)
        prepared.biasTerm.push_back(requant.mBias * (codeAt(codes, bias, n, layer) - bias.offset) + requant.b0);
    return prepared;
}

void runConv(const PreparedLayer& prepared, const std::uint8_t* input, std::uint8_t* output, Workspace& work)
{
    const Layer& layer = *prepared.layer;
    const auto pixels = static_cast<std::size_t>(layer.outShape[1] * layer.outShape[2]);
    const std::size_t rows = roundUp(pixels, kGemmRowBlock);
    padImage(layer, input, work.padded);
    std::vector<std::int16_t>& patches = work.convPatches[&layer];
    if (patches.empty())
        patches.assign(rows * prepared.depth, 0); // padding entries stay zero across images
    if (layer.kernelW == 3)
        fillPatches<3>(layer, work.padded.data(), patches.data(), prepared.depth);
    else
        fillPatches<0>(layer, work.padded.data(), patches.data(), prepared.depth);
    work.products.resize(rows * prepared.rows);
    gemmInt16(patches.data(), rows, prepared.weights.data(), prepared.rows, prepared.depth, work.products.data());
    requantizeToUint8(prepared, work.products.data(), pixels, pixels, 1, output);
}

void runLinear(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count, std::uint8_t* activations,
               std::int32_t* logits, Workspace& work)
{
    const std::size_t rows = roundUp(count, kGemmRowBlock);
    const std::size_t fanIn = prepared.fanIn;
    const std::size_t depth = prepared.depth;
    work.patches.assign(rows * depth, 0);
    for (std::size_t image = 0; image < count; ++image)
        std::copy_n(input + image * fanIn, fanIn, work.patches.data() + image * depth);
    work.products.resize(rows * prepared.rows);
    gemmInt16(work.patches.data(), rows, prepared.weights.data(), prepared.rows, depth, work.products.data());
    if (!prepared.layer->requant->int32Output) {
        requantizeToUint8(prepared, work.products.data(), count, 1, prepared.filters, activations);
        return;
    }
    const Requant requant = *prepared.layer->requant;
    for (std::size_t image = 0; image < count; ++image) {
        const std::int32_t* sums = work.products.data() + image * prepared.rows;
        for (std::size_t n = 0; n < prepared.filters; ++n)
            logits[image * prepared.filters + n] = static_cast<std::int32_t>(
                std::clamp(requantize(requant, sums[n], sums[prepared.filters], prepared.biasTerm[n]), kInt32Min, kInt32Max));
    }
}

void runMaxPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* output)
{
    if (layer.kernelH == 2 && layer.kernelW == 2 && layer.stride == 2)
        maxPool<2, 2>(layer, input, output);
    else
        maxPool<0, 0>(layer, input, output);
}

} // namespace voltsim::workloads::detail
