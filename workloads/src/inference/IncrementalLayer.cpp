#include "IncrementalLayer.hpp"

#include "Requantize.hpp"

#include <algorithm>

namespace voltsim::workloads::detail {
namespace {

constexpr std::int64_t kInt32Min = -2147483648LL;
constexpr std::int64_t kInt32Max = 2147483647LL;

/// The output pixels [begin, end) along one axis whose input position o * stride + tap - padding
/// lies inside 0 .. size - 1.
struct ValidRange {
    std::size_t begin = 0, end = 0;
};

ValidRange validOutputs(std::int64_t size, std::int64_t outSize, std::int64_t stride, std::int64_t tap,
                        std::int64_t padding)
{
    const std::int64_t low = padding > tap ? (padding - tap + stride - 1) / stride : 0;
    const std::int64_t last = size - 1 + padding - tap; // the largest o * stride allowed
    const std::int64_t high = last < 0 ? 0 : std::min(outSize, last / stride + 1);
    return {static_cast<std::size_t>(low), static_cast<std::size_t>(std::max(low, high))};
}

/// out[i] += delta * row[i] for i < count (a loop the compiler vectorizes, chosen at run time).
__attribute__((target_clones("avx2", "default"))) void
addScaledRow(const std::uint8_t* row, std::size_t count, std::int32_t delta, std::int32_t* __restrict out)
{
    for (std::size_t i = 0; i < count; ++i)
        out[i] += delta * row[i];
}

/// sums[p] += delta * q at every output pixel p of a conv2d whose receptive field holds input
/// position `input` (channel, kernel row and column of the flipped weight): exact in int32, as the
/// datapath's accumulator bound covers every code.
void addConvFlip(const Layer& layer, const WeightFlip& flip, const std::uint8_t* image, std::int32_t* sums)
{
    const std::int64_t kernelH = layer.kernelH, kernelW = layer.kernelW;
    const std::int64_t height = layer.inShape[1], width = layer.inShape[2];
    const std::int64_t outHeight = layer.outShape[1], outWidth = layer.outShape[2];
    const std::int64_t stride = layer.stride, padding = layer.padding;
    const std::int64_t channel = flip.input / (kernelH * kernelW);
    const std::int64_t fy = (flip.input / kernelW) % kernelH;
    const std::int64_t fx = flip.input % kernelW;
    const ValidRange rows = validOutputs(height, outHeight, stride, fy, padding);
    const ValidRange cols = validOutputs(width, outWidth, stride, fx, padding);
    for (std::size_t oy = rows.begin; oy < rows.end; ++oy) {
        const std::int64_t iy = static_cast<std::int64_t>(oy) * stride + fy - padding;
        const std::uint8_t* row = image + (channel * height + iy) * width + fx - padding;
        std::int32_t* out = sums + static_cast<std::int64_t>(oy) * outWidth;
        if (stride == 1)
            addScaledRow(row + cols.begin, cols.end - cols.begin, flip.delta, out + cols.begin);
        else
            for (std::size_t ox = cols.begin; ox < cols.end; ++ox)
                out[ox] += flip.delta * row[static_cast<std::int64_t>(ox) * stride];
    }
}

/// One image of a conv2d: each filter's clean accumulators (plus its flips, in work.products),
/// requantized as runConv does.
void incrementalConvImage(const IncrementalLayer& incremental, const std::uint8_t* image,
                          const std::int32_t* cleanSums, const std::int32_t* inputSums, std::uint8_t* output,
                          Workspace& work)
{
    const Layer& layer = *incremental.layer;
    const Requant& requant = *layer.requant;
    const std::size_t pixels = inputSumsPerImage(layer);
    const auto filters = static_cast<std::size_t>(layer.outShape[0]);
    work.sumTerms.resize(pixels);
    for (std::size_t p = 0; p < pixels; ++p)
        work.sumTerms[p] = requant.mSum * inputSums[p];
    work.products.resize(pixels);
    auto flip = incremental.flips.begin();
    for (std::size_t n = 0; n < filters; ++n) {
        const std::int32_t* sums = cleanSums + n * pixels;
        if (flip != incremental.flips.end() && flip->filter == n) {
            std::copy_n(sums, pixels, work.products.begin());
            for (; flip != incremental.flips.end() && flip->filter == n; ++flip)
                addConvFlip(layer, *flip, image, work.products.data());
            sums = work.products.data();
        }
        const RowRequant terms{
            requant.mAcc, incremental.biasTerm[n] + (std::int64_t(1) << (requant.shift - 1)), requant.shift};
        requantizeRowToUint8(incremental.path, sums, work.sumTerms.data(), pixels, terms,
                             output + n * pixels);
    }
}

/// One image of a linear layer: clean accumulators plus flips, requantized as runLinear does.
void incrementalLinearImage(const IncrementalLayer& incremental, const std::uint8_t* image,
                            const std::int32_t* cleanSums, std::int32_t inputSum, std::uint8_t* activations,
                            std::int32_t* logits, Workspace& work)
{
    const Requant& requant = *incremental.layer->requant;
    const auto filters = static_cast<std::size_t>(incremental.layer->outShape[0]);
    work.products.assign(cleanSums, cleanSums + filters);
    for (const WeightFlip& flip : incremental.flips)
        work.products[flip.filter] += flip.delta * image[flip.input];
    if (!requant.int32Output) {
        const RowRequant terms{
            requant.mAcc, requant.mSum * inputSum + (std::int64_t(1) << (requant.shift - 1)), requant.shift};
        requantizeRowToUint8(incremental.path, work.products.data(), incremental.biasTerm.data(), filters,
                             terms, activations);
        return;
    }
    for (std::size_t n = 0; n < filters; ++n)
        logits[n] = static_cast<std::int32_t>(std::clamp(
            requantize(requant, work.products[n], inputSum, incremental.biasTerm[n]), kInt32Min, kInt32Max));
}

} // namespace

bool supportsIncremental(const Layer& layer)
{
    if (layer.type == LayerType::Linear)
        return true;
    return layer.type == LayerType::Conv2d && layer.groups == 1 && !layer.requant->int32Output;
}

std::size_t accumulatorsPerImage(const Layer& layer)
{
    return static_cast<std::size_t>(shapeSize(layer.outShape));
}

std::size_t inputSumsPerImage(const Layer& layer)
{
    return layer.type == LayerType::Conv2d ? static_cast<std::size_t>(layer.outShape[1] * layer.outShape[2])
                                           : 1;
}

std::vector<WeightFlip> weightFlips(const Layer& layer, const std::vector<std::uint8_t>& codes,
                                    const std::vector<std::uint8_t>& clean)
{
    const QuantizedTensor& weight = *layer.weight;
    const auto fanIn = static_cast<std::size_t>(layer.fanIn());
    std::vector<WeightFlip> flips;
    for (std::size_t i = 0; i < weight.count; ++i) {
        const std::size_t at = weight.blobOffset + i;
        if (codes[at] == clean[at])
            continue;
        flips.push_back({static_cast<std::uint32_t>(i / fanIn), static_cast<std::uint32_t>(i % fanIn),
                         std::int32_t{codeAt(codes, weight, i, layer)} - std::int32_t{clean[at]}});
    }
    return flips;
}

void storeAccumulators(const PreparedLayer& prepared, const std::uint8_t* input, std::size_t count,
                       std::int32_t* sums, std::int32_t* inputSums, Workspace& work)
{
    const Layer& layer = *prepared.layer;
    const std::size_t filters = prepared.filters;
    if (layer.type == LayerType::Linear) {
        linearProducts(prepared, input, count, work);
        for (std::size_t image = 0; image < count; ++image)
            std::copy_n(work.products.data() + image * prepared.cols, filters, sums + image * filters);
        std::copy_n(work.inputSums.data(), count, inputSums);
        return;
    }
    const auto inSize = static_cast<std::size_t>(shapeSize(layer.inShape));
    const auto outHeight = static_cast<std::size_t>(layer.outShape[1]);
    const auto outWidth = static_cast<std::size_t>(layer.outShape[2]);
    const std::size_t pixels = outHeight * outWidth;
    const std::size_t columnsPerRow = convColumnsPerRow(prepared);
    const std::size_t columns = convColumns(prepared);
    for (std::size_t image = 0; image < count; ++image) {
        convProducts(prepared, input + image * inSize, work);
        for (std::size_t n = 0; n <= filters; ++n) {
            std::int32_t* out =
                n < filters ? sums + (image * filters + n) * pixels : inputSums + image * pixels;
            for (std::size_t oy = 0; oy < outHeight; ++oy)
                std::copy_n(work.products.data() + n * columns + oy * columnsPerRow, outWidth,
                            out + oy * outWidth);
        }
    }
}

void runIncremental(const IncrementalLayer& incremental, const std::uint8_t* input, std::size_t firstImage,
                    std::size_t count, std::uint8_t* activations, std::int32_t* logits, Workspace& work)
{
    const Layer& layer = *incremental.layer;
    const auto inSize = static_cast<std::size_t>(shapeSize(layer.inShape));
    const std::size_t outSize = accumulatorsPerImage(layer);
    const std::size_t sumsSize = inputSumsPerImage(layer);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t image = firstImage + i;
        const std::int32_t* cleanSums = incremental.cleanSums + image * outSize;
        const std::int32_t* inputSums = incremental.cleanInputSums + image * sumsSize;
        if (layer.type == LayerType::Conv2d)
            incrementalConvImage(incremental, input + i * inSize, cleanSums, inputSums,
                                 activations + i * outSize, work);
        else
            incrementalLinearImage(incremental, input + i * inSize, cleanSums, *inputSums,
                                   activations != nullptr ? activations + i * outSize : nullptr,
                                   logits != nullptr ? logits + i * outSize : nullptr, work);
    }
}

} // namespace voltsim::workloads::detail
