#include "voltsim/models/accelerator/WeightTensors.hpp"

namespace voltsim::models {

std::vector<memory::CodeTensorView> weightTensors(const workloads::ModelPackage& package)
{
    std::vector<memory::CodeTensorView> views;
    for (const workloads::ParameterTensor& tensor : package.network.parameterTensors()) {
        const workloads::Layer& layer = package.network.layers.at(tensor.layer);
        const auto& quantized = tensor.role == workloads::TensorRole::Weight ? layer.weight : layer.bias;
        const std::size_t rows =
            quantized && !quantized->shape.empty() ? static_cast<std::size_t>(quantized->shape.front()) : 1;
        views.push_back(
            {package.codes.data() + tensor.blobOffset, tensor.count, tensor.bits, tensor.layer, rows});
    }
    return views;
}

} // namespace voltsim::models
