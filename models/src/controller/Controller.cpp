#include "voltsim/models/controller/Controller.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/models/array/FoldSchedule.hpp"
#include "voltsim/models/ppu/PostProcessor.hpp"
#include "voltsim/models/tlm/Payload.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace voltsim::models {
namespace {

using workloads::Layer;
using workloads::LayerType;

/// The K x N weight matrix of a layer: weights(k, n) = codes[n * K + k] (PyTorch's weight[n].reshape(-1)).
CodeMatrix weightMatrix(const std::vector<std::uint8_t>& codes, std::int64_t k, std::int64_t n)
{
    CodeMatrix weights(k, n);
    for (std::int64_t col = 0; col < n; ++col)
        for (std::int64_t row = 0; row < k; ++row)
            weights(row, col) = codes[static_cast<std::size_t>(col * k + row)];
    return weights;
}

/// Rows of a linear layer: one per image, the activations as they lie.
CodeMatrix lowerLinear(const std::vector<std::uint8_t>& activations, std::int64_t images, std::int64_t k)
{
    CodeMatrix inputs(images, k);
    std::copy(activations.begin(), activations.begin() + images * k, inputs.data());
    return inputs;
}

std::vector<std::int32_t> rowSums(const CodeMatrix& inputs)
{
    std::vector<std::int32_t> sums(static_cast<std::size_t>(inputs.rows()));
    for (std::int64_t row = 0; row < inputs.rows(); ++row)
        sums[static_cast<std::size_t>(row)] = inputs.row(row).cast<std::int32_t>().sum();
    return sums;
}

/// Partial sums one fold holds (int32 elements) for one image: the fold's spatial outputs.
std::int64_t foldOutputs(const workloads::GemmShape& shape, const ArraySpec& spec)
{
    const std::int64_t rows = std::min(spec.rows, shape.m);
    switch (spec.dataflow) {
    case Dataflow::OS:
        return rows * std::min(spec.cols, shape.n);
    case Dataflow::WS:
        return shape.m * std::min(spec.cols, shape.n);
    case Dataflow::IS:
        return std::min(spec.cols, shape.m) * shape.n;
    }
    return 0;
}

/// Throws InputError "<key>.size_kib: ..." if `bytes` of `what` exceed `capacityBytes` (a part of
/// the buffer `key` of `specs`, e.g. one half when double-buffered).
void requireFits(const std::string& key, const BufferSpecs& specs, std::uint64_t bytes,
                 std::uint64_t capacityBytes, const std::string& what)
{
    if (bytes > capacityBytes)
        throw InputError(key + ".size_kib: " + what + " needs " + std::to_string(bytes) + " bytes but only " +
                         std::to_string(capacityBytes) + " of " + std::to_string(specs.sizeBytes) +
                         " bytes are available for it");
}

/// The layer one group of a grouped conv2d computes: C_in / groups inputs, C_out / groups outputs
/// (a layer with one group is itself).
Layer groupPart(const Layer& layer)
{
    Layer part = layer;
    part.inShape[0] /= layer.groups;
    part.outShape[0] /= layer.groups;
    part.groups = 1;
    return part;
}

/// Group `group`'s block of `size` values out of each of `images` images of `imageSize` values.
std::vector<std::uint8_t> groupSlice(const std::vector<std::uint8_t>& values, std::int64_t images,
                                     std::size_t imageSize, std::size_t size, std::size_t group)
{
    std::vector<std::uint8_t> slice;
    slice.reserve(static_cast<std::size_t>(images) * size);
    for (std::int64_t image = 0; image < images; ++image) {
        const auto begin = values.begin() + static_cast<std::ptrdiff_t>(
                                                static_cast<std::size_t>(image) * imageSize + group * size);
        slice.insert(slice.end(), begin, begin + static_cast<std::ptrdiff_t>(size));
    }
    return slice;
}

/// The timing of `groups` identical GEMMs run one after another: counts add up, ratios stay.
void addGroupTiming(LayerTiming& total, const LayerTiming& group)
{
    total.totalCycles += group.totalCycles;
    total.stallCycles += group.stallCycles;
    total.folds += group.folds;
    total.macs += group.macs;
    total.ifmapSramReads += group.ifmapSramReads;
    total.filterSramReads += group.filterSramReads;
    total.ofmapSramWrites += group.ofmapSramWrites;
    total.ofmapSramReads += group.ofmapSramReads;
    total.overallUtil = group.overallUtil;
    total.mappingEfficiency = group.mappingEfficiency;
    total.computeUtil = group.computeUtil;
}

/// uint8 values an element-wise (PPU) layer reads per image: every window element of a pool, both
/// inputs of an add, every input of a concat; 0 for flatten.
std::uint64_t ppuReadsPerImage(const workloads::Network& network, const Layer& layer)
{
    const auto outputs = static_cast<std::uint64_t>(workloads::shapeSize(layer.outShape));
    switch (layer.type) {
    case LayerType::MaxPool2d:
    case LayerType::AvgPool2d:
        return outputs * static_cast<std::uint64_t>(layer.kernelH) *
               static_cast<std::uint64_t>(layer.kernelW);
    case LayerType::GlobalAvgPool:
        return static_cast<std::uint64_t>(workloads::shapeSize(layer.inShape));
    case LayerType::Add:
    case LayerType::Concat: {
        std::uint64_t reads = 0;
        for (const std::size_t producer : layer.inputs)
            reads += static_cast<std::uint64_t>(workloads::shapeSize(network.tensorShape(producer)));
        return reads;
    }
    case LayerType::Conv2d:
    case LayerType::Linear:
    case LayerType::Flatten:
        break;
    }
    return 0;
}

} // namespace

