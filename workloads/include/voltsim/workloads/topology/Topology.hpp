#pragma once
// SCALE-Sim topology files (conv and GEMM forms) read as they are, with their quirks.
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace voltsim::workloads {

/// Which of SCALE-Sim's two topology forms a file uses (detected from its header line).
enum class TopologyFormat {
    Conv, ///< Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,
          ///< Strides,
    Gemm, ///< Layer Name, M, N, K,
};

/// One layer after SCALE-Sim's import rules: a GEMM row becomes the conv
/// (H = M, W = K, Fh = 1, Fw = K, C = 1, filters = N, stride 1) exactly as SCALE-Sim does,
/// and a depthwise ("DP" in the name) row becomes one layer per channel.
struct TopologyLayer {
    std::string name;
    std::int64_t ifmapHeight = 0;
    std::int64_t ifmapWidth = 0;
    std::int64_t filterHeight = 0;
    std::int64_t filterWidth = 0;
    std::int64_t channels = 0;
    std::int64_t numFilters = 0;
    std::int64_t stride = 1;
    int line = 0; ///< 1-based line of the source file the layer came from

    /// SCALE-Sim's output size (no padding): ceil((H - F + S) / S).
    std::int64_t ofmapHeight() const;
    std::int64_t ofmapWidth() const;
    /// The lowered GEMM: M = ofmapHeight * ofmapWidth, K = Fh * Fw * C, N = numFilters.
    GemmShape gemm() const;
};

/// A parsed topology file.
struct Topology {
    std::string source; ///< file name used in messages
    TopologyFormat format = TopologyFormat::Conv;
    std::vector<TopologyLayer> layers;
};

/// Parses a SCALE-Sim topology from a stream. Accepts the quirks of SCALE-Sim's shipped files:
/// a header line (required; it selects the form), blank lines, a trailing comma (or none),
/// spaces and tabs around fields, `#` comments after the last field, and an optional trailing
/// dense sparsity ratio `N:N`. Depthwise rows (name containing "DP") expand into one layer per
/// channel named `<name>Channel_<i>` with one channel each, as SCALE-Sim does.
/// Throws voltsim::InputError naming `sourceName`, the line and the column on the first problem:
/// a non-numeric or non-positive size, a missing or extra column, a filter larger than the input.
Topology parseTopology(std::istream& in, const std::string& sourceName);

/// Reads and parses a topology file; throws voltsim::InputError if it cannot be opened.
Topology readTopology(const std::string& path);

} // namespace voltsim::workloads
