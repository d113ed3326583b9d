#pragma once
// Shipped data the C++ tests share, loaded once per test process.
#include "TestPaths.hpp"

#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

namespace voltsim::test {

/// The shipped randbet-8bit package.
inline const workloads::ModelPackage& randbet8bit()
{
    static const workloads::ModelPackage loaded = workloads::ModelPackage::load(modelDir("randbet-8bit"));
    return loaded;
}

/// The Fashion-MNIST test set from Debian's dataset-fashion-mnist.
inline const workloads::Dataset& fashionMnistTestSet()
{
    static const workloads::Dataset loaded =
        workloads::Dataset::fashionMnist(workloads::Dataset::defaultFashionMnistDir(), false);
    return loaded;
}

} // namespace voltsim::test
