// The stats tree follows the module hierarchy: collectStats on a hand-built hierarchy, and the
// accelerator's tree against counts derived by hand from the model and the batch plan.
#include "AcceleratorTestSupport.hpp"
#include "ScFixture.hpp"

#include "voltsim/models/stats/StatsTree.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace voltsim::test {
namespace {

/// A module that reports `counts` as its statistics.
struct Counting : sc_core::sc_module, models::IStatsSource {
    nlohmann::json counts;
    Counting(const sc_core::sc_module_name& name, nlohmann::json reported)
        : sc_core::sc_module(name), counts(std::move(reported))
    {
    }
    nlohmann::json statsJson() const override { return counts; }
};

/// A module without statistics of its own.
struct Plain : sc_core::sc_module {
    explicit Plain(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {}
};

// root { a (x=1) { b (y=2) }, c (none), d (none) { e (z=3) } }: members are constructed inside
// their parent's constructor, so SystemC makes them its children.
struct Inner : sc_core::sc_module, models::IStatsSource {
    Counting b{"b", {{"y", 2}}};
    explicit Inner(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {}
    nlohmann::json statsJson() const override { return {{"x", 1}}; }
};
struct Holder : sc_core::sc_module {
    Counting e{"e", {{"z", 3}}};
    explicit Holder(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {}
};
struct Root : sc_core::sc_module {
    Inner a{"a"};
    Plain c{"c"};
    Holder d{"d"};
    explicit Root(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {}
};

class StatsTreeTest : public ScFixture {};

TEST_F(StatsTreeTest, NestsEachModulesCountsUnderItsNameAndLeavesOutModulesWithoutAny)
{
    const Root root("root");
    const nlohmann::json expected = {{"a", {{"x", 1}, {"b", {{"y", 2}}}}}, {"d", {{"e", {{"z", 3}}}}}};
    EXPECT_EQ(models::collectStats(root), expected);
}

TEST_F(StatsTreeTest, AcceleratorTreeHoldsEveryModulesCountsAsDerivedFromTheBatchPlan)
{
    const workloads::ModelPackage package = workloads::ModelPackage::load(modelDir("randbet-8bit"));
    const workloads::GoldenVectors golden = workloads::GoldenVectors::load(package);
    ASSERT_GE(golden.images.size(), 3u);
    std::vector<std::uint8_t> pixels;
    for (std::size_t i = 0; i < 3; ++i)
        pixels.insert(pixels.end(), golden.images[i].pixels.begin(), golden.images[i].pixels.end());
    models::AcceleratorSpecs specs = acceleratorSpecs("stutz2021-14nm", "fast");
    specs.batchImages = 2; // 3 images: batches of 2 and 1
    const AcceleratorRun run = runAccelerator(specs, package, 7, pixels.data(), 3);
    const nlohmann::json& tree = run.stats.tree;

    std::vector<std::string> modules;
    for (const auto& [name, counts] : tree.items())
        modules.push_back(name);
    EXPECT_EQ(modules, (std::vector<std::string>{"accumulator_sram", "activation_sram", "array", "controller",
                                                 "dma", "dram", "host", "weight_sram"}));

    const std::uint64_t tensors = package.network.parameterTensors().size();
    std::uint64_t gemmLayers = 0;
    for (const workloads::Layer& layer : package.network.layers)
        gemmLayers += layer.hasParameters() ? 1 : 0;
    const auto inputBytes = static_cast<std::uint64_t>(package.network.inputSize());
    const std::uint64_t logitBytes = 4 * static_cast<std::uint64_t>(package.network.dataset.numClasses);

    EXPECT_EQ(tree["host"]["images"], 3u);
    EXPECT_EQ(tree["host"]["batches"], 2u);
    // DRAM sees the DMA only (the host's debug transport is neither timed nor counted): one read
    // per weight tensor at model load and per input image, one write per image's logits.
    EXPECT_EQ(tree["dram"]["reads"], tensors + 3);
    EXPECT_EQ(tree["dram"]["writes"], 3u);
    EXPECT_EQ(tree["dram"]["bytes_written"], 3 * logitBytes);
    EXPECT_EQ(tree["dma"]["bytes_from_dram"], run.stats.host.modelBytes + 3 * inputBytes);
    EXPECT_EQ(tree["dma"]["bytes_to_dram"], 3 * logitBytes);
    EXPECT_EQ(tree["dma"]["bytes_to_weight_sram"], run.stats.host.modelBytes);
    // The fast engine runs one GEMM per conv2d/linear layer and batch.
    EXPECT_EQ(tree["array"]["gemms"], 2 * gemmLayers);
    ASSERT_EQ(tree["controller"]["layers"].size(), package.network.layers.size());
    for (const auto& layer : tree["controller"]["layers"])
        EXPECT_EQ(layer["images"], 3u);
    EXPECT_EQ(tree["weight_sram"]["banks"].size(), specs.weightSram.chip.geometry.banks);
    EXPECT_EQ(tree["activation_sram"]["reads_per_bank"].size(), specs.activationSram.banks);
}

} // namespace
} // namespace voltsim::test
