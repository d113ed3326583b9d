#include "voltsim/workloads/model/ModelPackage.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"
#include "voltsim/common/JsonCursor.hpp"
#include "voltsim/workloads/util/Sha256.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace voltsim::workloads {
namespace {

constexpr std::int64_t kMaxDim = std::int64_t(1) << 20;
constexpr std::int64_t kMaxTensor = std::int64_t(1) << 31;
constexpr std::int64_t kMaxMultiplier = (std::int64_t(1) << 28) - 1;
constexpr std::int64_t kMaxB0 = (std::int64_t(1) << 62) - 1;
/// Layers of a network (and inputs of one layer), as topologies are bounded (docs/model_package.md).
constexpr std::size_t kMaxLayers = std::size_t(1) << 16;
constexpr std::int64_t kInt32Max = 2147483647;

std::vector<std::int64_t> readShape(const JsonCursor& cursor)
{
    auto shape = cursor.asIntArray(1, kMaxDim);
    if (shape.size() > 4)
        cursor.fail("must have 1 to 4 dimensions, got " + std::to_string(shape.size()));
    if (shapeSize(shape) > kMaxTensor)
        cursor.fail("has more than 2^31 elements");
    return shape;
}

std::string readSha256(const JsonCursor& cursor)
{
    std::string hex = cursor.asString();
    if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
        cursor.fail("must be 64 lower-case hex digits, got '" + hex + "'");
    return hex;
}

std::string readFileName(const JsonCursor& cursor)
{
    std::string name = cursor.asString();
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
        cursor.fail("must be a file name inside the package directory, got '" + name + "'");
    return name;
}

DatasetInfo readDataset(const JsonCursor& cursor)
{
    DatasetInfo dataset;
    dataset.name = cursor["name"].asString();
    dataset.inputShape = cursor["input_shape"].asIntArray(1, kMaxDim, 3);
    dataset.numClasses = static_cast<int>(cursor["num_classes"].asInt(2, 1 << 16));
    dataset.inputScale = cursor["input_scale"].asPositive();
    cursor.finish();
    return dataset;
}

QuantizedTensor readTensor(const JsonCursor& cursor, const std::vector<std::int64_t>& expectedShape)
{
    QuantizedTensor tensor;
    tensor.shape = readShape(cursor["shape"]);
    if (tensor.shape != expectedShape)
        cursor["shape"].fail("must be " + shapeText(expectedShape) + " for this layer, got " +
                             shapeText(tensor.shape));
    tensor.bits = static_cast<int>(cursor["bits"].asInt(2, 8));
    tensor.quantizer = cursor["quantizer"].asChoice({"rquant", "normal"}) == "rquant" ? Quantizer::RQuant
                                                                                      : Quantizer::Normal;
    const JsonCursor range = cursor["range"];
    const auto bounds = range.asDoubleArray(-std::numeric_limits<double>::infinity(),
                                            std::numeric_limits<double>::infinity(), 2);
    tensor.rangeMin = bounds[0];
    tensor.rangeMax = bounds[1];
    if (tensor.rangeMin > tensor.rangeMax)
        range.fail("min must not exceed max");
    const std::int64_t offset = std::int64_t(1) << (tensor.bits - 1);
    tensor.offset = cursor["offset"].asInt(offset, offset);
    tensor.scale = cursor["scale"].asDouble();
    tensor.center = cursor["center"].asDouble();
    tensor.blobOffset = static_cast<std::size_t>(cursor["blob_offset"].asInt(0, kMaxTensor));
    tensor.count = static_cast<std::size_t>(cursor["count"].asInt(1, kMaxTensor));
    if (std::int64_t(tensor.count) != shapeSize(tensor.shape))
        cursor["count"].fail("must equal the product of shape " + shapeText(tensor.shape) + " = " +
                             std::to_string(shapeSize(tensor.shape)) + ", got " +
                             std::to_string(tensor.count));
    cursor.finish();
    return tensor;
}

/// `zero_point` (version 2, optional): absent (0) or kSignedZeroPoint.
int readZeroPoint(const JsonCursor& cursor, int version)
{
    const auto zeroPoint = version >= 2 ? cursor.find("zero_point") : std::nullopt;
    if (!zeroPoint)
        return 0;
    if (zeroPoint->asInt(0, 255) != kSignedZeroPoint)
        zeroPoint->fail("must be " + std::to_string(kSignedZeroPoint) + " (a signed tensor) or absent");
    return kSignedZeroPoint;
}

Requant readRequant(const JsonCursor& cursor, int version)
{
    Requant requant;
    requant.shift = static_cast<int>(cursor["shift"].asInt(1, 62));
    requant.mAcc = cursor["m_acc"].asInt(-kMaxMultiplier, kMaxMultiplier);
    requant.mSum = cursor["m_sum"].asInt(-kMaxMultiplier, kMaxMultiplier);
    requant.mBias = cursor["m_bias"].asInt(-kMaxMultiplier, kMaxMultiplier);
    requant.b0 = cursor["b0"].asInt(-kMaxB0, kMaxB0);
    requant.inScale = cursor["in_scale"].asPositive();
    requant.outScale = cursor["out_scale"].asPositive();
    requant.int32Output = cursor["output"].asChoice({"uint8", "int32"}) == "int32";
    requant.zeroPoint = readZeroPoint(cursor, version);
    cursor.finish();
    return requant;
}

/// floor((size + 2 padding - kernel) / stride) + 1, or a failure if the window does not fit.
std::int64_t windowOutput(const JsonCursor& layer, std::int64_t size, int kernel, int stride,
                          std::int64_t padding)
{
    if (size + 2 * padding < kernel)
        layer["kernel"].fail("kernel " + std::to_string(kernel) + " is larger than the padded input " +
                             std::to_string(size + 2 * padding));
    return (size + 2 * padding - kernel) / stride + 1;
}

void readWindow(const JsonCursor& cursor, Layer& layer)
{
    const auto kernel = cursor["kernel"].asIntArray(1, 64, 2);
    layer.kernelH = static_cast<int>(kernel[0]);
    layer.kernelW = static_cast<int>(kernel[1]);
    layer.stride = static_cast<int>(cursor["stride"].asInt(1, 64));
    if (layer.inShape.size() != 3)
        cursor["in_shape"].fail("must be [C, H, W] for " + std::string(layerTypeName(layer.type)));
}

void expectOutShape(const JsonCursor& cursor, const Layer& layer, const std::vector<std::int64_t>& expected)
{
    if (layer.outShape != expected)
        cursor["out_shape"].fail("must be " + shapeText(expected) + " for in_shape " +
                                 shapeText(layer.inShape) + ", got " + shapeText(layer.outShape));
}

void readParameters(const JsonCursor& cursor, Layer& layer, const std::vector<std::int64_t>& weightShape,
                    int version)
{
    layer.relu = cursor["relu"].asBool();
    layer.weight = readTensor(cursor["weight"], weightShape);
    layer.bias = readTensor(cursor["bias"], {weightShape[0]});
    layer.requant = readRequant(cursor["requant"], version);
    const std::int64_t maxAcc = layer.fanIn() * layer.weight->maxCode() * 255;
    if (maxAcc > kInt32Max)
        cursor["weight"].fail("fan-in " + std::to_string(layer.fanIn()) +
                              " lets the int32 accumulator overflow (max code x 255 x fan-in > 2^31 - 1)");
}

/// Version 2 keys that may be absent: `groups` of conv2d, `padding` of maxpool2d.
int readOptionalInt(const JsonCursor& cursor, const std::string& key, int version, std::int64_t low,
                    std::int64_t high, int absent)
{
    if (version < 2)
        return absent;
    const auto value = cursor.find(key);
    return value ? static_cast<int>(value->asInt(low, high)) : absent;
}

void readConv(const JsonCursor& cursor, Layer& layer, int version)
{
    readWindow(cursor, layer);
    layer.padding = static_cast<int>(cursor["padding"].asInt(0, 64));
    layer.groups = readOptionalInt(cursor, "groups", version, 1, kMaxDim, 1);
    const std::int64_t filters = layer.outShape.empty() ? 0 : layer.outShape[0];
    if (layer.inShape[0] % layer.groups != 0 || filters % layer.groups != 0)
        cursor["groups"].fail(std::to_string(layer.groups) + " does not divide the input channels " +
                              std::to_string(layer.inShape[0]) + " and the output channels " +
                              std::to_string(filters));
    expectOutShape(cursor, layer,
                   {filters,
                    windowOutput(cursor, layer.inShape[1], layer.kernelH, layer.stride, layer.padding),
                    windowOutput(cursor, layer.inShape[2], layer.kernelW, layer.stride, layer.padding)});
    readParameters(cursor, layer, {filters, layer.inShape[0] / layer.groups, layer.kernelH, layer.kernelW},
                   version);
}

/// maxpool2d (`padding`: version 2) and avgpool2d (no padding).
void readPool(const JsonCursor& cursor, Layer& layer, int version)
{
    readWindow(cursor, layer);
    if (layer.type == LayerType::MaxPool2d)
        layer.padding = readOptionalInt(cursor, "padding", version, 0, 64, 0);
    if (2 * layer.padding > std::min(layer.kernelH, layer.kernelW))
        cursor["padding"].fail("must be at most half the kernel, got " + std::to_string(layer.padding));
    expectOutShape(cursor, layer,
                   {layer.inShape[0],
                    windowOutput(cursor, layer.inShape[1], layer.kernelH, layer.stride, layer.padding),
                    windowOutput(cursor, layer.inShape[2], layer.kernelW, layer.stride, layer.padding)});
}

void readGlobalAvgPool(const JsonCursor& cursor, Layer& layer)
{
    if (layer.inShape.size() != 3)
        cursor["in_shape"].fail("must be [C, H, W] for global_avgpool, got " + shapeText(layer.inShape));
    expectOutShape(cursor, layer, {layer.inShape[0], 1, 1});
}

/// An add's or concat's rescaling; `b0` and `zero_point` are an add's only (concat reads no signed
/// tensor, docs/datapath.md "Zero points").
MergeRequant readMergeRequant(const JsonCursor& cursor, LayerType type, std::size_t inputs)
{
    MergeRequant merge;
    merge.shift = static_cast<int>(cursor["shift"].asInt(1, 62));
    for (const JsonCursor& multiplier : cursor["multipliers"].elements(inputs, inputs))
        merge.multipliers.push_back(multiplier.asInt(-kMaxMultiplier, kMaxMultiplier));
    if (type == LayerType::Add) {
        if (const auto b0 = cursor.find("b0"))
            merge.b0 = b0->asInt(-kMaxB0, kMaxB0);
        merge.zeroPoint = readZeroPoint(cursor, 2);
    }
    for (const JsonCursor& scale : cursor["in_scales"].elements(inputs, inputs))
        merge.inScales.push_back(scale.asPositive());
    merge.outScale = cursor["out_scale"].asPositive();
    cursor.finish();
    return merge;
}

/// add (two inputs of one shape) and concat (inputs of equal H, W joined along channels).
void readMerge(const JsonCursor& cursor, Layer& layer,
               const std::vector<std::vector<std::int64_t>>& inputShapes)
{
    const JsonCursor inputs = cursor["inputs"];
    std::vector<std::int64_t> expected = inputShapes[0];
    for (std::size_t i = 1; i < inputShapes.size(); ++i) {
        const std::vector<std::int64_t>& shape = inputShapes[i];
        if (layer.type == LayerType::Add && shape != inputShapes[0])
            inputs[i].fail("has shape " + shapeText(shape) + ", the first input " +
                           shapeText(inputShapes[0]) + " (an add needs equal shapes)");
        if (layer.type == LayerType::Concat) {
            if (shape.size() != 3 || inputShapes[0].size() != 3 || shape[1] != inputShapes[0][1] ||
                shape[2] != inputShapes[0][2])
                inputs[i].fail("has shape " + shapeText(shape) + ", the first input " +
                               shapeText(inputShapes[0]) + " (a concat needs [C, H, W] of equal H and W)");
            expected[0] += shape[0];
        }
    }
    expectOutShape(cursor, layer, expected);
    layer.merge = readMergeRequant(cursor["requant"], layer.type, inputShapes.size());
}

/// How many inputs a layer type takes: exactly `low` (high == low) or low..high.
std::pair<std::size_t, std::size_t> inputCount(LayerType type)
{
    if (type == LayerType::Add)
        return {2, 2};
    if (type == LayerType::Concat)
        return {2, std::size_t(1) << 16};
    return {1, 1};
}

void readLinear(const JsonCursor& cursor, Layer& layer, int version)
{
    if (layer.inShape.size() != 1)
        cursor["in_shape"].fail("must be [K] for linear (add a flatten layer), got " +
                                shapeText(layer.inShape));
    if (layer.outShape.size() != 1)
        cursor["out_shape"].fail("must be [N] for linear, got " + shapeText(layer.outShape));
    readParameters(cursor, layer, {layer.outShape[0], layer.inShape[0]}, version);
}

LayerType readLayerType(const JsonCursor& cursor, int version)
{
    static const std::vector<std::pair<std::string, LayerType>> kTypes = {
        {"conv2d", LayerType::Conv2d},
        {"maxpool2d", LayerType::MaxPool2d},
        {"flatten", LayerType::Flatten},
        {"linear", LayerType::Linear},
        {"avgpool2d", LayerType::AvgPool2d},
        {"global_avgpool", LayerType::GlobalAvgPool},
        {"add", LayerType::Add},
        {"concat", LayerType::Concat}};
    const std::size_t known = version >= 2 ? kTypes.size() : 4; // version 1 knows the first four
    std::vector<std::string> names;
    for (std::size_t i = 0; i < known; ++i)
        names.push_back(kTypes[i].first);
    const std::string name = cursor.asChoice(names);
    for (const auto& [known, type] : kTypes)
        if (known == name)
            return type;
    return LayerType::Linear;
}

/// The producers named by a version 2 layer's `inputs`: "input" or an earlier layer's name
/// (`earlier`: each earlier layer's index by name, the last of a repeated name).
std::vector<std::size_t> readInputs(const JsonCursor& cursor,
                                    const std::map<std::string, std::size_t>& earlier,
                                    const std::set<std::string>& allNames)
{
    std::vector<std::size_t> inputs;
    for (const JsonCursor& element : cursor.elements(1, kMaxLayers)) {
        const std::string name = element.asNonEmptyString();
        if (name == "input") {
            inputs.push_back(kNetworkInput);
            continue;
        }
        if (const auto found = earlier.find(name); found != earlier.end()) {
            inputs.push_back(found->second);
            continue;
        }
        if (allNames.count(name) != 0)
            element.fail("'" + name +
                         "' is this layer or one listed after it (layers run in list order, so this would be "
                         "a cycle)");
        element.fail("'" + name + "' names no layer (nor 'input')");
    }
    return inputs;
}

Layer readLayer(const JsonCursor& cursor, std::size_t index, const Network& network, int version,
                const std::set<std::string>& allNames, const std::map<std::string, std::size_t>& earlier)
{
    Layer layer;
    layer.name = cursor["name"].asNonEmptyString();
    if (version >= 2 && layer.name == "input")
        cursor["name"].fail("'input' names the network's input, not a layer");
    if (version < 2)
        for (const char* key : {"inputs", "groups"})
            if (cursor.json().contains(key)) // not has(): that would list the key as valid
                cursor[key].fail("is a format_version 2 key");
    layer.type = readLayerType(cursor["type"], version);
    layer.inputs = version >= 2 ? readInputs(cursor["inputs"], earlier, allNames)
                                : std::vector<std::size_t>{index == 0 ? kNetworkInput : index - 1};
    const auto [fewest, most] = inputCount(layer.type);
    if (layer.inputs.size() < fewest || layer.inputs.size() > most)
        cursor["inputs"].fail(
            std::string(layerTypeName(layer.type)) + " takes " +
            (fewest == most ? std::to_string(fewest) : "at least " + std::to_string(fewest)) + " input" +
            (most == 1 ? "" : "s") + ", got " + std::to_string(layer.inputs.size()));
    std::vector<std::vector<std::int64_t>> inputShapes;
    for (const std::size_t producer : layer.inputs)
        inputShapes.push_back(network.tensorShape(producer));
    layer.outShape = readShape(cursor["out_shape"]);
    if (most == 1) {
        layer.inShape = readShape(cursor["in_shape"]);
        if (layer.inShape != inputShapes[0])
            cursor["in_shape"].fail((version >= 2
                                         ? "must equal its input's out_shape (or dataset.input_shape) "
                                         : "must equal the previous out_shape (or dataset.input_shape) ") +
                                    shapeText(inputShapes[0]) + ", got " + shapeText(layer.inShape));
    } else {
        layer.inShape = inputShapes[0];
    }
    switch (layer.type) {
    case LayerType::Conv2d:
        readConv(cursor, layer, version);
        break;
    case LayerType::MaxPool2d:
    case LayerType::AvgPool2d:
        readPool(cursor, layer, version);
        break;
    case LayerType::GlobalAvgPool:
        readGlobalAvgPool(cursor, layer);
        break;
    case LayerType::Flatten:
        expectOutShape(cursor, layer, {shapeSize(layer.inShape)});
        break;
    case LayerType::Linear:
        readLinear(cursor, layer, version);
        break;
    case LayerType::Add:
    case LayerType::Concat:
        readMerge(cursor, layer, inputShapes);
        break;
    }
    cursor.finish();
    return layer;
}

/// The last layer returns logits (int32, no ReLU); every other parameter layer returns uint8, ReLU'd
/// unless its output is signed (docs/datapath.md, "Zero points"); only adds read signed tensors.
void checkOutputs(const JsonCursor& layers, const Network& network)
{
    const std::size_t last = network.layers.size() - 1;
    if (!network.layers[last].hasParameters())
        layers[last]["type"].fail("the last layer must be conv2d or linear (it returns the logits)");
    if (network.layers[last].outShape != std::vector<std::int64_t>{network.dataset.numClasses})
        layers[last]["out_shape"].fail("must be [num_classes] = [" +
                                       std::to_string(network.dataset.numClasses) + "]");
    for (std::size_t i = 0; i <= last; ++i) {
        const Layer& layer = network.layers[i];
        if (!layer.hasParameters())
            continue;
        const bool isLast = i == last;
        if (layer.requant->int32Output != isLast)
            layers[i]["requant"]["output"].fail(isLast ? "must be 'int32' for the last layer"
                                                       : "must be 'uint8' for a hidden layer");
        if (isLast && layer.relu)
            layers[i]["relu"].fail("must be false for the last layer (logits)");
        if (isLast && layer.requant->zeroPoint != 0)
            layers[i]["requant"]["zero_point"].fail("must be absent for the last layer (logits)");
        if (!isLast && layer.relu == layer.hasSignedOutput())
            layers[i]["relu"].fail(layer.relu ? "must be false for a signed output (requant.zero_point)"
                                              : "must be true for a hidden layer unless its output is "
                                                "signed (requant.zero_point: 128)");
    }
    for (std::size_t i = 0; i <= last; ++i)
        for (std::size_t j = 0; j < network.layers[i].inputs.size(); ++j) {
            const std::size_t producer = network.layers[i].inputs[j];
            if (producer != kNetworkInput && network.layers[producer].hasSignedOutput() &&
                network.layers[i].type != LayerType::Add)
                layers[i]["inputs"][j].fail("reads the signed tensor '" + network.layers[producer].name +
                                            "' (zero point 128); only an add may read one");
        }
}

/// Tensors tile the blob in Network::parameterTensors() order, back to back from 0.
void checkTiling(const JsonCursor& layers, const Network& network, std::size_t blobBytes,
                 const JsonCursor& blob)
{
    std::size_t next = 0;
    for (const ParameterTensor& tensor : network.parameterTensors()) {
        if (tensor.blobOffset != next)
            layers[tensor.layer][tensorRoleName(tensor.role)]["blob_offset"].fail(
                "must be " + std::to_string(next) + " (tensors tile the blob back to back), got " +
                std::to_string(tensor.blobOffset));
        next += tensor.count;
    }
    if (next != blobBytes)
        blob["bytes"].fail("must equal the total code count " + std::to_string(next) + ", got " +
                           std::to_string(blobBytes));
}

void checkUniqueNames(const JsonCursor& layers, const Network& network)
{
    std::set<std::string> seen;
    for (std::size_t i = 0; i < network.layers.size(); ++i)
        if (!seen.insert(network.layers[i].name).second)
            layers[i]["name"].fail("duplicate layer name '" + network.layers[i].name + "'");
}

/// Names of every layer of the list (to tell a forward reference from an unknown name).
std::set<std::string> layerNames(const JsonCursor& cursor)
{
    std::set<std::string> names;
    for (const nlohmann::json& layer : cursor.json())
        if (layer.is_object() && layer.contains("name") && layer["name"].is_string())
            names.insert(layer["name"].get<std::string>());
    return names;
}

/// Version 2: every layer's output is read by a later layer, except the last one's.
void checkEveryOutputUsed(const JsonCursor& layers, const Network& network)
{
    std::vector<bool> used(network.layers.size(), false);
    for (const Layer& layer : network.layers)
        for (const std::size_t producer : layer.inputs)
            if (producer != kNetworkInput)
                used[producer] = true;
    for (std::size_t i = 0; i + 1 < network.layers.size(); ++i)
        if (!used[i])
            layers[i]["name"].fail("the output of layer '" + network.layers[i].name +
                                   "' is read by no later layer");
}

void readLayers(const JsonCursor& cursor, Network& network, int version)
{
    const std::vector<JsonCursor> elements = cursor.elements(1, kMaxLayers);
    const std::set<std::string> names = layerNames(cursor);
    std::map<std::string, std::size_t> earlier; // index by name, so that reading is linear in the layers
    for (std::size_t i = 0; i < elements.size(); ++i) {
        network.layers.push_back(readLayer(elements[i], i, network, version, names, earlier));
        earlier[network.layers.back().name] = i;
    }
    if (version >= 2)
        checkEveryOutputUsed(cursor, network);
}

void checkTrainingMethod(const JsonCursor& training, const ModelPackage& package)
{
    // a post-training import ("ptq") names its quantizer; a trained package's method implies it
    const bool normal = package.method == "ptq"
                            ? training["quantizer"].asChoice({"rquant", "normal"}) == "normal"
                            : package.method == "normal";
    const Quantizer expected = normal ? Quantizer::Normal : Quantizer::RQuant;
    for (const auto& layer : package.network.layers)
        if (layer.hasParameters() &&
            (layer.weight->quantizer != expected || layer.bias->quantizer != expected))
            training["method"].fail("method '" + package.method + "' quantizes with '" +
                                    quantizerName(expected) + "' but layer '" + layer.name +
                                    "' uses another quantizer");
}

/// Reads the blob after checking its size against the manifest (no allocation from a wrong size).
std::vector<std::uint8_t> readBlob(const ModelPackage& package)
{
    const std::string path = package.blobPath();
    checkInputFile(path, "the code blob file");
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw InputError(path + ": cannot open file");
    const auto size = static_cast<std::size_t>(in.tellg());
    if (size != package.blob.bytes)
        throw InputError(path + ": has " + std::to_string(size) + " bytes, manifest blob.bytes says " +
                         std::to_string(package.blob.bytes));
    std::vector<std::uint8_t> codes(size);
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(codes.data()), static_cast<std::streamsize>(size)))
        throw InputError(path + ": read error");
    return codes;
}

