#include "voltsim/sim/engine/FunctionalEvaluator.hpp"

#include "voltsim/models/accelerator/WeightTensors.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>
#include <string>
#include <utility>

namespace voltsim::sim {

ChipPool::ChipPool(std::shared_ptr<const memory::SramProfile> profile, memory::ChipOptions options)
    : m_profile(std::move(profile)), m_options(std::move(options))
{
}

memory::SramChip& ChipPool::chip(std::uint64_t seed)
{
    auto found = m_chips.find(seed);
    if (found == m_chips.end())
        found = m_chips.emplace(seed, std::make_unique<memory::SramChip>(m_profile, seed, m_options)).first;
    return *found->second;
}

BufferCells::BufferCells(const models::AcceleratorSpecs& specs, const workloads::Network& network)
    : m_specs(specs), m_network(network),
      m_map(models::planActivations(network, specs.activationSram.sizeBytes))
{
}

const memory::BufferSram* BufferCells::cells(const models::BufferSpecs& buffer, const std::string& name,
                                             std::uint64_t seed, const memory::OperatingPoint& weightPoint)
{
    const memory::OperatingPoint point = models::bufferOperatingPoint(m_specs, buffer, weightPoint);
    if (!models::cellsFailAt(*m_specs.weightSram.profile, point))
        return nullptr;
    std::unique_ptr<memory::BufferSram>& cells = m_cells[{name, seed}];
    if (!cells)
        cells = models::makeBufferCells(m_specs, buffer, name, seed);
    cells->setOperatingPoint(point);
    return cells.get();
}

workloads::TensorFaults BufferCells::faults(std::uint64_t seed, const memory::OperatingPoint& weightPoint)
{
    const memory::BufferSram* activation = cells(m_specs.activationSram, "activation", seed, weightPoint);
    const memory::BufferSram* accumulator = cells(m_specs.accumulatorSram, "accumulator", seed, weightPoint);
    return models::storedFaults(m_network, m_specs.array, m_map, activation, accumulator);
}

std::uint64_t differingBits(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b)
{
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        bits += static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(a[i] ^ b[i])));
    return bits;
}

FunctionalEvaluator::FunctionalEvaluator(const workloads::ModelPackage& package, const ImageSet& images,
                                         const memory::WeightLayoutConfig& layout, unsigned threads,
                                         IncrementalOptions incremental)
    : m_package(package), m_images(images), m_layout(layout), m_reference(package, threads),
      m_tensors(models::weightTensors(package)), m_incremental(incremental)
{
    m_storedBits = package.network.codeBits();
    m_cleanPredictions = m_reference.classify(package.codes, images.pixels, images.count);
    const auto inputSize = static_cast<std::size_t>(package.network.inputSize());
    for (std::size_t i = 0; i < images.count; ++i) {
        if (m_cleanPredictions[i] != images.labels[i]) {
            ++m_cleanErrors;
            continue;
        }
        m_correctPixels.insert(m_correctPixels.end(), images.pixels + i * inputSize,
                               images.pixels + (i + 1) * inputSize);
        m_correctLabels.push_back(images.labels[i]);
    }
    cacheCleanInputs();
    cacheCleanAccumulators();
    cachePatches();
}

void FunctionalEvaluator::cacheCleanInputs()
{
    const auto& layers = m_package.network.layers;
    workloads::LayerInputs from{0, m_correctPixels.data(), m_correctLabels.size()};
    if (from.count == 0)
        return;
    m_cleanInputs.reserve(layers.size());
    for (std::size_t layer = 1; layer < layers.size(); ++layer) {
        // Only where the rest of the graph needs nothing but this layer's input.
        if (!layers[layer].hasParameters() || !m_package.network.isCutPoint(layer))
            continue;
        m_cleanInputs.push_back({layer, m_reference.activations(m_package.codes, from, layer)});
        from = {layer, m_cleanInputs.back().activations.data(), from.count};
    }
}