CodeMatrix lowerConv(const std::vector<std::uint8_t>& activations, std::int64_t images, const Layer& layer)
{
    const std::int64_t channels = layer.inShape[0], h = layer.inShape[1], w = layer.inShape[2];
    const std::int64_t oh = layer.outShape[1], ow = layer.outShape[2];
    const std::int64_t fh = layer.kernelH, fw = layer.kernelW;
    CodeMatrix inputs = CodeMatrix::Zero(images * oh * ow, channels * fh * fw);
    for (std::int64_t image = 0; image < images; ++image) {
        const std::uint8_t* in = activations.data() + image * channels * h * w;
        for (std::int64_t y = 0; y < oh; ++y)
            for (std::int64_t x = 0; x < ow; ++x) {
                std::uint8_t* row = inputs.row((image * oh + y) * ow + x).data();
                for (std::int64_t c = 0; c < channels; ++c)
                    for (std::int64_t ky = 0; ky < fh; ++ky) {
                        const std::int64_t iy = y * layer.stride - layer.padding + ky;
                        if (iy < 0 || iy >= h)
                            continue;
                        for (std::int64_t kx = 0; kx < fw; ++kx) {
                            const std::int64_t ix = x * layer.stride - layer.padding + kx;
                            if (ix >= 0 && ix < w)
                                row[(c * fh + ky) * fw + kx] = in[(c * h + iy) * w + ix];
                        }
                    }
            }
    }
    return inputs;
}

