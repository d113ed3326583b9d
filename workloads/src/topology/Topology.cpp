#include "voltsim/workloads/topology/Topology.hpp"

#include "Text.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

namespace voltsim::workloads {
namespace {

using text::lower;
using text::trim;

/// Largest accepted size of any one dimension; keeps every derived product far from int64 overflow.
constexpr std::int64_t kMaxDimension = 1 << 24;

const std::array<const char*, 8> kConvColumns{"Layer name",   "IFMAP Height", "IFMAP Width", "Filter Height",
                                              "Filter Width", "Channels",     "Num Filter",  "Strides"};
const std::array<const char*, 4> kGemmColumns{"Layer Name", "M", "N", "K"};

/// Splits a line into trimmed fields, dropping a `#` comment and one trailing empty field
/// (SCALE-Sim's files end every row with a comma).
std::vector<std::string> splitFields(const std::string& rawLine)
{
    const std::string line = trim(rawLine.substr(0, rawLine.find('#')));
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ','))
        fields.push_back(trim(field));
    if (!line.empty() && line.back() == ',')
        fields.push_back("");
    if (!fields.empty() && fields.back().empty())
        fields.pop_back();
    return fields;
}

class LineContext {
  public:
    LineContext(const std::string& source, int line) : m_prefix(source + ":" + std::to_string(line) + ": ") {}
    [[noreturn]] void fail(const std::string& message) const { throw InputError(m_prefix + message); }

  private:
    std::string m_prefix;
};

std::int64_t parsePositive(const std::string& text, const char* column, const LineContext& where)
{
    const bool sign = !text.empty() && (text[0] == '-' || text[0] == '+');
    if (!text::isDigits(sign ? text.substr(1) : text) || text.size() > 12)
        where.fail(std::string("column '") + column + "': '" + text + "' is not an integer");
    const std::int64_t value = std::stoll(text);
    if (value <= 0)
        where.fail(std::string("column '") + column + "': " + text + " must be positive");
    if (value > kMaxDimension)
        where.fail(std::string("column '") + column + "': " + text + " exceeds " +
                   std::to_string(kMaxDimension));
    return value;
}

/// SCALE-Sim v2 appends an optional N:M sparsity ratio; voltsim accepts only the dense N:N.
void checkSparsity(const std::string& text, const LineContext& where)
{
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        where.fail("unexpected extra column '" + text +
                   "' (only a dense sparsity ratio like 1:1 may follow)");
    const std::string n = trim(text.substr(0, colon));
    const std::string m = trim(text.substr(colon + 1));
    if (n.empty() || n != m)
        where.fail("sparsity ratio '" + text + "': sparse layers are not supported (use N:N)");
}

TopologyFormat detectFormat(const std::vector<std::string>& header, const LineContext& where)
{
    if (header.size() >= 2 && lower(header[1]) == "m")
        return TopologyFormat::Gemm;
    if (header.size() >= 2 && lower(header[1]).rfind("ifmap", 0) == 0)
        return TopologyFormat::Conv;
    where.fail(
        "expected a SCALE-Sim header line ('Layer name, IFMAP Height, ...' or 'Layer Name, M, N, K,'); "
        "SCALE-Sim skips the first line, so a file must start with one");
}

void checkColumnCount(const std::vector<std::string>& fields, std::size_t expected, const char* const* names,
                      const LineContext& where)
{
    if (fields.size() < expected)
        where.fail("missing column '" + std::string(names[fields.size()]) + "' (expected " +
                   std::to_string(expected) + " columns, got " + std::to_string(fields.size()) + ")");
    if (fields.size() > expected + 1)
        where.fail("too many columns (expected " + std::to_string(expected) + ", got " +
                   std::to_string(fields.size()) + ")");
    if (fields.size() == expected + 1)
        checkSparsity(fields.back(), where);
    if (fields[0].empty())
        where.fail("column '" + std::string(names[0]) + "' is empty");
}

