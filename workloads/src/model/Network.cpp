#include "voltsim/workloads/model/Network.hpp"

namespace voltsim::workloads {

const char* layerTypeName(LayerType type)
{
    switch (type) {
    case LayerType::Conv2d:
        return "conv2d";
    case LayerType::MaxPool2d:
        return "maxpool2d";
    case LayerType::Flatten:
        return "flatten";
    case LayerType::Linear:
        return "linear";
    case LayerType::AvgPool2d:
        return "avgpool2d";
    case LayerType::GlobalAvgPool:
        return "global_avgpool";
    case LayerType::Add:
        return "add";
    case LayerType::Concat:
        return "concat";
    }
    return "?";
}

const char* quantizerName(Quantizer quantizer)
{
    return quantizer == Quantizer::RQuant ? "rquant" : "normal";
}

std::int64_t Layer::fanIn() const
{
    if (type == LayerType::Conv2d)
        return inShape[0] / groups * kernelH * kernelW;
    if (type == LayerType::Linear)
        return inShape[0];
    return 0;
}

bool Layer::hasSignedOutput() const
{
    if (requant)
        return requant->zeroPoint != 0;
    return merge && merge->zeroPoint != 0;
}

std::int64_t Layer::macs() const
{
    return hasParameters() ? shapeSize(outShape) * fanIn() : 0;
}

std::int64_t Layer::parameterCount() const
{
    return hasParameters() ? std::int64_t(weight->count + bias->count) : 0;
}

std::int64_t Network::macsPerImage() const
{
    std::int64_t total = 0;
    for (const auto& layer : layers)
        total += layer.macs();
    return total;
}

std::int64_t Network::parameterCount() const
{
    std::int64_t total = 0;
    for (const auto& layer : layers)
        total += layer.parameterCount();
    return total;
}

const char* tensorRoleName(TensorRole role)
{
    return role == TensorRole::Weight ? "weight" : "bias";
}

std::vector<ParameterTensor> Network::parameterTensors() const
{
    std::vector<ParameterTensor> tensors;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (!layers[i].hasParameters())
            continue;
        for (const TensorRole role : {TensorRole::Weight, TensorRole::Bias}) {
            const QuantizedTensor& tensor = role == TensorRole::Weight ? *layers[i].weight : *layers[i].bias;
            tensors.push_back({i, role, tensor.blobOffset, tensor.count, static_cast<unsigned>(tensor.bits)});
        }
    }
    return tensors;
}

std::uint64_t Network::codeBits() const
{
    std::uint64_t bits = 0;
    for (const ParameterTensor& tensor : parameterTensors())
        bits += static_cast<std::uint64_t>(tensor.count) * tensor.bits;
    return bits;
}

std::int64_t Network::inputSize() const
{
    return shapeSize(dataset.inputShape);
}

void Network::connectAsChain()
{
    for (std::size_t i = 0; i < layers.size(); ++i)
        layers[i].inputs = {i == 0 ? kNetworkInput : i - 1};
}

bool Network::isChain() const
{
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (layers[i].inputs != std::vector<std::size_t>{i == 0 ? kNetworkInput : i - 1})
            return false;
    return true;
}

bool Network::isCutPoint(std::size_t index) const
{
    if (index >= layers.size() || layers[index].inputs.size() != 1)
        return false;
    const std::size_t entering = layers[index].inputs[0];
    for (std::size_t later = index; later < layers.size(); ++later)
        for (const std::size_t producer : layers[later].inputs)
            if (producer != entering && (producer == kNetworkInput || producer < index))
                return false;
    return true;
}

const std::vector<std::int64_t>& Network::tensorShape(std::size_t producer) const
{
    return producer == kNetworkInput ? dataset.inputShape : layers.at(producer).outShape;
}

std::int64_t shapeSize(const std::vector<std::int64_t>& shape)
{
    std::int64_t size = 1;
    for (std::int64_t dim : shape)
        size *= dim;
    return size;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

} // namespace voltsim::workloads
