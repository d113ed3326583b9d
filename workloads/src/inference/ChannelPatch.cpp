#include "ChannelPatch.hpp"

#include <algorithm>
#include <utility>

namespace voltsim::workloads::detail {
namespace {

/// True if layer `reader` reads the output of layer `producer` and nothing else.
bool readsOnly(const Layer& reader, std::size_t producer)
{
    return reader.inputs == std::vector<std::size_t>{producer};
}

/// The codes of `layer`'s filters `filters` (weights, then biases) gathered from `codes` into a
/// blob of their own, and `layer` narrowed to them over that blob.
Layer gatheredFilters(const Layer& layer, const std::vector<std::size_t>& filters,
                      const std::vector<std::uint8_t>& codes, std::vector<std::uint8_t>& blob)
{
    const auto fanIn = static_cast<std::size_t>(layer.fanIn());
    Layer part = layer;
    part.inputs.clear();
    part.outShape[0] = static_cast<std::int64_t>(filters.size());
    part.weight->shape[0] = part.outShape[0];
    part.weight->blobOffset = 0;
    part.weight->count = filters.size() * fanIn;
    part.bias->shape = {part.outShape[0]};
    part.bias->blobOffset = part.weight->count;
    part.bias->count = filters.size();
    blob.clear();
    for (const std::size_t n : filters) {
        const auto first = codes.begin() + static_cast<std::ptrdiff_t>(layer.weight->blobOffset + n * fanIn);
        blob.insert(blob.end(), first, first + static_cast<std::ptrdiff_t>(fanIn));
    }
    for (const std::size_t n : filters)
        blob.push_back(codes[layer.bias->blobOffset + n]);
    return part;
}

} // namespace

std::size_t patchedLayer(const Network& network, const std::vector<bool>& fusedPools, std::size_t source)
{
    const auto& layers = network.layers;
    const std::size_t none = layers.size();
    if (source >= layers.size() || layers[source].type != LayerType::Conv2d || layers[source].groups != 1 ||
        layers[source].requant->int32Output)
        return none;
    const std::size_t output = fusedPools[source] ? source + 1 : source;
    const std::size_t patched = output + 1;
    if (patched >= layers.size() || !readsOnly(layers[patched], output) || !network.isCutPoint(patched))
        return none;
    return patched;
}

std::vector<std::size_t> changedFilters(const Layer& layer, const std::vector<std::uint8_t>& codes,
                                        const std::vector<std::uint8_t>& clean)
{
    const QuantizedTensor& weight = *layer.weight;
    const QuantizedTensor& bias = *layer.bias;
    const auto fanIn = static_cast<std::size_t>(layer.fanIn());
    std::vector<std::size_t> filters;
    for (std::size_t n = 0; n < bias.count; ++n) {
        bool changed = codes[bias.blobOffset + n] != clean[bias.blobOffset + n];
        if (changed)
            codeAt(codes, bias, n, layer);
        for (std::size_t k = n * fanIn; k < (n + 1) * fanIn; ++k)
            if (codes[weight.blobOffset + k] != clean[weight.blobOffset + k]) {
                codeAt(codes, weight, k, layer);
                changed = true;
            }
        if (changed)
            filters.push_back(n);
    }
    return filters;
}

ChannelPatch::ChannelPatch(const Layer& conv, const Layer* pool, std::vector<std::size_t> filters,
                           const std::vector<std::uint8_t>& codes, KernelPath path, const LayerInputs& source)
    : m_filters(std::move(filters)), m_channels(static_cast<std::size_t>(conv.outShape[0])), m_source(source)
{
    std::vector<std::uint8_t> blob;
    m_conv = gatheredFilters(conv, m_filters, codes, blob);
    if (pool != nullptr) {
        m_pool = *pool;
        m_pool->inShape[0] = m_pool->outShape[0] = m_conv.outShape[0];
    }
    if (!m_filters.empty())
        m_prepared = prepareLayer(m_conv, blob, path);
}

void ChannelPatch::apply(std::size_t firstImage, std::size_t count, std::uint8_t* entering, Workspace& work,
                         std::vector<std::uint8_t>& scratch) const
{
    if (m_filters.empty())
        return;
    const Layer& last = m_pool ? *m_pool : m_conv;
    const auto plane = static_cast<std::size_t>(last.outShape[1] * last.outShape[2]);
    const auto sourceSize = static_cast<std::size_t>(shapeSize(m_conv.inShape));
    const std::size_t enteringSize = m_channels * plane;
    scratch.resize(m_filters.size() * plane);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t* input = m_source.data + (firstImage + i) * sourceSize;
        if (m_pool)
            runConvMaxPool(m_prepared, *m_pool, input, scratch.data(), work);
        else
            runConv(m_prepared, input, scratch.data(), work);
        std::uint8_t* image = entering + i * enteringSize;
        for (std::size_t f = 0; f < m_filters.size(); ++f)
            std::copy_n(scratch.data() + f * plane, plane, image + m_filters[f] * plane);
    }
}

} // namespace voltsim::workloads::detail
