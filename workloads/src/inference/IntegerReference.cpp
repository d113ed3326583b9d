#include "voltsim/workloads/inference/IntegerReference.hpp"

#include "LayerKernels.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <utility>

namespace voltsim::workloads {
namespace {

using detail::PreparedLayer;
using detail::Workspace;

/// Images per pass through the network: enough rows for the linear layers' GEMMs, small enough
/// that a batch's activations stay in cache.
constexpr std::size_t kBatchImages = 64;
/// Below this many images per thread, one thread does the whole call.
constexpr std::size_t kMinImagesPerThread = 32;

std::vector<PreparedLayer> prepareLayers(const Network& network, const std::vector<std::uint8_t>& codes)
{
    std::vector<PreparedLayer> prepared(network.layers.size());
    for (std::size_t i = 0; i < network.layers.size(); ++i)
        if (network.layers[i].hasParameters())
            prepared[i] = detail::prepareLayer(network.layers[i], codes);
    return prepared;
}

/// One layer on a batch: work.current (count x inSize) -> work.next (count x outSize), or logits.
void runLayer(const Layer& layer, const PreparedLayer& prepared, std::size_t count, std::int32_t* logits, Workspace& work)
{
    const auto inSize = static_cast<std::size_t>(shapeSize(layer.inShape));
    const auto outSize = static_cast<std::size_t>(shapeSize(layer.outShape));
    work.next.resize(count * outSize);
    switch (layer.type) {
    case LayerType::Conv2d:
        for (std::size_t image = 0; image < count; ++image)
            detail::runConv(prepared, work.current.data() + image * inSize, work.next.data() + image * outSize, work);
        break;
    case LayerType::MaxPool2d:
        for (std::size_t image = 0; image < count; ++image)
            detail::runMaxPool(layer, work.current.data() + image * inSize, work.next.data() + image * outSize);
        break;
    case LayerType::Flatten:
        std::copy(work.current.begin(), work.current.begin() + static_cast<std::ptrdiff_t>(count * inSize), work.next.begin());
        break;
    case LayerType::Linear:
        detail::runLinear(prepared, work.current.data(), count, work.next.data(), logits, work);
        break;
    }
    std::swap(work.current, work.next);
}

void runRange(const Network& network, const std::vector<PreparedLayer>& prepared, const std::uint8_t* images,
              std::size_t begin, std::size_t end, std::int32_t* logits)
{
    const auto inputSize = static_cast<std::size_t>(network.inputSize());
    const auto classes = static_cast<std::size_t>(network.dataset.numClasses);
    Workspace work;
    for (std::size_t first = begin; first < end; first += kBatchImages) {
        const std::size_t count = std::min(kBatchImages, end - first);
        work.current.assign(images + first * inputSize, images + (first + count) * inputSize);
        for (std::size_t i = 0; i < network.layers.size(); ++i)
            runLayer(network.layers[i], prepared[i], count, logits + first * classes, work);
    }
}

} // namespace

IntegerReference::IntegerReference(const ModelPackage& package, unsigned threads)
    : m_network(package.network),
      m_blobBytes(package.codes.size()),
      m_threads(threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency()))
{
}

IntegerReference::Logits IntegerReference::logits(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                                                  std::size_t count) const
{
    if (codes.size() != m_blobBytes)
        throw std::invalid_argument("IntegerReference: got " + std::to_string(codes.size()) + " codes, the package has "
                                    + std::to_string(m_blobBytes));
    const std::vector<PreparedLayer> prepared = prepareLayers(m_network, codes);
    Logits result(static_cast<Eigen::Index>(count), m_network.dataset.numClasses);
    const std::size_t workers = std::max<std::size_t>(1, std::min<std::size_t>(m_threads, count / kMinImagesPerThread));
    if (workers == 1) {
        runRange(m_network, prepared, images, 0, count, result.data());
        return result;
    }
    std::vector<std::thread> pool;
    for (std::size_t worker = 0; worker < workers; ++worker) {
        const std::size_t begin = count * worker / workers;
        const std::size_t end = count * (worker + 1) / workers;
        pool.emplace_back(runRange, std::cref(m_network), std::cref(prepared), images, begin, end, result.data());
    }
    for (auto& thread : pool)
        thread.join();
    return result;
}

std::vector<int> IntegerReference::classify(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                                            std::size_t count) const
{
    const Logits values = logits(codes, images, count);
    std::vector<int> classes(count);
    for (std::size_t i = 0; i < count; ++i)
        classes[i] = argmaxLowest(values.data() + i * static_cast<std::size_t>(values.cols()), static_cast<std::size_t>(values.cols()));
    return classes;
}

std::size_t IntegerReference::countErrors(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                                          const std::uint8_t* labels, std::size_t count) const
{
    const std::vector<int> predicted = classify(codes, images, count);
    std::size_t errors = 0;
    for (std::size_t i = 0; i < count; ++i)
        errors += predicted[i] != labels[i];
    return errors;
}

} // namespace voltsim::workloads
