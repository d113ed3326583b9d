#include "voltsim/models/accelerator/WeightTensors.hpp"

namespace voltsim::models {

std::vector<memory::CodeTensorView> weightTensors(const workloads::ModelPackage& package)
{
    std::vector<memory::CodeTensorView> views;
    for (const workloads::ParameterTensor& tensor : package.network.parameterTensors())
        views.push_back({package.codes.data() + tensor.blobOffset, tensor.count, tensor.bits});
    return views;
}

} // namespace voltsim::models