void checkCodes(const ModelPackage& package)
{
    const std::string digest = Sha256::hexOf(package.codes.data(), package.codes.size());
    if (digest != package.blob.sha256)
        throw InputError(package.blobPath() + ": SHA-256 " + digest +
                         " does not match manifest blob.sha256 " + package.blob.sha256);
    for (const auto& layer : package.network.layers) {
        if (!layer.hasParameters())
            continue;
        for (const QuantizedTensor* tensor : {&*layer.weight, &*layer.bias})
            for (std::size_t i = 0; i < tensor->count; ++i)
                if (package.codes[tensor->blobOffset + i] > tensor->maxCode())
                    throw InputError(package.blobPath() + ": byte " + std::to_string(tensor->blobOffset + i) +
                                     " (" + layer.name + (tensor == &*layer.weight ? ".weight" : ".bias") +
                                     " code " + std::to_string(i) + ") is " +
                                     std::to_string(package.codes[tensor->blobOffset + i]) + ", above the " +
                                     std::to_string(tensor->bits) + "-bit maximum " +
                                     std::to_string(tensor->maxCode()));
    }
}

PackageFile readPackageFile(const JsonCursor& cursor, bool withBytes)
{
    PackageFile file;
    file.file = readFileName(cursor["file"]);
    if (withBytes)
        file.bytes = static_cast<std::size_t>(cursor["bytes"].asInt(1, kMaxTensor));
    file.sha256 = readSha256(cursor["sha256"]);
    cursor.finish();
    return file;
}

