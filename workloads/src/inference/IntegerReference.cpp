#include "voltsim/workloads/inference/IntegerReference.hpp"

#include "AccumulatorFaults.hpp"
#include "ChannelPatch.hpp"
#include "IncrementalLayer.hpp"
#include "LayerKernels.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <utility>

namespace voltsim::workloads {
namespace {

using detail::IncrementalLayer;
using detail::PreparedLayer;
using detail::Workspace;

/// Images per pass through the network: enough rows for the linear layers' GEMMs, small enough
/// that a batch's activations stay in cache.
constexpr std::size_t kBatchImages = 64;
/// Below this many images per thread, one thread does the whole call.
constexpr std::size_t kMinImagesPerThread = 32;

/// Layers first .. until - 1 decoded from `codes` for the active kernel path (the others left
/// empty); a conv2d has one prepared layer per group (`groupLayers`).
std::vector<std::vector<PreparedLayer>> prepareLayers(const std::vector<std::vector<Layer>>& groupLayers,
                                                      const Network& network,
                                                      const std::vector<std::uint8_t>& codes,
                                                      std::size_t first, std::size_t until)
{
    std::vector<std::vector<PreparedLayer>> prepared(network.layers.size());
    const KernelPath path = activeKernelPath();
    for (std::size_t i = first; i < until; ++i) {
        if (!network.layers[i].hasParameters())
            continue;
        if (network.layers[i].type == LayerType::Conv2d && !detail::isDepthwise(network.layers[i])) {
            for (const Layer& group : groupLayers[i])
                prepared[i].push_back(detail::prepareLayer(group, codes, path));
        } else {
            prepared[i].push_back(detail::prepareLayer(network.layers[i], codes, path));
        }
    }
    return prepared;
}

/// The tensors of one batch: each layer's output, image after image, and the tensor entering the
/// first layer run (the output of `enteringProducer`, a layer before it or the network input).
struct BatchTensors {
    std::vector<std::vector<std::uint8_t>> outputs;
    std::vector<std::uint8_t> entering;
    std::size_t enteringProducer = kNetworkInput;
    std::vector<std::uint8_t> patchedChannels; ///< ChannelPatch::apply's scratch