void FunctionalEvaluator::cacheCleanAccumulators()
{
    const std::size_t count = m_correctLabels.size();
    if (count == 0 || m_incremental.policy == IncrementalOptions::Policy::Never)
        return;
    for (std::size_t layer = m_package.network.layers.size(); layer-- > 0;) {
        const workloads::LayerInputs inputs = cleanInputsUpTo(layer);
        if (!m_reference.supportsIncremental(layer) || inputs.layer != layer)
            continue;
        const std::size_t bytes = m_reference.accumulatorBytesPerImage(layer) * count;
        if (m_accumulatorBytes + bytes > m_incremental.budgetBytes)
            continue;
        CleanAccumulators kept{m_reference.accumulators(m_package.codes, inputs)};
        if (m_incremental.policy == IncrementalOptions::Policy::Auto)
            measureCosts(inputs, kept);
        m_accumulatorBytes += bytes;
        m_accumulators.emplace(layer, std::move(kept));
    }
}

namespace {

/// CPU time of the calling thread in seconds (what other jobs on the machine change least).
double threadSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

/// The shortest of three runs of `work`, in seconds of the calling thread's CPU time.
template <class Work> double fastestOfThree(const Work& work)
{
    double best = 0;
    for (int run = 0; run < 3; ++run) {
        const double start = threadSeconds();
        work();
        const double seconds = threadSeconds() - start;
        best = run == 0 ? seconds : std::min(best, seconds);
    }
    return best;
}

} // namespace

void FunctionalEvaluator::measureCosts(const workloads::LayerInputs& inputs, CleanAccumulators& kept) const
{
    constexpr std::size_t kSampleImages = 256;
    constexpr std::size_t kSampleFlips = 64;
    const workloads::LayerInputs sample{inputs.layer, inputs.data, std::min(inputs.count, kSampleImages)};
    const workloads::LayerAccumulators clean = m_reference.accumulators(m_package.codes, sample);
    // Bit 0 of codes spread over the layer's weights: a valid code either way.
    const workloads::QuantizedTensor& weight = *m_package.network.layers[inputs.layer].weight;
    const std::size_t flips = std::min(weight.count, kSampleFlips);
    std::vector<std::uint8_t> flipped = m_package.codes;
    for (std::size_t i = 0; i < flips; ++i)
        flipped[weight.blobOffset + i * (weight.count / flips)] ^= 1;
    // One thread, timed in its CPU time: the ratios are what matters, and they hold for any thread count.
    const workloads::IntegerReference reference(m_package, 1);
    const std::vector<std::uint8_t>& codes = m_package.codes;
    kept.dense = fastestOfThree([&] { reference.logits(codes, sample); });
    const double sampleBase = fastestOfThree([&] { reference.logits(codes, sample, clean, codes); });
    const double withFlips = fastestOfThree([&] { reference.logits(flipped, sample, clean, codes); });
    kept.perFlip = std::max(0.0, withFlips - sampleBase) / static_cast<double>(flips);
    // The sample's accumulators stay in the cache; all of them stream from memory, which can cost
    // more than the dense layer: the base is one pass over every input, scaled to the sample.
    const double start = threadSeconds();
    reference.logits(codes, inputs, kept.clean, codes);
    kept.base =
        (threadSeconds() - start) * static_cast<double>(sample.count) / static_cast<double>(inputs.count);
}

void FunctionalEvaluator::cachePatches()
{
    if (m_correctLabels.empty() || m_incremental.policy == IncrementalOptions::Policy::Never)
        return;
    for (std::size_t layer = 0; layer < m_package.network.layers.size(); ++layer) {
        const std::size_t patched = m_reference.patchedLayer(layer);
        if (patched == m_package.network.layers.size() || cleanInputsUpTo(layer).layer != layer ||
            cleanInputsUpTo(patched).layer != patched)
            continue;
        PatchCosts costs{patched};
        if (m_incremental.policy == IncrementalOptions::Policy::Auto)
            measurePatchCosts(cleanInputsUpTo(layer), costs);
        m_patches.emplace(layer, costs);
    }
}

void FunctionalEvaluator::measurePatchCosts(const workloads::LayerInputs& source, PatchCosts& costs) const
{
    constexpr std::size_t kSampleImages = 256;
    const std::size_t count = std::min(source.count, kSampleImages);
    const workloads::LayerInputs sampleSource{source.layer, source.data, count};
    const workloads::LayerInputs sampleResumed{costs.patched, cleanInputsUpTo(costs.patched).data, count};
    // Bit 0 of every bias code (a valid code either way): every filter recomputed.
    const workloads::QuantizedTensor& bias = *m_package.network.layers[source.layer].bias;
    std::vector<std::uint8_t> flipped = m_package.codes;
    for (std::size_t i = 0; i < bias.count; ++i)
        flipped[bias.blobOffset + i] ^= 1;
    const workloads::IntegerReference reference(m_package, 1);
    const std::vector<std::uint8_t>& codes = m_package.codes;
    costs.dense = fastestOfThree([&] { reference.logits(codes, sampleSource); });
    costs.base = fastestOfThree([&] { reference.logits(codes, sampleResumed); });
    const double everyFilter =
        fastestOfThree([&] { reference.logits(flipped, sampleResumed, sampleSource, codes); });
    costs.perChannel = std::max(0.0, everyFilter - costs.base) / static_cast<double>(bias.count);
}