Controller::Controller(const sc_core::sc_module_name& name, const AcceleratorSpecs& specs,
                       const workloads::Network& network, const memory::WeightLayout& weightLayout,
                       const memory::WeightPlan& weightPlan)
    : sc_core::sc_module(name), toWeightSram("to_weight_sram"), array("array"),
      activationSram("activation_sram"), accumulatorSram("accumulator_sram"), dma("dma"), m_specs(specs),
      m_network(network), m_weightLayout(weightLayout), m_weightPlan(weightPlan),
      m_tensors(network.parameterTensors()), m_layerSteps(network.layers.size(), {0, 0}),
      m_period(specs.clockPeriodNs(), sc_core::SC_NS)
{
    for (std::size_t s = m_weightPlan.steps.size(); s-- > 0;) {
        auto& [first, end] = m_layerSteps.at(m_weightPlan.steps[s].group);
        end = end == 0 ? s + 1 : end;
        first = s;
    }
    for (const Layer& layer : network.layers) {
        LayerStats stats;
        stats.name = layer.name;
        stats.type = workloads::layerTypeName(layer.type);
        if (layer.hasParameters()) {
            const std::int64_t pixels =
                layer.type == LayerType::Conv2d ? layer.outShape[1] * layer.outShape[2] : 1;
            stats.shape = workloads::GemmShape{pixels, layer.fanIn(), layer.outShape[0] / layer.groups};
        }
        m_layers.push_back(stats);
    }
    checkBufferCapacities();
    m_activationMap = planActivations(network, specs.activationSram.sizeBytes);
}

void Controller::checkBufferCapacities() const
{
    const std::uint64_t activationHalf = m_specs.activationSram.sizeBytes / 2;
    requireFits("activation_sram", m_specs.activationSram, static_cast<std::uint64_t>(m_network.inputSize()),
                activationHalf, "the input image");
    for (std::size_t i = 0; i < m_network.layers.size(); ++i) {
        const Layer& layer = m_network.layers[i];
        const auto outputs = static_cast<std::uint64_t>(workloads::shapeSize(layer.outShape));
        if (layer.hasParameters())
            requireFits("accumulator_sram", m_specs.accumulatorSram,
                        4 * static_cast<std::uint64_t>(foldOutputs(m_layers[i].shape, m_specs.array)),
                        m_specs.accumulatorSram.sizeBytes,
                        "layer " + layer.name + ": partial sums of one fold");
        const bool logits = layer.hasParameters() && layer.requant->int32Output;
        if (!logits && layer.type != LayerType::Flatten)
            requireFits("activation_sram", m_specs.activationSram, outputs, activationHalf,
                        "layer " + layer.name + " output");
        requireFits("activation_sram", m_specs.activationSram, liveBytes(i), m_specs.activationSram.sizeBytes,
                    "layer " + layer.name +
                        ": the tensors live while it runs (its inputs, its output and the skip "
                        "tensors later layers still read)");
    }
}

std::uint64_t Controller::liveBytes(std::size_t index) const
{
    // A flatten's output is its input's bytes: readers of a flatten keep its input alive.
    const auto storage = [&](std::size_t producer) {
        while (producer != workloads::kNetworkInput && m_network.layers[producer].type == LayerType::Flatten)
            producer = m_network.layers[producer].inputs[0];
        return producer == workloads::kNetworkInput ? m_network.layers.size() : producer;
    };
    std::vector<std::size_t> lastReader(m_network.layers.size() + 1, 0); // [layers]: the network input
    for (std::size_t i = 0; i < m_network.layers.size(); ++i)
        for (const std::size_t producer : m_network.layers[i].inputs)
            lastReader[storage(producer)] = std::max(lastReader[storage(producer)], i);
    const Layer& layer = m_network.layers[index];
    const bool view =
        layer.type == LayerType::Flatten || (layer.hasParameters() && layer.requant->int32Output);
    std::uint64_t bytes = view ? 0 : static_cast<std::uint64_t>(workloads::shapeSize(layer.outShape));
    if (lastReader.back() >= index)
        bytes += static_cast<std::uint64_t>(m_network.inputSize());
    for (std::size_t producer = 0; producer < index; ++producer)
        if (lastReader[producer] >= index && m_network.layers[producer].type != LayerType::Flatten)
            bytes += static_cast<std::uint64_t>(workloads::shapeSize(m_network.layers[producer].outShape));
    return bytes;
}

nlohmann::json Controller::statsJson() const
{
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerStats& layer : m_layers)
        layers.push_back(layerStatsJson(layer));
    return nlohmann::json{{"layers", layers}};
}