    const std::uint8_t* of(std::size_t producer) const
    {
        return producer == enteringProducer ? entering.data() : outputs[producer].data();
    }
};

/// A conv2d on one image: a depthwise one directly, any other one GEMM per group (group g reads its
/// block of input channels and writes its block of output channels).
void runGroupedConv(const Layer& layer, const std::vector<PreparedLayer>& groups, const std::uint8_t* input,
                    std::uint8_t* output, Workspace& work)
{
    if (detail::isDepthwise(layer)) {
        detail::runDepthwiseConv(groups[0], input, output, work);
        return;
    }
    const auto inGroup = static_cast<std::size_t>(shapeSize(layer.inShape)) / groups.size();
    const auto outGroup = static_cast<std::size_t>(shapeSize(layer.outShape)) / groups.size();
    for (std::size_t g = 0; g < groups.size(); ++g)
        detail::runConv(groups[g], input + g * inGroup, output + g * outGroup, work);
}

/// Layer `index` on a batch of `count` images: its inputs from `tensors`, its output to
/// tensors.outputs[index], or to `logits` (the last layer).
void runLayer(const Network& network, std::size_t index, const std::vector<PreparedLayer>& prepared,
              std::size_t count, std::int32_t* logits, BatchTensors& tensors, Workspace& work)
{
    const Layer& layer = network.layers[index];
    const auto inSize = static_cast<std::size_t>(shapeSize(layer.inShape));
    const auto outSize = static_cast<std::size_t>(shapeSize(layer.outShape));
    const std::uint8_t* in = tensors.of(layer.inputs[0]);
    std::vector<std::uint8_t>& out = tensors.outputs[index];
    out.resize(count * outSize);
    switch (layer.type) {
    case LayerType::Conv2d:
        for (std::size_t image = 0; image < count; ++image)
            runGroupedConv(layer, prepared, in + image * inSize, out.data() + image * outSize, work);
        break;
    case LayerType::MaxPool2d:
        for (std::size_t image = 0; image < count; ++image)
            detail::runMaxPool(layer, in + image * inSize, out.data() + image * outSize);
        break;
    case LayerType::AvgPool2d:
    case LayerType::GlobalAvgPool:
        for (std::size_t image = 0; image < count; ++image)
            detail::runAvgPool(layer, in + image * inSize, out.data() + image * outSize);
        break;
    case LayerType::Flatten:
        std::copy_n(in, count * inSize, out.begin());
        break;
    case LayerType::Linear:
        detail::runLinear(prepared[0], in, count, out.data(), logits, work);
        break;
    case LayerType::Add: {
        const std::uint8_t* other = tensors.of(layer.inputs[1]);
        for (std::size_t image = 0; image < count; ++image)
            detail::runAdd(layer, in + image * inSize, other + image * inSize, inSize,
                           out.data() + image * outSize, work);
        break;
    }
    case LayerType::Concat: {
        std::vector<std::size_t> sizes;
        for (const std::size_t producer : layer.inputs)
            sizes.push_back(static_cast<std::size_t>(shapeSize(network.tensorShape(producer))));
        std::vector<const std::uint8_t*> inputs(sizes.size());
        for (std::size_t image = 0; image < count; ++image) {
            for (std::size_t i = 0; i < sizes.size(); ++i)
                inputs[i] = tensors.of(layer.inputs[i]) + image * sizes[i];
            detail::runConcat(layer, inputs, sizes, out.data() + image * outSize, work);
        }
        break;
    }
    }
}

/// For each layer: true for a conv2d whose output only a following max-pool reads, which
/// runConvMaxPool computes with it (the conv's own output is then never stored).
std::vector<bool> fusedPools(const Network& network)
{
    const auto& layers = network.layers;
    std::vector<bool> fused(layers.size(), false);
    for (std::size_t i = 0; i + 1 < layers.size(); ++i) {
        if (layers[i].type != LayerType::Conv2d || !detail::fusesWithMaxPool(layers[i], layers[i + 1]) ||
            layers[i + 1].inputs != std::vector<std::size_t>{i})
            continue;
        fused[i] = std::none_of(
            layers.begin() + static_cast<std::ptrdiff_t>(i) + 2, layers.end(), [i](const Layer& later) {
                return std::find(later.inputs.begin(), later.inputs.end(), i) != later.inputs.end();
            });
    }
    return fused;
}

/// Conv2d `index` and the max-pool after it (fusedPools) on a batch of `count` images: the pool's
/// output to tensors.outputs[index + 1].
void runConvWithPool(const Network& network, std::size_t index, const PreparedLayer& prepared,
                     std::size_t count, BatchTensors& tensors, Workspace& work)
{
    const Layer& conv = network.layers[index];
    const Layer& pool = network.layers[index + 1];
    const auto inSize = static_cast<std::size_t>(shapeSize(conv.inShape));
    const auto outSize = static_cast<std::size_t>(shapeSize(pool.outShape));
    const std::uint8_t* in = tensors.of(conv.inputs[0]);
    std::vector<std::uint8_t>& out = tensors.outputs[index + 1];
    out.resize(count * outSize);
    for (std::size_t image = 0; image < count; ++image)
        detail::runConvMaxPool(prepared, pool, in + image * inSize, out.data() + image * outSize, work);
}

/// What one worker runs: layers [first, until) on rows [begin, end) of `inputs`; the result rows go
/// to `logits` (until is the layer count) or `activations` (the tensor entering layer `until`).
struct RangeJob {
    const Network* network = nullptr;
    const std::vector<std::vector<PreparedLayer>>* prepared = nullptr;
    LayerInputs inputs;
    std::size_t until = 0;
    std::int32_t* logits = nullptr;
    std::uint8_t* activations = nullptr;
    const IncrementalLayer* incremental = nullptr;    ///< if set, how the first layer runs
    const TensorFaults* faults = nullptr;             ///< if set, the faulty cells under stored data
    const std::vector<std::uint8_t>* codes = nullptr; ///< the codes (for accumulator faults)
    const std::vector<bool>* fusedPools = nullptr;    ///< per layer: runs with its max-pool (fusedPools)
    const detail::ChannelPatch* patch = nullptr;      ///< if set, recomputes channels of the entering tensor
};

/// `count` images of a stored tensor of `size` bytes each, read through `faults`.
void readThrough(const ByteFaults& faults, std::uint8_t* images, std::size_t count, std::size_t size)
{
    if (faults.empty())
        return;
    for (std::size_t image = 0; image < count; ++image)
        applyByteFaults(faults, images + image * size);
}

/// The first layer of a job with an incremental start, on images firstImage .. + count - 1.
void runIncrementalLayer(const RangeJob& job, std::size_t firstImage, std::size_t count, std::int32_t* logits,
                         BatchTensors& tensors, Workspace& work)
{
    std::vector<std::uint8_t>& out = tensors.outputs[job.inputs.layer];
    out.resize(count * detail::accumulatorsPerImage(*job.incremental->layer));
    detail::runIncremental(*job.incremental, tensors.entering.data(), firstImage, count, out.data(), logits,
                           work);
}

/// After layer `index` ran on `count` images: its faulty accumulators recomputed through their
/// words, then its output read through the activation SRAM's faults (a flatten copies bytes
/// already read through those of the tensor it views).
void readThroughFaults(const RangeJob& job, std::size_t index, std::size_t count, std::int32_t* logits,
                       BatchTensors& tensors)
{
    const Layer& layer = job.network->layers[index];
    const auto outSize = static_cast<std::size_t>(shapeSize(layer.outShape));
    std::vector<std::uint8_t>& out = tensors.outputs[index];
    if (const LayerAccumulatorFaults* accumulators = job.faults->accumulatorsOf(index))
        detail::applyAccumulatorFaults(layer, *job.codes, *accumulators, {tensors.of(layer.inputs[0]), count},
                                       out.data(), logits);
    if (layer.type != LayerType::Flatten)
        readThrough(job.faults->of(index), out.data(), count, outSize);
}

/// True if layer `index`'s output or accumulators have faulty cells in the job: stored through
/// them, it must exist on its own.
bool storesFaultyOutput(const RangeJob& job, std::size_t index)
{
    return job.faults != nullptr &&
           (!job.faults->of(index).empty() || job.faults->accumulatorsOf(index) != nullptr);
}

void runRange(const RangeJob& job, std::size_t begin, std::size_t end)
{
    const Network& network = *job.network;
    const std::size_t first = job.inputs.layer;
    const auto inSize = static_cast<std::size_t>(shapeSize(network.layers[first].inShape));
    const bool toLogits = job.until == network.layers.size();
    const std::size_t result = toLogits ? job.until - 1 : network.layers[job.until].inputs[0];
    const auto outSize = static_cast<std::size_t>(shapeSize(network.tensorShape(result)));
    Workspace work;
    BatchTensors tensors;
    tensors.outputs.resize(network.layers.size());
    tensors.enteringProducer = network.layers[first].inputs[0];
    for (std::size_t firstImage = begin; firstImage < end; firstImage += kBatchImages) {
        const std::size_t count = std::min(kBatchImages, end - firstImage);
        tensors.entering.assign(job.inputs.data + firstImage * inSize,
                                job.inputs.data + (firstImage + count) * inSize);
        if (job.faults != nullptr)
            readThrough(job.faults->of(tensors.enteringProducer), tensors.entering.data(), count, inSize);
        if (job.patch != nullptr)
            job.patch->apply(firstImage, count, tensors.entering.data(), work, tensors.patchedChannels);
        std::int32_t* logits = toLogits ? job.logits + firstImage * outSize : nullptr;
        for (std::size_t i = first; i < job.until; ++i) {
            if (i == first && job.incremental != nullptr) {
                runIncrementalLayer(job, firstImage, count, logits, tensors, work);
            } else if ((*job.fusedPools)[i] && i + 1 < job.until && !storesFaultyOutput(job, i)) {
                runConvWithPool(network, i, (*job.prepared)[i][0], count, tensors, work);
                ++i; // the pool's output is ready
            } else {
                runLayer(network, i, (*job.prepared)[i], count, logits, tensors, work);
            }
            if (job.faults != nullptr)
                readThroughFaults(job, i, count, logits, tensors);
        }
        if (!toLogits)
            std::copy_n(tensors.of(result), count * outSize, job.activations + firstImage * outSize);
    }
}

/// Calls job(begin, end) on `workers` threads over consecutive ranges of [0, count) (on this
/// thread if one).
template <class Job> void inParallel(std::size_t count, std::size_t workers, const Job& job)
{
    if (workers == 1) {
        job(std::size_t{0}, count);
        return;
    }
    std::vector<std::thread> pool;
    for (std::size_t worker = 0; worker < workers; ++worker)
        pool.emplace_back(job, count * worker / workers, count * (worker + 1) / workers);
    for (auto& thread : pool)
        thread.join();
}

} // namespace

IntegerReference::IntegerReference(const ModelPackage& package, unsigned threads)
    : m_network(package.network), m_blobBytes(package.codes.size()),
      m_threads(threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency()))
{
    m_groupLayers.resize(m_network.layers.size());
    for (std::size_t i = 0; i < m_network.layers.size(); ++i)
        if (m_network.layers[i].type == LayerType::Conv2d && !detail::isDepthwise(m_network.layers[i]))
            m_groupLayers[i] = detail::convGroups(m_network.layers[i]);
    m_fusedPools = fusedPools(m_network);
}