namespace {

/// The layers a map by layer holds, in layer order.
template <class ByLayer> std::vector<std::size_t> layersOf(const ByLayer& byLayer)
{
    std::vector<std::size_t> layers;
    layers.reserve(byLayer.size());
    for (const auto& entry : byLayer)
        layers.push_back(entry.first);
    return layers;
}

/// True if resuming costs less than dense inference: base + perUnit * units < dense.
bool resumingIsCheaper(double dense, double base, double perUnit, std::size_t units)
{
    return base + perUnit * static_cast<double>(units) < dense;
}

} // namespace

std::vector<std::size_t> FunctionalEvaluator::patchableLayers() const
{
    return layersOf(m_patches);
}

bool FunctionalEvaluator::prefersPatch(std::size_t layer, std::size_t changedFilters) const
{
    const auto found = m_patches.find(layer);
    if (found == m_patches.end())
        return false;
    const PatchCosts& costs = found->second;
    return m_incremental.policy == IncrementalOptions::Policy::Always ||
           resumingIsCheaper(costs.dense, costs.base, costs.perChannel, changedFilters);
}

std::vector<std::size_t> FunctionalEvaluator::incrementalLayers() const
{
    return layersOf(m_accumulators);
}

bool FunctionalEvaluator::prefersIncremental(std::size_t layer, std::size_t flippedCodes) const
{
    const auto found = m_accumulators.find(layer);
    if (found == m_accumulators.end())
        return false;
    const CleanAccumulators& kept = found->second;
    return m_incremental.policy == IncrementalOptions::Policy::Always ||
           resumingIsCheaper(kept.dense, kept.base, kept.perFlip, flippedCodes);
}

std::size_t FunctionalEvaluator::flippedWeightCodes(std::size_t layer,
                                                    const std::vector<std::uint8_t>& codes) const
{
    const workloads::QuantizedTensor& weight = *m_package.network.layers[layer].weight;
    std::size_t flipped = 0;
    for (std::size_t i = weight.blobOffset; i < weight.blobOffset + weight.count; ++i)
        flipped += codes[i] != m_package.codes[i];
    return flipped;
}

workloads::LayerInputs FunctionalEvaluator::cleanInputsUpTo(std::size_t layer) const
{
    workloads::LayerInputs inputs{0, m_correctPixels.data(), m_correctLabels.size()};
    for (const CleanInputs& cached : m_cleanInputs)
        if (cached.layer <= layer)
            inputs = {cached.layer, cached.activations.data(), m_correctLabels.size()};
    return inputs;
}

std::size_t FunctionalEvaluator::firstChangedLayer(const std::vector<std::uint8_t>& codes) const
{
    for (const workloads::ParameterTensor& tensor : m_package.network.parameterTensors()) {
        const auto begin = static_cast<std::ptrdiff_t>(tensor.blobOffset);
        const auto end = begin + static_cast<std::ptrdiff_t>(tensor.count);
        if (!std::equal(codes.begin() + begin, codes.begin() + end, m_package.codes.begin() + begin))
            return tensor.layer;
    }
    return m_package.network.layers.size();
}

std::vector<std::uint8_t> readBackCodes(const workloads::ModelPackage& package,
                                        const std::vector<memory::CodeTensorView>& tensors,
                                        const memory::WeightLayoutConfig& layout, memory::SramChip& chip,
                                        const memory::OperatingPoint& point, std::uint64_t* bitsReadWrong)
{
    chip.setOperatingPoint(point);
    chip.resetStats();
    memory::WeightMemory memory(chip, layout);
    const std::vector<std::vector<std::uint8_t>> read = memory.readBack(tensors);
    const std::vector<workloads::ParameterTensor> placed = package.network.parameterTensors();
    std::vector<std::uint8_t> codes = package.codes;
    for (std::size_t t = 0; t < tensors.size(); ++t)
        std::copy(read[t].begin(), read[t].end(),
                  codes.begin() + static_cast<std::ptrdiff_t>(placed[t].blobOffset));
    if (bitsReadWrong != nullptr)
        *bitsReadWrong = chip.totalStats().bitsFlipped;
    chip.resetStats();
    return codes;
}

