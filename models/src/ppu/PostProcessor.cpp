#include "voltsim/models/ppu/PostProcessor.hpp"

#include <algorithm>
#include <limits>

namespace voltsim::models {

std::int64_t PostProcessor::requantize(std::int32_t acc, std::int32_t inputSum, std::uint8_t biasCode,
                                       const workloads::Layer& layer)
{
    const workloads::Requant& r = *layer.requant;
    const std::int64_t z = layer.weight->offset;
    const std::int64_t zb = layer.bias->offset;
    const std::int64_t sq = inputSum;
    const std::int64_t t =
        r.mAcc * (std::int64_t{acc} - z * sq) + r.mSum * sq + r.mBias * (std::int64_t{biasCode} - zb) + r.b0;
    return (t + (std::int64_t{1} << (r.shift - 1))) >> r.shift;
}

std::vector<std::uint8_t> PostProcessor::requantizeHidden(const RequantInput& input,
                                                          const workloads::Layer& layer)
{
    const AccMatrix& acc = *input.acc;
    const std::int64_t n = acc.cols();
    const std::int64_t pixels = acc.rows() / input.images;
    std::vector<std::uint8_t> out(static_cast<std::size_t>(acc.rows() * n));
    for (std::int64_t row = 0; row < acc.rows(); ++row) {
        const std::int64_t image = row / pixels;
        const std::int64_t pixel = row % pixels;
        const std::int32_t sq = (*input.inputSums)[static_cast<std::size_t>(row)];
        for (std::int64_t c = 0; c < n; ++c) {
            const std::int64_t value =
                requantize(acc(row, c), sq, (*input.biasCodes)[static_cast<std::size_t>(c)], layer);
            out[static_cast<std::size_t>((image * n + c) * pixels + pixel)] =
                static_cast<std::uint8_t>(std::clamp<std::int64_t>(value, 0, 255));
        }
    }
    return out;
}

std::vector<std::int32_t> PostProcessor::requantizeLogits(const RequantInput& input,
                                                          const workloads::Layer& layer)
{
    const AccMatrix& acc = *input.acc;
    std::vector<std::int32_t> out(static_cast<std::size_t>(acc.size()));
    constexpr std::int64_t lo = std::numeric_limits<std::int32_t>::min();
    constexpr std::int64_t hi = std::numeric_limits<std::int32_t>::max();
    for (std::int64_t row = 0; row < acc.rows(); ++row)
        for (std::int64_t c = 0; c < acc.cols(); ++c) {
            const std::int64_t value =
                requantize(acc(row, c), (*input.inputSums)[static_cast<std::size_t>(row)],
                           (*input.biasCodes)[static_cast<std::size_t>(c)], layer);
            out[static_cast<std::size_t>(row * acc.cols() + c)] =
                static_cast<std::int32_t>(std::clamp(value, lo, hi));
        }
    return out;
}

namespace {

/// Every output value of `images` images of the layer's out_shape (C, Ho, Wo), computed by
/// `window(plane, y, x)` from the input plane (H x W) of the same image and channel.
template <typename Window>
std::vector<std::uint8_t> mapWindows(const std::vector<std::uint8_t>& input, std::int64_t images,
                                     const workloads::Layer& layer, Window window)
{
    const std::int64_t channels = layer.inShape[0], h = layer.inShape[1], w = layer.inShape[2];
    const std::int64_t oh = layer.outShape[1], ow = layer.outShape[2];
    std::vector<std::uint8_t> out(static_cast<std::size_t>(images * channels * oh * ow));
    std::size_t next = 0;
    for (std::int64_t plane = 0; plane < images * channels; ++plane)
        for (std::int64_t y = 0; y < oh; ++y)
            for (std::int64_t x = 0; x < ow; ++x)
                out[next++] = window(input.data() + plane * h * w, y, x);
    return out;
}

} // namespace

std::vector<std::uint8_t> PostProcessor::maxPool(const std::vector<std::uint8_t>& input, std::int64_t images,
                                                 const workloads::Layer& layer)
{
    const std::int64_t h = layer.inShape[1], w = layer.inShape[2];
    return mapWindows(input, images, layer, [&](const std::uint8_t* in, std::int64_t y, std::int64_t x) {
        std::uint8_t best = 0; // values are non-negative: padding never wins
        for (int ky = 0; ky < layer.kernelH; ++ky)
            for (int kx = 0; kx < layer.kernelW; ++kx) {
                const std::int64_t iy = y * layer.stride - layer.padding + ky;
                const std::int64_t ix = x * layer.stride - layer.padding + kx;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                    best = std::max(best, in[iy * w + ix]);
            }
        return best;
    });
}

std::vector<std::uint8_t> PostProcessor::averagePool(const std::vector<std::uint8_t>& input,
                                                     std::int64_t images, const workloads::Layer& layer)
{
    const bool global = layer.type == workloads::LayerType::GlobalAvgPool;
    const std::int64_t w = layer.inShape[2];
    const std::int64_t kh = global ? layer.inShape[1] : layer.kernelH;
    const std::int64_t kw = global ? w : layer.kernelW;
    const std::int64_t stride = global ? 1 : layer.stride;
    const std::int64_t n = kh * kw;
    return mapWindows(input, images, layer, [&](const std::uint8_t* in, std::int64_t y, std::int64_t x) {
        std::int64_t sum = 0;
        for (std::int64_t ky = 0; ky < kh; ++ky)
            for (std::int64_t kx = 0; kx < kw; ++kx)
                sum += in[(y * stride + ky) * w + x * stride + kx];
        return static_cast<std::uint8_t>((2 * sum + n) / (2 * n));
    });
}

std::vector<std::uint8_t> PostProcessor::merge(const std::vector<const std::vector<std::uint8_t>*>& inputs,
                                               std::int64_t images, const workloads::Layer& layer)
{
    const workloads::MergeRequant& requant = *layer.merge;
    const std::int64_t half = std::int64_t{1} << (requant.shift - 1);
    const auto rescale = [&](std::size_t input, std::uint8_t value) {
        return requant.multipliers[input] * std::int64_t{value};
    };
    const auto toUint8 = [&](std::int64_t t) {
        return static_cast<std::uint8_t>(std::clamp<std::int64_t>((t + half) >> requant.shift, 0, 255));
    };
    std::vector<std::uint8_t> out;
    if (layer.type == workloads::LayerType::Add) {
        const std::vector<std::uint8_t>& a = *inputs[0];
        const std::vector<std::uint8_t>& b = *inputs[1];
        out.resize(a.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            out[i] = toUint8(rescale(0, a[i]) + rescale(1, b[i]) + requant.b0);
        return out;
    }
    // concat: per image, each input's channels in turn.
    for (std::int64_t image = 0; image < images; ++image)
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const std::size_t size = inputs[i]->size() / static_cast<std::size_t>(images);
            const std::uint8_t* in = inputs[i]->data() + static_cast<std::size_t>(image) * size;
            for (std::size_t k = 0; k < size; ++k)
                out.push_back(toUint8(rescale(i, in[k])));
        }
    return out;
}

} // namespace voltsim::models