std::int64_t Controller::cyclesPerImage() const
{
    std::int64_t cycles = 0;
    for (const LayerStats& layer : m_layers)
        cycles += layer.cyclesPerImage;
    return cycles;
}

std::uint64_t Controller::weightLoadStallCycles() const
{
    std::uint64_t cycles = 0;
    for (const LayerStats& layer : m_layers)
        cycles += layer.weightLoadStallCycles;
    return cycles;
}

std::vector<std::uint8_t> Controller::readTile(std::size_t tile, LayerStats& stats)
{
    const memory::WeightTile& placement = m_weightPlan.tiles.at(tile);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(placement.bytes));
    tlm::tlm_generic_payload payload;
    auto* flips = new WeightReadExtension; // owned (and freed) by the payload
    payload.set_extension(flips);
    preparePayload(payload, tlm::TLM_READ_COMMAND, placement.address, bytes.data(), bytes.size());
    // The read latency is hidden in the array's preload (native schedule): the delay is not charged.
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    toWeightSram->b_transport(payload, delay);
    if (payload.is_response_error())
        throw std::runtime_error(std::string(name()) + ": weight read of tile " + std::to_string(tile) +
                                 " failed: " + payload.get_response_string());
    stats.weightBitsRead += std::uint64_t{placement.count} * placement.bits;
    const bool packed = m_weightLayout.config().packing == memory::Packing::Packed;
    stats.weightStoredBitsPerCode = packed ? placement.bits : 8u;
    stats.weightBitsFlipped += flips->bitsFlipped;
    return memory::decodeTile(m_weightLayout, placement, bytes.data());
}

void Controller::loadStep(std::size_t step)
{
    const memory::WeightStep& tiles = m_weightPlan.steps.at(step);
    LayerStats& stats = m_layers.at(tiles.group);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    for (const std::size_t index : tiles.tiles) {
        const memory::WeightTile& tile = m_weightPlan.tiles.at(index);
        dma->dramToWeightSram(tile.dramOffset, tile.address, tile.bytes, delay);
        ++stats.weightTilesLoaded;
        stats.weightBytesLoaded += tile.bytes;
    }
    m_schedule.setLoadCycles(step, static_cast<std::uint64_t>(std::ceil(delay / m_period - 1e-9)));
}

std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>> Controller::readLayerCodes(std::size_t index)
{
    const Layer& layer = m_network.layers[index];
    LayerStats& stats = m_layers[index];
    std::vector<std::uint8_t> weights(static_cast<std::size_t>(layer.weight->count));
    std::vector<std::uint8_t> biases(static_cast<std::size_t>(layer.bias->count));
    const auto [first, end] = m_layerSteps[index];
    for (std::size_t step = first; step < end; ++step) {
        if (m_weightPlan.streamed && step == 0)
            loadStep(step);
        for (const std::size_t tile : m_weightPlan.steps[step].tiles) {
            const memory::WeightTile& placement = m_weightPlan.tiles[tile];
            const bool weight = m_tensors.at(placement.tensor).role == workloads::TensorRole::Weight;
            const std::vector<std::uint8_t> codes = readTile(tile, stats);
            std::copy(codes.begin(), codes.end(),
                      (weight ? weights : biases).begin() + static_cast<std::ptrdiff_t>(placement.firstCode));
        }
        // The next step goes to the other half, which the previous step no longer needs.
        if (m_weightPlan.streamed && step + 1 < m_weightPlan.steps.size())
            loadStep(step + 1);
    }
    return {std::move(weights), std::move(biases)};
}