std::vector<std::uint8_t> FunctionalEvaluator::faultyCodes(memory::SramChip& chip,
                                                           const memory::OperatingPoint& point,
                                                           std::uint64_t* bitsReadWrong) const
{
    return readBackCodes(m_package, m_tensors, m_layout, chip, point, bitsReadWrong);
}

std::vector<std::int32_t> FunctionalEvaluator::logits(const std::vector<std::uint8_t>& codes,
                                                      const workloads::TensorFaults* activations) const
{
    const workloads::IntegerReference::Logits all =
        m_reference.logits(codes, m_images.pixels, m_images.count, activations);
    return {all.data(), all.data() + all.size()};
}

std::size_t FunctionalEvaluator::firstFaultyLayer(const workloads::TensorFaults& activations) const
{
    const auto& layers = m_package.network.layers;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (activations.accumulatorsOf(i) != nullptr)
            return i;
        if (layers[i].type == workloads::LayerType::Flatten)
            continue;
        for (const std::size_t producer : layers[i].inputs)
            if (!activations.of(producer).empty())
                return i;
    }
    return layers.size();
}

std::uint64_t FunctionalEvaluator::robustErrors(const std::vector<std::uint8_t>& codes,
                                                const workloads::TensorFaults* activations) const
{
    if (codes.size() != m_package.codes.size())
        throw std::invalid_argument("FunctionalEvaluator: got " + std::to_string(codes.size()) +
                                    " codes, the package has " + std::to_string(m_package.codes.size()));
    const workloads::TensorFaults* faults =
        activations != nullptr && activations->any() ? activations : nullptr;
    const std::size_t changed = firstChangedLayer(codes);
    const std::size_t start = faults != nullptr ? std::min(changed, firstFaultyLayer(*faults)) : changed;
    if (m_correctLabels.empty() || start == m_package.network.layers.size())
        return m_cleanErrors;
    const workloads::LayerInputs inputs = cleanInputsUpTo(start);
    const bool cleanEntering =
        faults == nullptr || faults->of(m_package.network.layers[inputs.layer].inputs[0]).empty();
    workloads::IntegerReference::Logits logits;
    if (start == changed && cleanEntering &&
        prefersIncremental(changed, flippedWeightCodes(changed, codes))) {
        logits = m_reference.logits(codes, inputs, m_accumulators.at(changed).clean, m_package.codes, faults);
    } else if (const auto patch = m_patches.find(changed);
               start == changed && faults == nullptr && patch != m_patches.end() &&
               prefersPatch(changed, m_reference.changedFilters(changed, codes, m_package.codes).size())) {
        logits = m_reference.logits(codes, cleanInputsUpTo(patch->second.patched), inputs, m_package.codes);
    } else {
        logits = m_reference.logits(codes, inputs, faults);
    }
    return m_cleanErrors + workloads::IntegerReference::countErrors(logits, m_correctLabels.data());
}

ChipOutcome FunctionalEvaluator::evaluateChip(memory::SramChip& chip, const memory::OperatingPoint& point,
                                              const workloads::TensorFaults* activations) const
{
    ChipOutcome outcome;
    outcome.seed = chip.seed();
    const std::vector<std::uint8_t> codes = faultyCodes(chip, point, &outcome.flips);
    outcome.faultyCells = chip.faultCounts().faultyCells;
    outcome.ber = chip.bitErrorRate();
    if (activations != nullptr && activations->any()) {
        outcome.robustErrors = robustErrors(codes, activations);
        return outcome;
    }
    if (codes == m_package.codes) { // no flip, or every one corrected by the protection
        outcome.robustErrors = m_cleanErrors;
        return outcome;
    }
    const auto cached = m_errorsByCodes.find(codes);
    outcome.robustErrors = cached != m_errorsByCodes.end() ? cached->second : robustErrors(codes);
    if (cached == m_errorsByCodes.end())
        m_errorsByCodes.emplace(codes, outcome.robustErrors);
    return outcome;
}

} // namespace voltsim::sim
