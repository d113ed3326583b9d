// libFuzzer target: SCALE-Sim topology CSV and architecture .cfg parsers. The same input is
// parsed as both; for a topology that parses, every layer's lowered GEMM must be positive.
#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/topology/ScaleSimConfig.hpp"
#include "voltsim/workloads/topology/Topology.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace voltsim::workloads;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        std::istringstream in(text);
        const Topology topology = parseTopology(in, "fuzz.csv");
        for (const auto& layer : topology.layers) {
            const GemmShape gemm = layer.gemm();
            if (layer.ofmapHeight() <= 0 || layer.ofmapWidth() <= 0)
                std::abort();
            (void)gemm.macs();
        }
    } catch (const voltsim::InputError&) {
    }
    try {
        std::istringstream in(text);
        const ScaleSimConfig config = parseScaleSimConfig(in, "fuzz.cfg");
        if (config.arrayHeight <= 0 || config.arrayWidth <= 0)
            std::abort();
    } catch (const voltsim::InputError&) {
    }
    return 0;
}