void Controller::chargeWeightLoads(std::size_t index, std::uint64_t cycles,
                                   tlm_utils::tlm_quantumkeeper& keeper)
{
    if (!m_weightPlan.streamed)
        return;
    if (!m_network.layers[index].hasParameters()) {
        m_schedule.computeOther(cycles);
        return;
    }
    // A step computes its share of the layer's cycles in proportion to its output channels.
    const auto [first, end] = m_layerSteps[index];
    const auto rows = static_cast<std::uint64_t>(m_weightPlan.steps[end - 1].endRow);
    std::uint64_t waited = 0;
    for (std::size_t step = first; step < end; ++step) {
        const memory::WeightStep& part = m_weightPlan.steps[step];
        waited += m_schedule.compute(step, cycles * part.endRow / rows - cycles * part.firstRow / rows);
    }
    m_layers[index].weightLoadStallCycles += waited;
    keeper.inc(m_period * static_cast<double>(waited));
    if (keeper.need_sync())
        keeper.sync();
}

void Controller::readBackTensor(std::size_t tensor, std::vector<std::uint8_t>& values, std::int64_t images)
{
    if (!m_activationMap.stored[tensor])
        return;
    const std::uint64_t bytes = m_activationMap.bytes[tensor];
    for (std::int64_t image = 0; image < images; ++image)
        activationSram->readBack(m_activationMap.address[tensor],
                                 values.data() + static_cast<std::size_t>(image) * bytes, bytes);
}

void Controller::accumulateThroughFaults(std::size_t index, std::size_t group, const CodeMatrix& inputs,
                                         const CodeMatrix& weights, std::int64_t images, AccMatrix& acc)
{
    if (index >= m_accumulatorFaults.size())
        return;
    const workloads::LayerAccumulatorFaults& faults = m_accumulatorFaults[index];
    const std::int64_t m = inputs.rows() / images;
    const std::int64_t k = weights.rows();
    const std::int64_t n = weights.cols();
    const auto foldRows = static_cast<std::int64_t>(faults.foldRows);
    std::vector<std::int32_t> partials(static_cast<std::size_t>((k + foldRows - 1) / foldRows));
    for (const workloads::FaultyAccumulator& faulty : faults.outputs) {
        const std::int64_t output = faulty.output;
        if (output / (n * m) != static_cast<std::int64_t>(group))
            continue;
        const std::int64_t column = output / m % n;
        const std::int64_t pixel = output % m;
        for (std::int64_t image = 0; image < images; ++image) {
            const std::int64_t row = image * m + pixel;
            std::fill(partials.begin(), partials.end(), 0);
            for (std::int64_t i = 0; i < k; ++i)
                partials[static_cast<std::size_t>(i / foldRows)] +=
                    std::int32_t{inputs(row, i)} * std::int32_t{weights(i, column)};
            acc(row, column) = accumulatorSram->accumulate(faulty.word, partials.data(), partials.size());
        }
    }
}

void Controller::countAccumulator(const Layer& layer, const LayerTiming& timing, std::int64_t images)
{
    LayerStats& stats = m_layers[static_cast<std::size_t>(&layer - m_network.layers.data())];
    const auto n = static_cast<std::uint64_t>(images);
    accumulatorSram->recordFootprint(4 * static_cast<std::uint64_t>(foldOutputs(stats.shape, m_specs.array)));
    const auto outputs = static_cast<std::uint64_t>(workloads::shapeSize(layer.outShape));
    const std::uint64_t reads = n * (static_cast<std::uint64_t>(timing.ofmapSramReads) + outputs);
    const std::uint64_t writes = n * static_cast<std::uint64_t>(timing.ofmapSramWrites);
    accumulatorSram->countReads(reads);
    accumulatorSram->countWrites(writes);
    stats.accumulatorReads += reads;
    stats.accumulatorWrites += writes;
}