std::size_t IntegerReference::workersFor(std::size_t count) const
{
    return std::max<std::size_t>(1, std::min<std::size_t>(m_threads, count / kMinImagesPerThread));
}

void IntegerReference::checkCodes(const std::vector<std::uint8_t>& codes) const
{
    if (codes.size() != m_blobBytes)
        throw std::invalid_argument("IntegerReference: got " + std::to_string(codes.size()) +
                                    " codes, the package has " + std::to_string(m_blobBytes));
}

void IntegerReference::run(const std::vector<std::uint8_t>& codes, const LayerInputs& inputs,
                           std::size_t until, std::int32_t* logits, std::uint8_t* activations,
                           const detail::IncrementalLayer* incremental, const TensorFaults* faults,
                           const detail::ChannelPatch* patch) const
{
    checkCodes(codes);
    if (faults != nullptr && !faults->any())
        faults = nullptr;
    if (faults != nullptr &&
        (faults->byTensor.size() != m_network.layers.size() + 1 ||
         (!faults->accumulators.empty() && faults->accumulators.size() != m_network.layers.size())))
        throw std::invalid_argument(
            "IntegerReference: faults for " + std::to_string(faults->byTensor.size()) + " tensors and " +
            std::to_string(faults->accumulators.size()) + " layers, the network has " +
            std::to_string(m_network.layers.size() + 1) + " tensors");
    if (inputs.layer >= until || until > m_network.layers.size())
        throw std::invalid_argument("IntegerReference: layers " + std::to_string(inputs.layer) + " to " +
                                    std::to_string(until) + " of " + std::to_string(m_network.layers.size()));
    for (const std::size_t cut : {inputs.layer, until})
        if (cut < m_network.layers.size() && !m_network.isCutPoint(cut))
            throw std::invalid_argument("IntegerReference: layer " + std::to_string(cut) +
                                        " is not a cut point of the graph (later layers read other tensors)");
    const std::vector<std::vector<PreparedLayer>> prepared = prepareLayers(
        m_groupLayers, m_network, codes, inputs.layer + (incremental != nullptr ? 1 : 0), until);
    const RangeJob job{&m_network,  &prepared, inputs, until,         logits, activations,
                       incremental, faults,    &codes, &m_fusedPools, patch};
    inParallel(inputs.count, workersFor(inputs.count),
               [&job](std::size_t begin, std::size_t end) { runRange(job, begin, end); });
}

