// SCALE-Sim topology and .cfg import: every quirk of the shipped files and every malformed row.
#include "voltsim/workloads/topology/Topology.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/topology/ScaleSimConfig.hpp"

#include "TestPaths.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace voltsim::workloads {
namespace {

const char* kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";

Topology parse(const std::string& text)
{
    std::istringstream in(text);
    return parseTopology(in, "topo.csv");
}

/// The InputError message parsing `text` produces (empty if it parses).
std::string errorOf(const std::string& text)
{
    try {
        parse(text);
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

TEST(TopologyTest, ConvRowWithSpacesAndTrailingComma)
{
    const Topology t = parse(std::string(kConvHeader) + "Conv1     ,224  ,224 ,11 ,11 ,3 ,96 ,4 ,\n");
    ASSERT_EQ(t.format, TopologyFormat::Conv);
    ASSERT_EQ(t.layers.size(), 1u);
    const TopologyLayer& l = t.layers[0];
    EXPECT_EQ(l.name, "Conv1");
    EXPECT_EQ(l.line, 2);
    // ceil((224 - 11 + 4) / 4) = ceil(54.25) = 55 output rows and columns.
    EXPECT_EQ(l.ofmapHeight(), 55);
    EXPECT_EQ(l.ofmapWidth(), 55);
    const GemmShape g = l.gemm();
    EXPECT_EQ(g.m, 55 * 55);
    EXPECT_EQ(g.k, 11 * 11 * 3);
    EXPECT_EQ(g.n, 96);
}

TEST(TopologyTest, BlankLinesTabsCommentsAndMissingTrailingComma)
{
    const Topology t = parse(std::string(kConvHeader) + "\n"
                                                        "Conv2_dw, 112, 112, 3, 3, 1, 1, 2,#dw\n"
                                                        "\tConv15_0,14,14,1,1,512,512,1,\r\n"
                                                        "Conv11,28,28,1,1,256,256,1\n"
                                                        "\n");
    ASSERT_EQ(t.layers.size(), 3u);
    EXPECT_EQ(t.layers[0].name, "Conv2_dw");
    EXPECT_EQ(t.layers[0].line, 3);
    // ceil((112 - 3 + 2) / 2) = ceil(55.5) = 56
    EXPECT_EQ(t.layers[0].ofmapHeight(), 56);
    EXPECT_EQ(t.layers[1].name, "Conv15_0");
    EXPECT_EQ(t.layers[1].channels, 512);
    EXPECT_EQ(t.layers[2].stride, 1);
    EXPECT_EQ(t.layers[2].numFilters, 256);
}

TEST(TopologyTest, DepthwiseLayerExpandsPerChannel)
{
    const Topology t =
        parse(std::string(kConvHeader) + "Conv_DP1, 14, 14, 3, 3, 3, 1, 1,\nFC, 1, 1, 1, 1, 8, 10, 1,\n");
    ASSERT_EQ(t.layers.size(), 4u);
    EXPECT_EQ(t.layers[0].name, "Conv_DP1Channel_0");
    EXPECT_EQ(t.layers[2].name, "Conv_DP1Channel_2");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(t.layers[i].channels, 1);
        EXPECT_EQ(t.layers[i].numFilters, 1);
        EXPECT_EQ(t.layers[i].gemm().k, 9);
        EXPECT_EQ(t.layers[i].gemm().m, 12 * 12);
    }
    EXPECT_EQ(t.layers[3].name, "FC");
}

TEST(TopologyTest, GemmFormMapsLikeScaleSim)
{
    const Topology t = parse("Layer Name, M, N, K,\nTest 1, 256, 128, 64,\n");
    ASSERT_EQ(t.format, TopologyFormat::Gemm);
    ASSERT_EQ(t.layers.size(), 1u);
    const TopologyLayer& l = t.layers[0];
    EXPECT_EQ(l.name, "Test 1");
    // SCALE-Sim's rows: ifmap M x K, filter 1 x K, one channel, N filters, stride 1.
    EXPECT_EQ(l.ifmapHeight, 256);
    EXPECT_EQ(l.ifmapWidth, 64);
    EXPECT_EQ(l.filterWidth, 64);
    EXPECT_EQ(l.gemm().m, 256);
    EXPECT_EQ(l.gemm().k, 64);
    EXPECT_EQ(l.gemm().n, 128);
}

TEST(TopologyTest, DenseSparsityRatioAcceptedSparseRejected)
{
    EXPECT_EQ(parse("Layer Name, M, N, K,\nA, 2, 3, 4, 1:1,\n").layers.size(), 1u);
    const std::string message = errorOf("Layer Name, M, N, K,\nA, 2, 3, 4, 2:4,\n");
    EXPECT_NE(message.find("topo.csv:2:"), std::string::npos) << message;
    EXPECT_NE(message.find("not supported"), std::string::npos) << message;
}

TEST(TopologyTest, MalformedRowsNameFileLineAndColumn)
{
    const std::string h = kConvHeader;
    struct Case {
        std::string text;
        std::string expected;
    };
    const std::vector<Case> cases{
        {h + "C1, 10, 10, 3, 3, three, 4, 1,\n", "topo.csv:2: column 'Channels': 'three' is not an integer"},
        {h + "C1, 10, 10, 3, 3, 2, 4,\n", "topo.csv:2: missing column 'Strides'"},
        {h + "C1, 10, 10, 3,\n", "topo.csv:2: missing column 'Filter Width'"},
        {h + "C1, 10, 10, 3, 3, 0, 4, 1,\n", "topo.csv:2: column 'Channels': 0 must be positive"},
        {h + "C1, 10, -10, 3, 3, 2, 4, 1,\n", "topo.csv:2: column 'IFMAP Width': -10 must be positive"},
        {h + "\nC1, 10, 10, 3, 3, 2, 4, 1,\nC2, 5, 5, 7, 3, 2, 4, 1,\n",
         "topo.csv:4: Filter Height 7 is larger than IFMAP Height 5"},
        {h + "C1, 10, 10, 3, 12, 2, 4, 1,\n", "topo.csv:2: Filter Width 12 is larger than IFMAP Width 10"},
        {h + "C1, 10, 10, 3, 3, 2, 4, 1, 5, 6,\n", "topo.csv:2: too many columns"},
        {h + " , 10, 10, 3, 3, 2, 4, 1,\n", "topo.csv:2: column 'Layer name' is empty"},
        {h + "C1, 10, 10, 3, 3, -, 4, 1,\n", "topo.csv:2: column 'Channels': '-' is not an integer"},
        {h + "C1, 10, 10, 3, 3, 2.5, 4, 1,\n", "topo.csv:2: column 'Channels': '2.5' is not an integer"},
        {"C1, 10, 10, 3, 3, 2, 4, 1,\n", "topo.csv:1: expected a SCALE-Sim header line"},
        {h, "topo.csv: no layers"},
        {"", "topo.csv: no layers"},
        {"Layer Name, M, N, K,\nG, 4, x, 2,\n", "topo.csv:2: column 'N': 'x' is not an integer"},
    };
    for (const Case& c : cases) {
        const std::string message = errorOf(c.text);
        EXPECT_EQ(message.rfind(c.expected, 0), 0u) << "got: " << message << "\nfor:\n" << c.text;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(TopologyTest, MissingFileIsAnInputError)
{
    EXPECT_THROW(readTopology("/nonexistent/topo.csv"), InputError);
}

TEST(TopologyTest, ShippedTopologiesParse)
{
    const std::string dir = test::sourceDir() + "/workloads/topologies/";
    EXPECT_EQ(readTopology(dir + "alexnet.csv").layers.size(), 5u);
    const Topology resnet = readTopology(dir + "resnet50.csv");
    EXPECT_EQ(resnet.layers.size(), 54u); // conv1 + 16 bottlenecks x 3 + 4 projections + fc
    std::int64_t macs = 0;
    for (const auto& layer : resnet.layers)
        macs += layer.gemm().macs();
    // ResNet-50 is about 4.1 GMACs at 224x224 with padding; SCALE-Sim drops padding, so a bit less.
    EXPECT_GT(macs, 3'400'000'000);
    EXPECT_LT(macs, 4'200'000'000);
    const Topology mobilenet = readTopology(dir + "mobilenet_v1.csv");
    EXPECT_GT(mobilenet.layers.size(), 27u); // depthwise rows expand per channel
    EXPECT_EQ(readTopology(dir + "gemm_bert_base.csv").format, TopologyFormat::Gemm);
}

ScaleSimConfig parseConfig(const std::string& text)
{
    std::istringstream in(text);
    return parseScaleSimConfig(in, "arch.cfg");
}

std::string configError(const std::string& text)
{
    try {
        parseConfig(text);
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

TEST(ScaleSimConfigTest, ReadsScaleSimExample)
{
    const ScaleSimConfig c =
        parseConfig("[general]\nrun_name = example_32x32\n\n[architecture_presets]\n"
                    "ArrayHeight:    16\nArrayWidth:     8\nIfmapSramSzkB:   64\n"
                    "FilterSramSzkB:  32\nOfmapSramSzkB:   16\nIfmapOffset:    0\n"
                    "Bandwidth : 10\nDataflow : WS\n\n[sparsity]\nSparsitySupport : false\n\n"
                    "[run_presets]\nInterfaceBandwidth: CALC\n");
    EXPECT_EQ(c.runName, "example_32x32");
    EXPECT_EQ(c.arrayHeight, 16);
    EXPECT_EQ(c.arrayWidth, 8);
    EXPECT_DOUBLE_EQ(c.ifmapSramKiB, 64);
    EXPECT_DOUBLE_EQ(c.filterSramKiB, 32);
    EXPECT_DOUBLE_EQ(c.ofmapSramKiB, 16);
    EXPECT_EQ(c.bandwidthWords, 10);
    EXPECT_EQ(c.dataflow, "ws");
    EXPECT_EQ(c.interfaceBandwidth, "CALC");
    ASSERT_EQ(c.unmodelledKeys.size(), 2u);
    EXPECT_EQ(c.unmodelledKeys[0], "architecture_presets.ifmapoffset");
    EXPECT_EQ(c.unmodelledKeys[1], "sparsity.sparsitysupport");
}

TEST(ScaleSimConfigTest, ErrorsNameFileLineAndKey)
{
    const std::string arch = "[architecture_presets]\nArrayHeight: 4\nArrayWidth: 4\n";
    EXPECT_EQ(
        configError(arch + "Dataflow: rs\n").rfind("arch.cfg:4: key 'dataflow': 'rs' is not a dataflow", 0),
        0u);
    EXPECT_EQ(configError(arch + "Dataflow: os\nArraywidthh: 3\n")
                  .rfind("arch.cfg:5: unknown key 'arraywidthh'", 0),
              0u);
    EXPECT_EQ(
        configError("[architecture_presets]\nArrayHeight: 0\n").rfind("arch.cfg:2: key 'arrayheight'", 0),
        0u);
    EXPECT_EQ(configError("[archi]\n").rfind("arch.cfg:1: unknown section [archi]", 0), 0u);
    EXPECT_EQ(configError("ArrayHeight: 4\n").rfind("arch.cfg:1: key 'arrayheight' before any [section]", 0),
              0u);
    EXPECT_EQ(configError(arch + "Dataflow: os\n[sparsity]\nSparsitySupport: true\n")
                  .rfind("arch.cfg:6: key 'sparsitysupport'", 0),
              0u);
    EXPECT_EQ(configError(arch).rfind("arch.cfg: [architecture_presets] needs", 0), 0u);
    EXPECT_EQ(configError(arch + "Dataflow os\n").rfind("arch.cfg:4: expected 'key: value'", 0), 0u);
}

TEST(ScaleSimConfigTest, ShippedConfigParses)
{
    const ScaleSimConfig c =
        readScaleSimConfig(test::sourceDir() + "/workloads/topologies/scale_32x32_ws.cfg");
    EXPECT_EQ(c.arrayHeight, 32);
    EXPECT_EQ(c.arrayWidth, 32);
    EXPECT_EQ(c.dataflow, "ws");
}

} // namespace
} // namespace voltsim::workloads