void Controller::runGemmLayer(std::size_t index, const std::vector<std::uint8_t>& activations,
                              std::vector<std::uint8_t>& output, std::vector<std::int32_t>& logits,
                              std::int64_t images, tlm_utils::tlm_quantumkeeper& keeper)
{
    const Layer& layer = m_network.layers[index];
    LayerStats& stats = m_layers[index];
    const auto [weightCodes, biasCodes] = readLayerCodes(index);
    ++stats.weightBatchReads;
    const Layer part = groupPart(layer);
    const auto groups = static_cast<std::size_t>(layer.groups);
    const auto inSize = static_cast<std::size_t>(workloads::shapeSize(layer.inShape));
    const auto outSize = static_cast<std::size_t>(workloads::shapeSize(layer.outShape));
    const auto weightsPerGroup = static_cast<std::size_t>(stats.shape.k * stats.shape.n);
    const auto filters = static_cast<std::size_t>(stats.shape.n);
    LayerTiming timing;
    output.assign(layer.requant->int32Output ? 0 : static_cast<std::size_t>(images) * outSize, 0);
    // One GEMM per group, one after another (a layer with one group is one GEMM).
    for (std::size_t g = 0; g < groups; ++g) {
        const std::vector<std::uint8_t> sliced =
            groups == 1 ? std::vector<std::uint8_t>{}
                        : groupSlice(activations, images, inSize, inSize / groups, g);
        const std::vector<std::uint8_t>& slice = groups == 1 ? activations : sliced; // no copy for one group
        const CodeMatrix inputs = layer.type == LayerType::Conv2d ? lowerConv(slice, images, part)
                                                                  : lowerLinear(slice, images, stats.shape.k);
        const std::vector<std::int32_t> sums = rowSums(inputs);
        const std::vector<std::uint8_t> groupWeights(
            weightCodes.begin() + static_cast<std::ptrdiff_t>(g * weightsPerGroup),
            weightCodes.begin() + static_cast<std::ptrdiff_t>((g + 1) * weightsPerGroup));
        const std::vector<std::uint8_t> groupBias(
            biasCodes.begin() + static_cast<std::ptrdiff_t>(g * filters),
            biasCodes.begin() + static_cast<std::ptrdiff_t>((g + 1) * filters));
        const CodeMatrix weights = weightMatrix(groupWeights, stats.shape.k, stats.shape.n);
        GemmResult result = array->run(weights, inputs, images, keeper);
        accumulateThroughFaults(index, g, inputs, weights, images, result.acc);
        addGroupTiming(timing, result.timing);
        const RequantInput input{&result.acc, &sums, &groupBias, images};
        if (layer.requant->int32Output) {
            logits = PostProcessor::requantizeLogits(input, layer);
            continue;
        }
        const std::vector<std::uint8_t> values = PostProcessor::requantizeHidden(input, part);
        const std::size_t partSize = outSize / groups;
        for (std::int64_t image = 0; image < images; ++image)
            std::copy_n(
                values.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(image) * partSize),
                partSize,
                output.begin() +
                    static_cast<std::ptrdiff_t>(static_cast<std::size_t>(image) * outSize + g * partSize));
    }
    stats.timing = timing;
    stats.cyclesPerImage = timing.totalCycles;
    stats.images += static_cast<std::uint64_t>(images);
    const auto n = static_cast<std::uint64_t>(images);
    stats.activationReads += n * static_cast<std::uint64_t>(timing.ifmapSramReads);
    activationSram->countReads(n * static_cast<std::uint64_t>(timing.ifmapSramReads));
    countAccumulator(layer, timing, images);
    stats.ppuOutputs += n * outSize;
    if (layer.requant->int32Output)
        return;
    activationSram->recordFootprint(outSize);
    stats.activationWrites += n * outSize;
    activationSram->countWrites(n * outSize);
}