IntegerReference::Logits IntegerReference::logits(const std::vector<std::uint8_t>& codes,
                                                  const LayerInputs& inputs, const TensorFaults* faults) const
{
    Logits result(static_cast<Eigen::Index>(inputs.count), m_network.dataset.numClasses);
    run(codes, inputs, m_network.layers.size(), result.data(), nullptr, nullptr, faults);
    return result;
}

IntegerReference::Logits IntegerReference::logits(const std::vector<std::uint8_t>& codes,
                                                  const std::uint8_t* images, std::size_t count,
                                                  const TensorFaults* faults) const
{
    return logits(codes, LayerInputs{0, images, count}, faults);
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
                                          const Label* labels, const TensorFaults* faults) const
{
    return countErrors(logits(codes, inputs, faults), labels);
}

std::size_t IntegerReference::countErrors(const Logits& logits, const Label* labels)
{
    const auto classes = static_cast<std::size_t>(logits.cols());
    std::size_t errors = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(logits.rows()); ++i)
        errors += argmaxLowest(logits.data() + i * classes, classes) != labels[i];
    return errors;
}

std::size_t IntegerReference::countErrors(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                                          const Label* labels, std::size_t count) const
{
    return countErrors(codes, LayerInputs{0, images, count}, labels);
}

bool IntegerReference::supportsIncremental(std::size_t layer) const
{
    return layer < m_network.layers.size() && m_network.isCutPoint(layer) &&
           m_network.layers[layer].hasParameters() && detail::supportsIncremental(m_network.layers[layer]);
}

std::size_t IntegerReference::accumulatorBytesPerImage(std::size_t layer) const
{
    const Layer& described = m_network.layers.at(layer);
    return (detail::accumulatorsPerImage(described) + detail::inputSumsPerImage(described)) *
           sizeof(std::int32_t);
}

