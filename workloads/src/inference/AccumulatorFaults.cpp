#include "AccumulatorFaults.hpp"

#include "LayerKernels.hpp"

#include <algorithm>
#include <limits>

namespace voltsim::workloads::detail {
namespace {

/// One output's view of its layer: which group's input channels it reads and where.
struct OutputSite {
    std::size_t filter = 0;  ///< output channel (linear: the output)
    std::int64_t y = 0;      ///< output row (conv2d)
    std::int64_t x = 0;      ///< output column (conv2d)
    std::size_t channel = 0; ///< first input channel of the filter's group
};

OutputSite siteOf(const Layer& layer, std::uint32_t output)
{
    if (layer.type == LayerType::Linear)
        return {output, 0, 0, 0};
    const auto pixels = static_cast<std::uint32_t>(layer.outShape[1] * layer.outShape[2]);
    const std::size_t filter = output / pixels;
    const auto pixel = static_cast<std::int64_t>(output % pixels);
    const auto filtersPerGroup = static_cast<std::size_t>(layer.outShape[0] / layer.groups);
    const auto channelsPerGroup = static_cast<std::size_t>(layer.inShape[0] / layer.groups);
    return {filter, pixel / layer.outShape[2], pixel % layer.outShape[2],
            filter / filtersPerGroup * channelsPerGroup};
}

/// Where in one image's input q_k of the output at `site` lies, k of the GEMM's K (C, Fh, Fw
/// order); `padding` for a position in the zero padding.
std::size_t inputIndex(const Layer& layer, const OutputSite& site, std::size_t k, std::size_t padding)
{
    if (layer.type == LayerType::Linear)
        return k;
    const auto taps = static_cast<std::size_t>(layer.kernelH) * static_cast<std::size_t>(layer.kernelW);
    const std::size_t c = site.channel + k / taps;
    const auto ky = static_cast<std::int64_t>(k % taps) / layer.kernelW;
    const auto kx = static_cast<std::int64_t>(k % taps) % layer.kernelW;
    const std::int64_t iy = site.y * layer.stride - layer.padding + ky;
    const std::int64_t ix = site.x * layer.stride - layer.padding + kx;
    if (iy < 0 || iy >= layer.inShape[1] || ix < 0 || ix >= layer.inShape[2])
        return padding;
    return static_cast<std::size_t>(
        (static_cast<std::int64_t>(c) * layer.inShape[1] + iy) * layer.inShape[2] + ix);
}

} // namespace

void applyAccumulatorFaults(const Layer& layer, const std::vector<std::uint8_t>& codes,
                            const LayerAccumulatorFaults& faults, const ImageRange& images,
                            std::uint8_t* output, std::int32_t* logits)
{
    const QuantizedTensor& weight = *layer.weight;
    const Requant& requant = *layer.requant;
    const auto fanIn = static_cast<std::size_t>(layer.fanIn());
    const auto inSize = static_cast<std::size_t>(shapeSize(layer.inShape));
    const auto outSize = static_cast<std::size_t>(shapeSize(layer.outShape));
    const std::size_t foldRows = std::max<std::size_t>(1, faults.foldRows);
    const std::size_t folds = (fanIn + foldRows - 1) / foldRows;
    // Per faulty output, once for every image: the inputs it reads outside the padding (where in
    // one image's input, and their codes v_k), and where each fold's run of them ends.
    std::vector<std::size_t> from;
    std::vector<std::int32_t> weights;
    std::vector<std::size_t> foldEnd(folds);
    std::vector<std::int32_t> partials(folds);
    for (const FaultyAccumulator& faulty : faults.outputs) {
        const OutputSite site = siteOf(layer, faulty.output);
        from.clear();
        weights.clear();
        for (std::size_t k = 0; k < fanIn; ++k) {
            if (const std::size_t at = inputIndex(layer, site, k, inSize); at != inSize) {
                from.push_back(at);
                weights.push_back(codeAt(codes, weight, site.filter * fanIn + k, layer));
            }
            if ((k + 1) % foldRows == 0 || k + 1 == fanIn)
                foldEnd[k / foldRows] = from.size();
        }
        const std::int64_t biasTerm =
            requant.mBias *
                (std::int64_t{codeAt(codes, *layer.bias, site.filter, layer)} - layer.bias->offset) +
            requant.b0;
        for (std::size_t image = 0; image < images.count; ++image) {
            const std::uint8_t* input = images.input + image * inSize;
            std::int64_t sumInputs = 0;
            for (std::size_t fold = 0, j = 0; fold < folds; ++fold) {
                std::int32_t partial = 0;
                for (; j < foldEnd[fold]; ++j) {
                    const std::int32_t q = input[from[j]];
                    partial += q * weights[j];
                    sumInputs += q;
                }
                partials[fold] = partial;
            }
            const std::int32_t acc = accumulateThrough(faulty.word, partials.data(), partials.size());
            const std::int64_t value =
                requantize(requant, std::int64_t{acc} - weight.offset * sumInputs, sumInputs, biasTerm);
            if (requant.int32Output)
                logits[image * outSize + faulty.output] = static_cast<std::int32_t>(
                    std::clamp<std::int64_t>(value, std::numeric_limits<std::int32_t>::min(),
                                             std::numeric_limits<std::int32_t>::max()));
            else
                output[image * outSize + faulty.output] =
                    static_cast<std::uint8_t>(std::clamp<std::int64_t>(value, 0, 255));
        }
    }
}

} // namespace voltsim::workloads::detail
