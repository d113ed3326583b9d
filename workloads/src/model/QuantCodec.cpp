#include "voltsim/workloads/model/QuantCodec.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace voltsim::workloads {
namespace {

void checkArguments(const std::vector<double>& weights, int bits)
{
    if (bits < 2 || bits > 8)
        throw std::invalid_argument("quantizer bits must be 2..8, got " + std::to_string(bits));
    if (weights.empty())
        throw std::invalid_argument("cannot quantize an empty tensor");
}

EncodedTensor emptyTensor(int bits, Quantizer quantizer)
{
    EncodedTensor tensor;
    tensor.bits = bits;
    tensor.quantizer = quantizer;
    tensor.offset = std::int64_t(1) << (bits - 1);
    return tensor;
}

std::uint8_t clampCode(double value, int bits)
{
    return static_cast<std::uint8_t>(std::clamp(value, 0.0, double((1 << bits) - 1)));
}

} // namespace

double quantizationStep(int bits)
{
    return 1.001 / double((1 << (bits - 1)) - 1);
}

EncodedTensor encodeRQuant(const std::vector<double>& weights, int bits)
{
    checkArguments(weights, bits);
    EncodedTensor tensor = emptyTensor(bits, Quantizer::RQuant);
    const auto [low, high] = std::minmax_element(weights.begin(), weights.end());
    tensor.rangeMin = *low;
    tensor.rangeMax = *high;
    const double delta = quantizationStep(bits);
    const double z = double(tensor.offset);
    tensor.scale = delta * (tensor.rangeMax - tensor.rangeMin) / 2;
    tensor.center = (tensor.rangeMax + tensor.rangeMin) / 2;
    for (double w : weights) {
        if (tensor.rangeMax == tensor.rangeMin) {
            tensor.codes.push_back(static_cast<std::uint8_t>(tensor.offset));
            continue;
        }
        const double normalized = 2 * (w - tensor.rangeMin) / (tensor.rangeMax - tensor.rangeMin) - 1;
        tensor.codes.push_back(clampCode(std::floor(normalized / delta + z + 0.5), bits));
    }
    if (tensor.rangeMax == tensor.rangeMin)
        tensor.center = tensor.rangeMin;
    return tensor;
}

EncodedTensor encodeNormal(const std::vector<double>& weights, int bits)
{
    checkArguments(weights, bits);
    EncodedTensor tensor = emptyTensor(bits, Quantizer::Normal);
    tensor.rangeMin = -1;
    tensor.rangeMax = 1;
    const double delta = quantizationStep(bits);
    tensor.scale = delta;
    tensor.center = 0;
    for (double w : weights)
        tensor.codes.push_back(
            clampCode(std::floor(std::clamp(w, -1.0, 1.0) / delta + double(tensor.offset)), bits));
    return tensor;
}

double decodeCode(const EncodedTensor& tensor, int code)
{
    return tensor.scale * double(code - tensor.offset) + tensor.center;
}

} // namespace voltsim::workloads
