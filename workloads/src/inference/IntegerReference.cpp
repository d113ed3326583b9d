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

/// Layers first .. until - 1 of `network` decoded from `codes` (the others left empty).
std::vector<PreparedLayer> prepareLayers(const Network& network, const std::vector<std::uint8_t>& codes,
                                         std::size_t first, std::size_t until)
{
    std::vector<PreparedLayer> prepared(network.layers.size());
    for (std::size_t i = first; i < until; ++i)
        if (network.layers[i].hasParameters())
            prepared[i] = detail::prepareLayer(network.layers[i], codes);
    return prepared;
}

/// One layer on a batch: work.current (count x inSize) -> work.next (count x outSize), or logits.
void runLayer(const Layer& layer, const PreparedLayer& prepared, std::size_t count, std::int32_t* logits,
              Workspace& work)
{
    const auto inSize = static_cast<std::size_t>(shapeSize(layer.inShape));
    const auto outSize = static_cast<std::size_t>(shapeSize(layer.outShape));
    work.next.resize(count * outSize);
    switch (layer.type) {
    case LayerType::Conv2d:
        for (std::size_t image = 0; image < count; ++image)
            detail::runConv(prepared, work.current.data() + image * inSize,
                            work.next.data() + image * outSize, work);
        break;
    case LayerType::MaxPool2d:
        for (std::size_t image = 0; image < count; ++image)
            detail::runMaxPool(layer, work.current.data() + image * inSize,
                               work.next.data() + image * outSize);
        break;
    case LayerType::Flatten:
        std::copy(work.current.begin(), work.current.begin() + static_cast<std::ptrdiff_t>(count * inSize),
                  work.next.begin());
        break;
    case LayerType::Linear:
        detail::runLinear(prepared, work.current.data(), count, work.next.data(), logits, work);
        break;
    }
    std::swap(work.current, work.next);
}

/// What one worker runs: layers [first, until) on rows [begin, end) of `inputs`; the result rows go
/// to `logits` (until is the layer count) or `activations`.
struct RangeJob {
    const Network* network = nullptr;
    const std::vector<PreparedLayer>* prepared = nullptr;
    LayerInputs inputs;
    std::size_t until = 0;
    std::int32_t* logits = nullptr;
    std::uint8_t* activations = nullptr;
};

void runRange(const RangeJob& job, std::size_t begin, std::size_t end)
{
    const Network& network = *job.network;
    const auto inSize = static_cast<std::size_t>(shapeSize(network.layers[job.inputs.layer].inShape));
    const auto outSize = static_cast<std::size_t>(shapeSize(network.layers[job.until - 1].outShape));
    const bool toLogits = job.until == network.layers.size();
    Workspace work;
    for (std::size_t first = begin; first < end; first += kBatchImages) {
        const std::size_t count = std::min(kBatchImages, end - first);
        work.current.assign(job.inputs.data + first * inSize, job.inputs.data + (first + count) * inSize);
        for (std::size_t i = job.inputs.layer; i < job.until; ++i)
            runLayer(network.layers[i], (*job.prepared)[i], count,
                     toLogits ? job.logits + first * outSize : nullptr, work);
        if (!toLogits)
            std::copy_n(work.current.data(), count * outSize, job.activations + first * outSize);
    }
}

} // namespace

IntegerReference::IntegerReference(const ModelPackage& package, unsigned threads)
    : m_network(package.network), m_blobBytes(package.codes.size()),
      m_threads(threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency()))
{
}

void IntegerReference::run(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                           std::size_t until, std::int32_t* logits, std::uint8_t* activations) const
{
    if (codes.size() != m_blobBytes)
        throw std::invalid_argument("IntegerReference: got " + std::to_string(codes.size()) +
                                    " codes, the package has " + std::to_string(m_blobBytes));
    if (inputs.layer >= until || until > m_network.layers.size())
        throw std::invalid_argument("IntegerReference: layers " + std::to_string(inputs.layer) + " to " +
                                    std::to_string(until) + " of " + std::to_string(m_network.layers.size()));
    const std::vector<PreparedLayer> prepared = prepareLayers(m_network, codes, inputs.layer, until);
    const RangeJob job{&m_network, &prepared, inputs, until, logits, activations};
    const std::size_t count = inputs.count;
    const std::size_t workers =
        std::max<std::size_t>(1, std::min<std::size_t>(m_threads, count / kMinImagesPerThread));
    if (workers == 1) {
        runRange(job, 0, count);
        return;
    }
    std::vector<std::thread> pool;
    for (std::size_t worker = 0; worker < workers; ++worker)
        pool.emplace_back(runRange, std::cref(job), count * worker / workers, count * (worker + 1) / workers);
    for (auto& thread : pool)
        thread.join();
}

IntegerReference::Logits IntegerReference::logits(const std::vector<std::uint8_t>& codes,
                                                  const LayerInputs& inputs) const
{
    Logits result(static_cast<Eigen::Index>(inputs.count), m_network.dataset.numClasses);
    run(codes, inputs, m_network.layers.size(), result.data(), nullptr);
    return result;
}

IntegerReference::Logits IntegerReference::logits(const std::vector<std::uint8_t>& codes,
                                                  const std::uint8_t* images, std::size_t count) const
{
    return logits(codes, LayerInputs{0, images, count});
}

std::vector<std::uint8_t> IntegerReference::activations(const std::vector<std::uint8_t>& codes,
                                                        const LayerInputs& inputs, std::size_t until) const
{
    if (until >= m_network.layers.size())
        throw std::invalid_argument("IntegerReference: no activations enter layer " + std::to_string(until) +
                                    " of " + std::to_string(m_network.layers.size()));
    std::vector<std::uint8_t> result(inputs.count *
                                     static_cast<std::size_t>(shapeSize(m_network.layers[until].inShape)));
    run(codes, inputs, until, nullptr, result.data());
    return result;
}

std::vector<int> IntegerReference::classify(const std::vector<std::uint8_t>& codes,
                                            const std::uint8_t* images, std::size_t count) const
{
    const Logits values = logits(codes, images, count);
    std::vector<int> classes(count);
    for (std::size_t i = 0; i < count; ++i)
        classes[i] = argmaxLowest(values.data() + i * static_cast<std::size_t>(values.cols()),
                                  static_cast<std::size_t>(values.cols()));
    return classes;
}

std::size_t IntegerReference::countErrors(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                                          const std::uint8_t* labels) const
{
    const Logits values = logits(codes, inputs);
    const auto classes = static_cast<std::size_t>(values.cols());
    std::size_t errors = 0;
    for (std::size_t i = 0; i < inputs.count; ++i)
        errors += argmaxLowest(values.data() + i * classes, classes) != labels[i];
    return errors;
}

std::size_t IntegerReference::countErrors(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                                          const std::uint8_t* labels, std::size_t count) const
{
    return countErrors(codes, LayerInputs{0, images, count}, labels);
}

} // namespace voltsim::workloads
