#include "voltsim/models/accelerator/ActivationMap.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace voltsim::models {
namespace {

using workloads::Layer;
using workloads::LayerType;

/// The lowest address of a `sizeBytes`-byte SRAM where `bytes` bytes overlap none of `live` (first
/// byte, bytes); `sizeBytes` if there is none. Only 0 and the ends of live tensors can be lowest.
std::uint64_t firstFit(std::uint64_t sizeBytes, std::uint64_t bytes,
                       const std::vector<std::pair<std::uint64_t, std::uint64_t>>& live)
{
    std::vector<std::uint64_t> candidates{0};
    for (const auto& [address, size] : live)
        candidates.push_back(address + size);
    std::sort(candidates.begin(), candidates.end());
    for (const std::uint64_t at : candidates) {
        if (at + bytes > sizeBytes)
            break;
        const bool free = std::none_of(live.begin(), live.end(), [&](const auto& tensor) {
            return at < tensor.first + tensor.second && tensor.first < at + bytes;
        });
        if (free)
            return at;
    }
    return sizeBytes;
}

} // namespace

ActivationMap planActivations(const workloads::Network& network, std::uint64_t sizeBytes)
{
    const std::size_t layers = network.layers.size();
    ActivationMap map;
    map.storage.resize(layers + 1);
    map.stored.assign(layers + 1, false);
    map.address.assign(layers + 1, 0);
    map.bytes.assign(layers + 1, 0);
    map.storage[layers] = layers;
    map.stored[layers] = true;
    map.bytes[layers] = static_cast<std::uint64_t>(network.inputSize());
    for (std::size_t i = 0; i < layers; ++i) {
        const Layer& layer = network.layers[i];
        if (layer.type == LayerType::Flatten) {
            map.storage[i] = map.storage[map.index(layer.inputs[0])];
            continue;
        }
        map.storage[i] = i;
        map.stored[i] = !(layer.hasParameters() && layer.requant->int32Output);
        map.bytes[i] = map.stored[i] ? static_cast<std::uint64_t>(workloads::shapeSize(layer.outShape)) : 0;
    }
    // The last layer reading each stored tensor (the network input is written before layer 0).
    std::vector<std::size_t> lastReader(layers + 1, 0);
    for (std::size_t i = 0; i < layers; ++i) {
        lastReader[i] = std::max(lastReader[i], i);
        for (const std::size_t producer : network.layers[i].inputs) {
            const std::size_t tensor = map.storage[map.index(producer)];
            lastReader[tensor] = std::max(lastReader[tensor], i);
        }
    }
    std::vector<std::size_t> placed{layers};
    for (std::size_t i = 0; i < layers; ++i) {
        if (!map.stored[i] || map.storage[i] != i)
            continue;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> live;
        for (const std::size_t tensor : placed)
            if (lastReader[tensor] >= i)
                live.emplace_back(map.address[tensor], map.bytes[tensor]);
        const std::uint64_t at = firstFit(sizeBytes, map.bytes[i], live);
        if (at == sizeBytes)
            throw InputError("activation_sram.size_kib: layer " + network.layers[i].name + "'s output (" +
                             std::to_string(map.bytes[i]) + " bytes) finds no free range in the " +
                             std::to_string(sizeBytes) +
                             "-byte activation SRAM beside the tensors live while it runs (address map: "
                             "docs/accelerator.md, \"Activation SRAM\")");
        map.address[i] = at;
        placed.push_back(i);
    }
    return map;
}

memory::OperatingPoint bufferOperatingPoint(const AcceleratorSpecs& specs, const BufferSpecs& buffer,
                                            const memory::OperatingPoint& weightPoint)
{
    if (buffer.rail == specs.weightSram.rail)
        return weightPoint;
    for (const RailSpecs& rail : specs.rails)
        if (rail.name == buffer.rail && rail.voltageMv)
            return memory::OperatingPoint::atVoltage(*rail.voltageMv);
    return memory::OperatingPoint::nominal();
}

bool cellsFailAt(const memory::SramProfile& profile, const memory::OperatingPoint& point)
{
    return point.byRate() ? point.ber() > 0 : point.voltageMv(profile) < profile.vMinMv;
}

namespace {

/// The banks of buffer `name` in the weight SRAM's word width (InputError naming name + "_sram").
memory::ChipGeometry cellGeometry(const AcceleratorSpecs& specs, const BufferSpecs& buffer,
                                  const std::string& name)
{
    return memory::bufferGeometry(buffer.sizeBytes, buffer.banks,
                                  specs.weightSram.profile->geometry.bank.wordBits, name + "_sram");
}

} // namespace

std::unique_ptr<memory::BufferSram> makeBufferCells(const AcceleratorSpecs& specs, const BufferSpecs& buffer,
                                                    const std::string& name, std::uint64_t chipSeed)
{
    return std::make_unique<memory::BufferSram>(specs.weightSram.profile, chipSeed, name,
                                                cellGeometry(specs, buffer, name), specs.weightSram.chip);
}