void Controller::runPpuLayer(std::size_t index, const std::vector<const std::vector<std::uint8_t>*>& inputs,
                             std::vector<std::uint8_t>& output, std::int64_t images,
                             tlm_utils::tlm_quantumkeeper& keeper)
{
    const Layer& layer = m_network.layers[index];
    LayerStats& stats = m_layers[index];
    const auto outputs = static_cast<std::uint64_t>(workloads::shapeSize(layer.outShape));
    const std::uint64_t reads = ppuReadsPerImage(m_network, layer);
    const std::uint64_t lanes = m_specs.ppu.lanes;
    stats.cyclesPerImage = static_cast<std::int64_t>((reads + lanes - 1) / lanes);
    activationSram->recordFootprint(outputs);
    switch (layer.type) {
    case LayerType::MaxPool2d:
        output = PostProcessor::maxPool(*inputs[0], images, layer);
        break;
    case LayerType::AvgPool2d:
    case LayerType::GlobalAvgPool:
        output = PostProcessor::averagePool(*inputs[0], images, layer);
        break;
    default:
        output = PostProcessor::merge(inputs, images, layer);
        break;
    }
    const auto n = static_cast<std::uint64_t>(images);
    stats.images += n;
    stats.ppuOutputs += n * outputs;
    stats.activationReads += n * reads;
    stats.activationWrites += n * outputs;
    activationSram->countReads(n * reads);
    activationSram->countWrites(n * outputs);
    keeper.inc(m_period * static_cast<double>(images * stats.cyclesPerImage));
    if (keeper.need_sync())
        keeper.sync();
}

std::vector<std::int32_t> Controller::runBatch(const std::vector<std::uint8_t>& inputs, std::int64_t images,
                                               tlm_utils::tlm_quantumkeeper& keeper)
{
    const auto inputSize = static_cast<std::uint64_t>(m_network.inputSize());
    activationSram->recordFootprint(inputSize);
    activationSram->countWrites(static_cast<std::uint64_t>(images) * inputSize);
    // Every layer's output for the batch (the activation SRAM's content, capacity checked at
    // elaboration), each read back through the activation SRAM's cells at its address once
    // written; a layer reads its inputs' tensors.
    std::vector<std::vector<std::uint8_t>> tensors(m_network.layers.size());
    if (!m_accumulatorFaultsListed && accumulatorSram->cells() != nullptr)
        m_accumulatorFaults = accumulatorFaults(m_network, m_specs.array, *accumulatorSram->cells());
    m_accumulatorFaultsListed = true;
    std::vector<std::uint8_t> stored = inputs;
    readBackTensor(m_activationMap.index(workloads::kNetworkInput), stored, images);
    const auto tensor = [&](std::size_t producer) -> const std::vector<std::uint8_t>* {
        return producer == workloads::kNetworkInput ? &stored : &tensors[producer];
    };
    std::vector<std::int32_t> logits;
    m_schedule.startBatch();
    for (std::size_t i = 0; i < m_network.layers.size(); ++i) {
        const Layer& layer = m_network.layers[i];
        std::vector<const std::vector<std::uint8_t>*> in;
        for (const std::size_t producer : layer.inputs)
            in.push_back(tensor(producer));
        switch (layer.type) {
        case LayerType::Conv2d:
        case LayerType::Linear:
            runGemmLayer(i, *in[0], tensors[i], logits, images, keeper);
            break;
        case LayerType::Flatten:
            tensors[i] = *in[0]; // C x H x W is already C-major: the same bytes
            m_layers[i].images += static_cast<std::uint64_t>(images);
            break;
        case LayerType::MaxPool2d:
        case LayerType::AvgPool2d:
        case LayerType::GlobalAvgPool:
        case LayerType::Add:
        case LayerType::Concat:
            runPpuLayer(i, in, tensors[i], images, keeper);
            break;
        }
        if (layer.type != LayerType::Flatten) // a flatten's bytes are its input's, already read back
            readBackTensor(i, tensors[i], images);
        // Every layer's compute of the batch, weights or not, is on the streamed tiles' timeline.
        chargeWeightLoads(i, static_cast<std::uint64_t>(images * m_layers[i].cyclesPerImage), keeper);
    }
    return logits;
}

} // namespace voltsim::models
