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

std::vector<std::uint8_t> PostProcessor::maxPool(const std::vector<std::uint8_t>& input, std::int64_t images,
                                                 const workloads::Layer& layer)
{
    const std::int64_t channels = layer.inShape[0], h = layer.inShape[1], w = layer.inShape[2];
    const std::int64_t oh = layer.outShape[1], ow = layer.outShape[2];
    std::vector<std::uint8_t> out(static_cast<std::size_t>(images * channels * oh * ow));
    std::size_t next = 0;
    for (std::int64_t plane = 0; plane < images * channels; ++plane) {
        const std::uint8_t* in = input.data() + plane * h * w;
        for (std::int64_t y = 0; y < oh; ++y)
            for (std::int64_t x = 0; x < ow; ++x) {
                std::uint8_t best = 0;
                for (int ky = 0; ky < layer.kernelH; ++ky)
                    for (int kx = 0; kx < layer.kernelW; ++kx)
                        best = std::max(best, in[(y * layer.stride + ky) * w + x * layer.stride + kx]);
                out[next++] = best;
            }
    }
    return out;
}

} // namespace voltsim::models