LayerAccumulators IntegerReference::accumulators(const std::vector<std::uint8_t>& codes,
                                                 const LayerInputs& inputs) const
{
    checkCodes(codes);
    if (!supportsIncremental(inputs.layer))
        throw std::invalid_argument(
            "IntegerReference: layer " + std::to_string(inputs.layer) +
            " has no incremental inference (a cut point, conv2d with one group or linear)");
    const Layer& layer = m_network.layers[inputs.layer];
    const PreparedLayer prepared = detail::prepareLayer(layer, codes, activeKernelPath());
    LayerAccumulators result{inputs.layer, inputs.count, {}, {}};
    const std::size_t outSize = detail::accumulatorsPerImage(layer);
    const std::size_t sumsSize = detail::inputSumsPerImage(layer);
    const auto inSize = static_cast<std::size_t>(shapeSize(layer.inShape));
    result.sums.resize(inputs.count * outSize);
    result.inputSums.resize(inputs.count * sumsSize);
    inParallel(inputs.count, workersFor(inputs.count), [&](std::size_t begin, std::size_t end) {
        Workspace work;
        for (std::size_t first = begin; first < end; first += kBatchImages) {
            const std::size_t count = std::min(kBatchImages, end - first);
            detail::storeAccumulators(prepared, inputs.data + first * inSize, count,
                                      result.sums.data() + first * outSize,
                                      result.inputSums.data() + first * sumsSize, work);
        }
    });
    return result;
}

IntegerReference::Logits IntegerReference::logits(const std::vector<std::uint8_t>& codes,
                                                  const LayerInputs& inputs, const LayerAccumulators& clean,
                                                  const std::vector<std::uint8_t>& cleanCodes,
                                                  const TensorFaults* faults) const
{
    checkCodes(cleanCodes);
    checkCodes(codes);
    if (clean.layer != inputs.layer || clean.count != inputs.count || !supportsIncremental(inputs.layer))
        throw std::invalid_argument("IntegerReference: the clean accumulators are of layer " +
                                    std::to_string(clean.layer) + " for " + std::to_string(clean.count) +
                                    " inputs, not of layer " + std::to_string(inputs.layer) + " for " +
                                    std::to_string(inputs.count));
    if (faults != nullptr && faults->byTensor.size() == m_network.layers.size() + 1 &&
        !faults->of(m_network.layers[inputs.layer].inputs[0]).empty())
        throw std::invalid_argument("IntegerReference: incremental inference of layer " +
                                    std::to_string(inputs.layer) + " needs its input tensor without faults");
    const Layer& layer = m_network.layers[inputs.layer];
    const IncrementalLayer incremental{&layer,
                                       activeKernelPath(),
                                       clean.sums.data(),
                                       clean.inputSums.data(),
                                       detail::weightFlips(layer, codes, cleanCodes),
                                       detail::biasTerms(layer, codes)};
    Logits result(static_cast<Eigen::Index>(inputs.count), m_network.dataset.numClasses);
    run(codes, inputs, m_network.layers.size(), result.data(), nullptr, &incremental, faults);
    return result;
}

std::size_t IntegerReference::patchedLayer(std::size_t source) const
{
    return detail::patchedLayer(m_network, m_fusedPools, source);
}

std::vector<std::size_t> IntegerReference::changedFilters(std::size_t layer,
                                                          const std::vector<std::uint8_t>& codes,
                                                          const std::vector<std::uint8_t>& cleanCodes) const
{
    checkCodes(cleanCodes);
    checkCodes(codes);
    if (layer >= m_network.layers.size() || m_network.layers[layer].type != LayerType::Conv2d)
        throw std::invalid_argument("IntegerReference: layer " + std::to_string(layer) + " is not a conv2d");
    return detail::changedFilters(m_network.layers[layer], codes, cleanCodes);
}

IntegerReference::Logits IntegerReference::logits(const std::vector<std::uint8_t>& codes,
                                                  const LayerInputs& inputs, const LayerInputs& source,
                                                  const std::vector<std::uint8_t>& cleanCodes) const
{
    checkCodes(cleanCodes);
    checkCodes(codes);
    if (patchedLayer(source.layer) != inputs.layer || source.count != inputs.count)
        throw std::invalid_argument("IntegerReference: channels of layer " + std::to_string(source.layer) +
                                    " for " + std::to_string(source.count) + " inputs cannot patch layer " +
                                    std::to_string(inputs.layer) + "'s input for " +
                                    std::to_string(inputs.count) + " inputs");
    const Layer& conv = m_network.layers[source.layer];
    const detail::ChannelPatch patch(
        conv, m_fusedPools[source.layer] ? &m_network.layers[source.layer + 1] : nullptr,
        detail::changedFilters(conv, codes, cleanCodes), codes, activeKernelPath(), source);
    Logits result(static_cast<Eigen::Index>(inputs.count), m_network.dataset.numClasses);
    run(codes, inputs, m_network.layers.size(), result.data(), nullptr, nullptr, nullptr, &patch);
    return result;
}

} // namespace voltsim::workloads