TopologyLayer parseConvRow(const std::vector<std::string>& fields, const LineContext& where)
{
    checkColumnCount(fields, kConvColumns.size(), kConvColumns.data(), where);
    TopologyLayer layer;
    layer.name = fields[0];
    layer.ifmapHeight = parsePositive(fields[1], kConvColumns[1], where);
    layer.ifmapWidth = parsePositive(fields[2], kConvColumns[2], where);
    layer.filterHeight = parsePositive(fields[3], kConvColumns[3], where);
    layer.filterWidth = parsePositive(fields[4], kConvColumns[4], where);
    layer.channels = parsePositive(fields[5], kConvColumns[5], where);
    layer.numFilters = parsePositive(fields[6], kConvColumns[6], where);
    layer.stride = parsePositive(fields[7], kConvColumns[7], where);
    if (layer.filterHeight > layer.ifmapHeight)
        where.fail("Filter Height " + std::to_string(layer.filterHeight) + " is larger than IFMAP Height " +
                   std::to_string(layer.ifmapHeight));
    if (layer.filterWidth > layer.ifmapWidth)
        where.fail("Filter Width " + std::to_string(layer.filterWidth) + " is larger than IFMAP Width " +
                   std::to_string(layer.ifmapWidth));
    return layer;
}

TopologyLayer parseGemmRow(const std::vector<std::string>& fields, const LineContext& where)
{
    checkColumnCount(fields, kGemmColumns.size(), kGemmColumns.data(), where);
    const std::int64_t m = parsePositive(fields[1], kGemmColumns[1], where);
    const std::int64_t n = parsePositive(fields[2], kGemmColumns[2], where);
    const std::int64_t k = parsePositive(fields[3], kGemmColumns[3], where);
    TopologyLayer layer;
    layer.name = fields[0];
    layer.ifmapHeight = m;
    layer.ifmapWidth = k;
    layer.filterHeight = 1;
    layer.filterWidth = k;
    layer.channels = 1;
    layer.numFilters = n;
    layer.stride = 1;
    return layer;
}

/// Most layers one topology may expand into: a depthwise row with C channels becomes C layers, so
/// without a bound a 60-byte row could ask for 2^24 layers (gigabytes, minutes).
constexpr std::int64_t kMaxLayers = std::int64_t(1) << 16;

/// SCALE-Sim's depthwise rule: a name containing "DP" runs as C single-channel layers.
void appendLayer(Topology& topology, TopologyLayer layer)
{
    const bool depthwise = layer.name.find("DP") != std::string::npos;
    const std::int64_t added = depthwise ? layer.channels : 1;
    if (static_cast<std::int64_t>(topology.layers.size()) + added > kMaxLayers)
        throw InputError(topology.source + ":" + std::to_string(layer.line) + ": column 'Channels': layer '" +
                         layer.name + "' would make the topology longer than " + std::to_string(kMaxLayers) +
                         " layers (a depthwise row becomes one layer per channel)");
    if (!depthwise) {
        topology.layers.push_back(std::move(layer));
        return;
    }
    const std::int64_t channels = layer.channels;
    const std::string base = layer.name;
    layer.channels = 1;
    for (std::int64_t channel = 0; channel < channels; ++channel) {
        layer.name = base + "Channel_" + std::to_string(channel);
        topology.layers.push_back(layer);
    }
}

} // namespace

std::int64_t TopologyLayer::ofmapHeight() const
{
    return (ifmapHeight - filterHeight + stride + stride - 1) / stride;
}

std::int64_t TopologyLayer::ofmapWidth() const
{
    return (ifmapWidth - filterWidth + stride + stride - 1) / stride;
}

GemmShape TopologyLayer::gemm() const
{
    return GemmShape{ofmapHeight() * ofmapWidth(), filterHeight * filterWidth * channels, numFilters};
}

Topology parseTopology(std::istream& in, const std::string& sourceName)
{
    Topology topology;
    topology.source = sourceName;
    bool haveHeader = false;
    std::string line;
    for (int lineNumber = 1; std::getline(in, line); ++lineNumber) {
        const std::vector<std::string> fields = splitFields(line);
        if (fields.empty())
            continue;
        const LineContext where(sourceName, lineNumber);
        if (!haveHeader) {
            topology.format = detectFormat(fields, where);
            haveHeader = true;
            continue;
        }
        TopologyLayer layer = topology.format == TopologyFormat::Gemm ? parseGemmRow(fields, where)
                                                                      : parseConvRow(fields, where);
        layer.line = lineNumber;
        appendLayer(topology, std::move(layer));
    }
    if (topology.layers.empty())
        throw InputError(sourceName +
                         ": no layers (a header line followed by at least one layer row is required)");
    return topology;
}

Topology readTopology(const std::string& path)
{
    checkInputFile(path, "a topology file");
    std::ifstream file(path);
    if (!file)
        throw InputError(path + ": cannot open topology file");
    return parseTopology(file, path);
}

} // namespace voltsim::workloads
