#include "voltsim/models/accelerator/WeightTensors.hpp"

#include <algorithm>
#include <cmath>

namespace voltsim::models {
namespace {

/// The code whose decoded value scale (v - offset) + center lies closest to 0, within 0..maxCode.
std::uint8_t zeroCodeOf(const workloads::QuantizedTensor& tensor)
{
    const double exact = tensor.scale > 0 ? static_cast<double>(tensor.offset) - tensor.center / tensor.scale
                                          : static_cast<double>(tensor.offset);
    return static_cast<std::uint8_t>(std::clamp(std::lround(exact), 0L, static_cast<long>(tensor.maxCode())));
}

} // namespace

std::vector<memory::CodeTensorView> weightTensors(const workloads::ModelPackage& package)
{
    std::vector<memory::CodeTensorView> views;
    for (const workloads::ParameterTensor& tensor : package.network.parameterTensors()) {
        const workloads::Layer& layer = package.network.layers.at(tensor.layer);
        const auto& quantized = tensor.role == workloads::TensorRole::Weight ? layer.weight : layer.bias;
        const std::size_t rows =
            quantized && !quantized->shape.empty() ? static_cast<std::size_t>(quantized->shape.front()) : 1;
        views.push_back({package.codes.data() + tensor.blobOffset, tensor.count, tensor.bits, tensor.layer,
                         rows, quantized ? zeroCodeOf(*quantized) : std::uint8_t{0}});
    }
    return views;
}

} // namespace voltsim::models
