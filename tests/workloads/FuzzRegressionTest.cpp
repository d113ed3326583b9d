// Inputs the fuzzers (fuzz/, scripts/fuzz.sh) found to crash, hang or over-allocate a
// workloads loader, fixed and kept here with the behaviour they must have now. The raw inputs are
// also in fuzz/regressions/<target>/ and replayed by every fuzz run.
#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/topology/Topology.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

namespace {

using namespace voltsim::workloads;

/// The message of the InputError `parse` throws ("" if it does not throw one).
template <typename Parse> std::string inputErrorOf(Parse parse)
{
    try {
        parse();
    } catch (const voltsim::InputError& error) {
        return error.what();
    }
    return "";
}

// fuzz_topology, timeout (14 s, then gigabytes): a depthwise row ("DP" in the name) becomes one
// layer per channel, as SCALE-Sim does, so 60 bytes asked for 1,727,218 layers. Now at most 2^16
// layers per topology, and the error names the file, the line and the column.
TEST(FuzzRegression, TopologyDepthwiseRowCannotExpandIntoMillionsOfLayers)
{
    const std::string text =
        "Layr name, IFMAP Heicht 128, 1,\nConDP4, 57, 57, 3, 3, 1727218, 1, 2,\nBon000, 1,\n";
    const auto start = std::chrono::steady_clock::now();
    const std::string message = inputErrorOf([&] {
        std::istringstream in(text);
        parseTopology(in, "fuzz.csv");
    });
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_NE(message.find("fuzz.csv:2: column 'Channels'"), std::string::npos) << message;
    EXPECT_NE(message.find("65536 layers"), std::string::npos) << message;
}

TEST(FuzzRegression, TopologyDepthwiseLimitCountsEveryRowAndStillAcceptsMobileNetSizes)
{
    const std::string header = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                               "Channels, Num Filter, Strides,\n";
    // 65536 layers exactly: two depthwise rows of 32768 channels.
    std::istringstream fits(header + "aDP, 4, 4, 3, 3, 32768, 1, 1,\nbDP, 4, 4, 3, 3, 32768, 1, 1,\n");
    EXPECT_EQ(parseTopology(fits, "fits.csv").layers.size(), 65536u);
    // One more plain row crosses the limit on line 4.
    const std::string message = inputErrorOf([&] {
        std::istringstream in(
            header +
            "aDP, 4, 4, 3, 3, 32768, 1, 1,\nbDP, 4, 4, 3, 3, 32768, 1, 1,\nc, 4, 4, 3, 3, 1, 1, 1,\n");
        parseTopology(in, "over.csv");
    });
    EXPECT_NE(message.find("over.csv:4:"), std::string::npos) << message;
}

} // namespace
