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

/// Input q_k of the output at `site` for k of the GEMM's K (C, Fh, Fw order; 0 in the padding).
std::int32_t inputAt(const Layer& layer, const OutputSite& site, const std::uint8_t* input, std::size_t k)
{
    if (layer.type == LayerType::Linear)
        return input[k];
    const auto taps = static_cast<std::size_t>(layer.kernelH * layer.kernelW);
    const std::size_t c = site.channel + k / taps;
    const auto ky = static_cast<std::int64_t>(k % taps) / layer.kernelW;
    const auto kx = static_cast<std::int64_t>(k % taps) % layer.kernelW;
    const std::int64_t iy = site.y * layer.stride - layer.padding + ky;
    const std::int64_t ix = site.x * layer.stride - layer.padding + kx;
    if (iy < 0 || iy >= layer.inShape[1] || ix < 0 || ix >= layer.inShape[2])
        return 0;
    return input[(static_cast<std::int64_t>(c) * layer.inShape[1] + iy) * layer.inShape[2] + ix];
}

} // namespace

void applyAccumulatorFaults(const Layer& layer, const std::vector<std::uint8_t>& codes,
                            const LayerAccumulatorFaults& faults, const std::uint8_t* input,
                            std::uint8_t* output, std::int32_t* logits)
{
    const QuantizedTensor& weight = *layer.weight;
    const Requant& requant = *layer.requant;
    const auto fanIn = static_cast<std::size_t>(layer.fanIn());
    const std::size_t foldRows = std::max<std::size_t>(1, faults.foldRows);
    std::vector<std::int32_t> partials((fanIn + foldRows - 1) / foldRows);
    for (const FaultyAccumulator& faulty : faults.outputs) {
        const OutputSite site = siteOf(layer, faulty.output);
        std::fill(partials.begin(), partials.end(), 0);
        std::int64_t sumInputs = 0;
        for (std::size_t k = 0; k < fanIn; ++k) {
            const std::int32_t q = inputAt(layer, site, input, k);
            partials[k / foldRows] += q * std::int32_t{codeAt(codes, weight, site.filter * fanIn + k, layer)};
            sumInputs += q;
        }
        const std::int32_t acc = accumulateThrough(faulty.word, partials.data(), partials.size());
        const std::int64_t centered = std::int64_t{acc} - weight.offset * sumInputs;
        const std::int64_t biasTerm =
            requant.mBias *
                (std::int64_t{codeAt(codes, *layer.bias, site.filter, layer)} - layer.bias->offset) +
            requant.b0;
        const std::int64_t value = requantize(requant, centered, sumInputs, biasTerm);
        if (requant.int32Output)
            logits[faulty.output] = static_cast<std::int32_t>(std::clamp<std::int64_t>(
                value, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
        else
            output[faulty.output] = static_cast<std::uint8_t>(std::clamp<std::int64_t>(value, 0, 255));
    }
}

} // namespace voltsim::workloads::detail
