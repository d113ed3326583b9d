#include "voltsim/workloads/dataset/Dataset.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/IdxReader.hpp"

#include <cstdlib>
#include <fstream>

namespace voltsim::workloads {
namespace {

/// `base` + ".gz" if that file exists, else `base` (the error for a missing file then names it).
std::string gzOrPlain(const std::string& base)
{
    const std::string gz = base + ".gz";
    return std::ifstream(gz).good() ? gz : base;
}

} // namespace

Dataset Dataset::load(const std::string& imagesPath, const std::string& labelsPath, int numClasses)
{
    IdxArray images = readIdx(imagesPath, 3);
    IdxArray labels = readIdx(labelsPath, 1);
    if (labels.dims[0] != images.dims[0])
        throw InputError(labelsPath + ": has " + std::to_string(labels.dims[0]) + " labels but " +
                         imagesPath + " has " + std::to_string(images.dims[0]) + " images");
    for (std::size_t i = 0; i < labels.data.size(); ++i)
        if (labels.data[i] >= numClasses)
            throw InputError(labelsPath + ": label " + std::to_string(labels.data[i]) + " at index " +
                             std::to_string(i) + " is outside 0.." + std::to_string(numClasses - 1));
    Dataset dataset;
    dataset.m_rows = images.dims[1];
    dataset.m_cols = images.dims[2];
    dataset.m_pixels = std::move(images.data);
    dataset.m_labels = std::move(labels.data);
    return dataset;
}

Dataset Dataset::fashionMnist(const std::string& directory, bool train)
{
    const std::string prefix = directory + "/" + (train ? "train" : "t10k");
    return load(gzOrPlain(prefix + "-images-idx3-ubyte"), gzOrPlain(prefix + "-labels-idx1-ubyte"), 10);
}

std::string Dataset::defaultFashionMnistDir()
{
    const char* fromEnvironment = std::getenv("VOLTSIM_FASHION_MNIST_DIR");
    return fromEnvironment && *fromEnvironment ? fromEnvironment : "/usr/share/datasets/fashion-mnist";
}

} // namespace voltsim::workloads