void readManifest(const JsonCursor& root, ModelPackage& package)
{
    if (root["format"].asString() != "voltsim-model")
        root["format"].fail("must be 'voltsim-model', got '" + root["format"].asString() + "'");
    const auto version = static_cast<int>(root["format_version"].asInt(0, kInt32Max));
    if (version != 1 && version != 2)
        root["format_version"].fail("unsupported version " + root["format_version"].json().dump() +
                                    " (this voltsim reads 1 and 2)");
    package.name = root["name"].asString();
    if (const auto description = root.find("description"))
        package.description = description->asString();
    package.network.dataset = readDataset(root["dataset"]);
    const JsonCursor training = root["training"];
    training.keys(); // free-form beyond "method": recorded as the training's provenance
    package.method = training["method"].asChoice({"normal", "rquant", "clipping", "randbet", "ptq"});
    package.training = training.json();
    package.cleanTestError = root["clean_test_error"].asDouble(0, 1);
    package.testImages = static_cast<int>(root["test_images"].asInt(1, kInt32Max));
    package.blob = readPackageFile(root["blob"], true);
    package.golden = readPackageFile(root["golden"], false);
    const JsonCursor layers = root["layers"];
    readLayers(layers, package.network, version);
    checkUniqueNames(layers, package.network);
    checkOutputs(layers, package.network);
    checkTiling(layers, package.network, package.blob.bytes, root["blob"]);
    checkTrainingMethod(training, package);
    root.finish();
}

} // namespace

ModelPackage ModelPackage::load(const std::string& directory)
{
    ModelPackage package;
    package.directory = directory;
    const std::string manifestFile = package.manifestPath();
    readManifest(JsonCursor::load(manifestFile, "file"), package);
    package.codes = readBlob(package);
    checkCodes(package);
    return package;
}

} // namespace voltsim::workloads
