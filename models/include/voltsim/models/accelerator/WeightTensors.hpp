#pragma once
// What the weight SRAM holds: a package's weight and bias tensors as memory::CodeTensorView, in
// blob order. Free of SystemC, so the functional engine loads the same views without it.
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <vector>

namespace voltsim::models {

/// The package's weight and bias tensors in blob order (Network::parameterTensors), as views of
/// its codes, grouped by layer index with the tensor's first dimension (output channels) as rows.
/// `package` must outlive the views.
std::vector<memory::CodeTensorView> weightTensors(const workloads::ModelPackage& package);

} // namespace voltsim::models