std::unique_ptr<memory::BufferSram> bufferCellsAt(const AcceleratorSpecs& specs, const BufferSpecs& buffer,
                                                  const std::string& name, std::uint64_t chipSeed)
{
    const memory::OperatingPoint point = bufferOperatingPoint(specs, buffer, specs.weightSram.operatingPoint);
    if (!cellsFailAt(*specs.weightSram.profile, point))
        return nullptr;
    auto cells = makeBufferCells(specs, buffer, name, chipSeed);
    cells->setOperatingPoint(point);
    return cells;
}

void checkBufferCells(const AcceleratorSpecs& specs, const memory::OperatingPoint& weightPoint)
{
    const std::pair<const BufferSpecs*, const char*> buffers[] = {{&specs.activationSram, "activation"},
                                                                  {&specs.accumulatorSram, "accumulator"}};
    for (const auto& [buffer, name] : buffers)
        if (cellsFailAt(*specs.weightSram.profile, bufferOperatingPoint(specs, *buffer, weightPoint)))
            cellGeometry(specs, *buffer, name);
}

workloads::TensorFaults activationFaults(const ActivationMap& map, const memory::BufferSram& cells)
{
    workloads::TensorFaults faults;
    faults.byTensor.resize(map.storage.size());
    for (std::size_t tensor = 0; tensor < map.storage.size(); ++tensor) {
        const std::size_t storage = map.storage[tensor];
        if (map.stored[storage])
            faults.byTensor[tensor] = cells.faultsIn(map.address[storage], map.bytes[storage]);
    }
    return faults;
}

std::uint64_t accumulatorWord(const ArraySpec& array, std::int64_t m, std::int64_t n, std::int64_t gemmN)
{
    switch (array.dataflow) {
    case Dataflow::WS:
        return static_cast<std::uint64_t>(m * std::min(array.cols, gemmN) + n % array.cols);
    case Dataflow::OS:
        return static_cast<std::uint64_t>((m % array.rows) * std::min(array.cols, gemmN) + n % array.cols);
    case Dataflow::IS:
        break;
    }
    return static_cast<std::uint64_t>((m % array.cols) * gemmN + n);
}

namespace {

/// Words of one fold's partial sums of a GEMM gemmM x gemmN (the footprint accumulatorWord fills).
std::uint64_t foldWords(const ArraySpec& array, std::int64_t gemmM, std::int64_t gemmN)
{
    switch (array.dataflow) {
    case Dataflow::WS:
        return static_cast<std::uint64_t>(gemmM * std::min(array.cols, gemmN));
    case Dataflow::OS:
        return static_cast<std::uint64_t>(std::min(array.rows, gemmM) * std::min(array.cols, gemmN));
    case Dataflow::IS:
        break;
    }
    return static_cast<std::uint64_t>(std::min(array.cols, gemmM) * gemmN);
}

/// The faulty accumulators of one conv2d/linear layer.
workloads::LayerAccumulatorFaults layerAccumulatorFaults(const Layer& layer, const ArraySpec& array,
                                                         const memory::BufferSram& cells)
{
    const std::int64_t gemmM = layer.type == LayerType::Conv2d ? layer.outShape[1] * layer.outShape[2] : 1;
    const std::int64_t gemmN = layer.outShape[0] / layer.groups;
    workloads::LayerAccumulatorFaults faults;
    faults.foldRows = static_cast<std::size_t>(array.dataflow == Dataflow::OS ? layer.fanIn() : array.rows);
    const std::uint64_t words = foldWords(array, gemmM, gemmN);
    std::map<std::uint64_t, ByteFaults> faultyWords;
    for (ByteFault fault : cells.faultsIn(0, std::min<std::uint64_t>(4 * words, cells.sizeBytes()))) {
        const std::uint64_t word = fault.offset / 4;
        fault.offset %= 4;
        faultyWords[word].push_back(fault);
    }
    if (faultyWords.empty())
        return faults;
    for (std::int64_t group = 0; group < layer.groups; ++group)
        for (std::int64_t n = 0; n < gemmN; ++n)
            for (std::int64_t m = 0; m < gemmM; ++m) {
                const auto found = faultyWords.find(accumulatorWord(array, m, n, gemmN));
                if (found != faultyWords.end())
                    faults.outputs.push_back(
                        {static_cast<std::uint32_t>((group * gemmN + n) * gemmM + m), found->second});
            }
    return faults;
}

} // namespace

std::vector<workloads::LayerAccumulatorFaults>
accumulatorFaults(const workloads::Network& network, const ArraySpec& array, const memory::BufferSram& cells)
{
    std::vector<workloads::LayerAccumulatorFaults> faults(network.layers.size());
    for (std::size_t i = 0; i < network.layers.size(); ++i)
        if (network.layers[i].hasParameters())
            faults[i] = layerAccumulatorFaults(network.layers[i], array, cells);
    return faults;
}

workloads::TensorFaults storedFaults(const workloads::Network& network, const ArraySpec& array,
                                     const ActivationMap& map, const memory::BufferSram* activation,
                                     const memory::BufferSram* accumulator)
{
    workloads::TensorFaults faults;
    if (activation != nullptr)
        faults = activationFaults(map, *activation);
    faults.byTensor.resize(network.layers.size() + 1);
    if (accumulator != nullptr)
        faults.accumulators = accumulatorFaults(network, array, *accumulator);
    return faults;
}

} // namespace voltsim::models
