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

/// One conv2d patch row: the receptive field of output pixel (oy, ox) in C, Fh, Fw order, zeros
/// outside the image and after K.
void fillPatch(const Layer& layer, const std::uint8_t* input, std::int64_t oy, std::int64_t ox, std::int16_t* patch,
               std::size_t depth)
{
    const std::int64_t channels = layer.inShape[0];
    const std::int64_t height = layer.inShape[1];
    const std::int64_t width = layer.inShape[2];
    const std::int64_t top = oy * layer.stride - layer.padding;
    const std::int64_t left = ox * layer.stride - layer.padding;
    std::int16_t* out = patch;
    for (std::int64_t c = 0; c < channels; ++c) {
        const std::uint8_t* plane = input + c * height * width;
        for (std::int64_t fy = 0; fy < layer.kernelH; ++fy) {
            const std::int64_t iy = top + fy;
            const bool rowInside = iy >= 0 && iy < height;
            for (std::int64_t fx = 0; fx < layer.kernelW; ++fx) {
                const std::int64_t ix = left + fx;
                *out++ = rowInside && ix >= 0 && ix < width ? plane[iy * width + ix] : 0;
            }
        }
    }
    std::fill(out, patch + depth, std::int16_t(0));
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
    const std::int64_t outHeight = layer.outShape[1];
    const std::int64_t outWidth = layer.outShape[2];
    const std::size_t pixels = static_cast<std::size_t>(outHeight * outWidth);
    const std::size_t rows = roundUp(pixels, kGemmRowBlock);
    work.patches.assign(rows * prepared.depth, 0);
    for (std::int64_t oy = 0; oy < outHeight; ++oy)
        for (std::int64_t ox = 0; ox < outWidth; ++ox)
            fillPatch(layer, input, oy, ox, work.patches.data() + (oy * outWidth + ox) * prepared.depth, prepared.depth);
    work.products.resize(rows * prepared.rows);
    gemmInt16(work.patches.data(), rows, prepared.weights.data(), prepared.rows, prepared.depth, work.products.data());
    const Requant& requant = *layer.requant;
    for (std::size_t pixel = 0; pixel < pixels; ++pixel) {
        const std::int32_t* sums = work.products.data() + pixel * prepared.rows;
        const std::int64_t sumInputs = sums[prepared.filters];
        for (std::size_t n = 0; n < prepared.filters; ++n)
            output[n * pixels + pixel] = static_cast<std::uint8_t>(
                std::clamp<std::int64_t>(requantize(requant, sums[n], sumInputs, prepared.biasTerm[n]), 0, 255));
    }
}

void runLinear(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count, std::uint8_t* activations,
               std::int32_t* logits, Workspace& work)
{
    const std::size_t rows = roundUp(count, kGemmRowBlock);
    work.patches.assign(rows * prepared.depth, 0);
    for (std::size_t image = 0; image < count; ++image)
        std::copy_n(input + image * prepared.fanIn, prepared.fanIn, work.patches.data() + image * prepared.depth);
    work.products.resize(rows * prepared.rows);
    gemmInt16(work.patches.data(), rows, prepared.weights.data(), prepared.rows, prepared.depth, work.products.data());
    const Requant& requant = *prepared.layer->requant;
    for (std::size_t image = 0; image < count; ++image) {
        const std::int32_t* sums = work.products.data() + image * prepared.rows;
        const std::int64_t sumInputs = sums[prepared.filters];
        for (std::size_t n = 0; n < prepared.filters; ++n) {
            const std::int64_t value = requantize(requant, sums[n], sumInputs, prepared.biasTerm[n]);
            if (requant.int32Output)
                logits[image * prepared.filters + n] = static_cast<std::int32_t>(std::clamp(value, kInt32Min, kInt32Max));
            else
                activations[image * prepared.filters + n] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(value, 0, 255));
        }
    }
}

void runMaxPool(const Layer& layer, const std::uint8_t* input, std::uint8_t* output)
{
    const std::int64_t height = layer.inShape[1];
    const std::int64_t width = layer.inShape[2];
    const std::int64_t outHeight = layer.outShape[1];
    const std::int64_t outWidth = layer.outShape[2];
    for (std::int64_t c = 0; c < layer.inShape[0]; ++c) {
        const std::uint8_t* plane = input + c * height * width;
        for (std::int64_t oy = 0; oy < outHeight; ++oy)
            for (std::int64_t ox = 0; ox < outWidth; ++ox) {
                std::uint8_t best = 0;
                for (std::int64_t fy = 0; fy < layer.kernelH; ++fy)
                    for (std::int64_t fx = 0; fx < layer.kernelW; ++fx)
                        best = std::max(best, plane[(oy * layer.stride + fy) * width + ox * layer.stride + fx]);
                *output++ = best;
            }
    }
}

} // namespace voltsim::workloads::detail
