// Incremental inference (docs/sweep.md, "Incremental inference") equals dense inference bit for
// bit on every kernel path the CPU supports: a layer computed as its clean accumulators plus the
// flipped codes' contribution, then the rest densely, for every layer that supports it, in the
// CNN, the 4-bit CNN, the ResNet (residual adds, a depthwise conv) and the every-layer fixture
// (grouped conv, add, concat, pools).
#include "GoldenCheck.hpp"
#include "KernelPathFixture.hpp"
#include "TestPaths.hpp"

#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

namespace voltsim::test {
namespace {

using namespace workloads;

/// `codes` with about `rate` of the codes of every tensor of layers >= `from` corrupted: one bit
/// flipped, or (one in four of those) forced to 0 or 2^m - 1.
std::vector<std::uint8_t> corrupted(const ModelPackage& package, std::size_t from, double rate,
                                    std::uint32_t seed)
{
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<std::uint8_t> codes = package.codes;
    for (const ParameterTensor& tensor : package.network.parameterTensors()) {
        if (tensor.layer < from)
            continue;
        const auto top = static_cast<std::uint8_t>((1u << tensor.bits) - 1);
        for (std::size_t i = tensor.blobOffset; i < tensor.blobOffset + tensor.count; ++i) {
            if (uniform(random) >= rate)
                continue;
            const auto draw = random() % 8;
            codes[i] = draw == 0   ? std::uint8_t(0)
                       : draw == 1 ? top
                                   : static_cast<std::uint8_t>(codes[i] ^ (1u << (random() % tensor.bits)));
        }
    }
    return codes;
}

const Dataset& testSet()
{
    static const Dataset loaded = Dataset::fashionMnist(Dataset::defaultFashionMnistDir(), false);
    return loaded;
}

class IncrementalInferenceTest : public KernelPathTest {
  protected:
    /// For every layer with incremental inference: with codes corrupted from that layer on (at a
    /// low and a high rate, and in its bias alone), incremental logits equal the dense ones.
    void expectIncrementalEqualsDense(const std::string& directory)
    {
        SCOPED_TRACE(directory);
        const ModelPackage package = ModelPackage::load(directory);
        const Dataset& test = testSet();
        const std::size_t count = 97; // two threads, a partial last batch
        const IntegerReference reference(package, 2);
        std::size_t tested = 0;
        for (std::size_t layer = 0; layer < package.network.layers.size(); ++layer) {
            if (!reference.supportsIncremental(layer))
                continue;
            SCOPED_TRACE("layer " + package.network.layers[layer].name);
            ++tested;
            const std::vector<std::uint8_t> entering =
                layer == 0 ? std::vector<std::uint8_t>(test.image(0), test.image(count))
                           : reference.activations(package.codes, {0, test.image(0), count}, layer);
            const LayerInputs inputs{layer, entering.data(), count};
            const LayerAccumulators clean = reference.accumulators(package.codes, inputs);
            std::vector<std::vector<std::uint8_t>> cases = {
                package.codes, corrupted(package, layer, 0.002, 3), corrupted(package, layer, 0.05, 4)};
            cases.push_back(package.codes);
            const QuantizedTensor& bias = *package.network.layers[layer].bias;
            cases.back()[bias.blobOffset] ^= 1; // the bias alone
            for (std::size_t c = 0; c < cases.size(); ++c) {
                const auto dense = reference.logits(cases[c], test.image(0), count);
                const auto incremental = reference.logits(cases[c], inputs, clean, package.codes);
                for (std::size_t i = 0; i < count; ++i)
                    ASSERT_EQ(logitRow(incremental, i), logitRow(dense, i))
                        << "case " << c << ", image " << i;
            }
        }
        EXPECT_GE(tested, 2u);
    }

    /// For every conv2d whose changed filters patchedLayer can recompute alone: with codes
    /// corrupted from that conv on (at a low and a high rate, and in one filter's bias alone), the
    /// inference resumed from the patched clean tensor equals the dense one. `tested`: the convs tested.
    void expectPatchedEqualsDense(const std::string& directory, std::size_t& tested)
    {
        SCOPED_TRACE(directory);
        const ModelPackage package = ModelPackage::load(directory);
        const Dataset& test = testSet();
        const std::size_t count = 97; // two threads, a partial last batch
        const IntegerReference reference(package, 2);
        const auto enteringClean = [&](std::size_t layer) {
            return layer == 0 ? std::vector<std::uint8_t>(test.image(0), test.image(count))
                              : reference.activations(package.codes, {0, test.image(0), count}, layer);
        };
        tested = 0;
        for (std::size_t layer = 0; layer < package.network.layers.size(); ++layer) {
            const std::size_t patched = reference.patchedLayer(layer);
            if (patched == package.network.layers.size())
                continue;
            SCOPED_TRACE("layer " + package.network.layers[layer].name);
            ++tested;
            const std::vector<std::uint8_t> source = enteringClean(layer);
            const std::vector<std::uint8_t> inputs = enteringClean(patched);
            std::vector<std::vector<std::uint8_t>> cases = {
                package.codes, corrupted(package, layer, 0.002, 5), corrupted(package, layer, 0.05, 6)};
            cases.push_back(package.codes);
            const QuantizedTensor& bias = *package.network.layers[layer].bias;
            cases.back()[bias.blobOffset + bias.count - 1] ^= 1; // the last filter's bias alone
            for (std::size_t c = 0; c < cases.size(); ++c) {
                const auto dense = reference.logits(cases[c], test.image(0), count);
                const auto resumed = reference.logits(cases[c], {patched, inputs.data(), count},
                                                      {layer, source.data(), count}, package.codes);
                for (std::size_t i = 0; i < count; ++i)
                    ASSERT_EQ(logitRow(resumed, i), logitRow(dense, i)) << "case " << c << ", image " << i;
            }
        }
    }
};

TEST_P(IncrementalInferenceTest, EqualsDenseInferenceInEveryModelAndLayer)
{
    for (const std::string name : {"randbet-8bit", "randbet-4bit", "resnet-randbet-8bit"})
        expectIncrementalEqualsDense(modelDir(name));
    expectIncrementalEqualsDense(sourceDir() + "/tests/data/graph-every-layer");
}

TEST_P(IncrementalInferenceTest, PatchedChannelsEqualDenseInference)
{
    // conv1 (with its max-pool) and conv2 of the CNNs; the ResNet's and the fixture's convs read by
    // a conv or pool alone.
    std::size_t tested = 0;
    for (const std::string name : {"randbet-8bit", "randbet-4bit"}) {
        expectPatchedEqualsDense(modelDir(name), tested);
        EXPECT_EQ(tested, 2u) << name;
    }
    expectPatchedEqualsDense(modelDir("resnet-randbet-8bit"), tested);
    EXPECT_GE(tested, 1u) << "resnet-randbet-8bit";
    expectPatchedEqualsDense(sourceDir() + "/tests/data/graph-every-layer", tested);
    EXPECT_GE(tested, 1u) << "graph-every-layer";
}
VOLTSIM_FOR_EVERY_KERNEL_PATH(IncrementalInferenceTest);

TEST(IncrementalInference, RefusesLayersWithoutItAndMismatchedAccumulators)
{
    const ModelPackage package = ModelPackage::load(modelDir("resnet-randbet-8bit"));
    const IntegerReference reference(package, 1);
    const Dataset& test = testSet();
    std::size_t depthwise = 0;
    for (std::size_t i = 0; i < package.network.layers.size(); ++i)
        if (package.network.layers[i].groups > 1)
            depthwise = i;
    ASSERT_NE(depthwise, 0u);
    EXPECT_FALSE(reference.supportsIncremental(depthwise));
    const auto entering = reference.activations(package.codes, {0, test.image(0), 4}, depthwise);
    EXPECT_THROW(reference.accumulators(package.codes, {depthwise, entering.data(), 4}),
                 std::invalid_argument);
    const LayerAccumulators clean = reference.accumulators(package.codes, {0, test.image(0), 4});
    EXPECT_THROW(reference.logits(package.codes, {0, test.image(0), 3}, clean, package.codes),
                 std::invalid_argument);
    const ModelPackage fourBit = ModelPackage::load(modelDir("randbet-4bit"));
    const IntegerReference fourBitReference(fourBit, 1);
    const LayerAccumulators fourBitClean =
        fourBitReference.accumulators(fourBit.codes, {0, test.image(0), 4});
    std::vector<std::uint8_t> tooWide = fourBit.codes;
    tooWide[fourBit.network.layers[0].weight->blobOffset] = 16; // past 4 bits
    EXPECT_THROW(fourBitReference.logits(tooWide, {0, test.image(0), 4}, fourBitClean, fourBit.codes),
                 std::invalid_argument);
}

TEST(IncrementalInference, PatchesOnlyTheLayerAfterAConvAndItsPool)
{
    const ModelPackage package = ModelPackage::load(modelDir("randbet-4bit"));
    const IntegerReference reference(package, 1);
    const std::size_t layers = package.network.layers.size();
    EXPECT_EQ(reference.patchedLayer(0), 2u);     // conv1 + pool1 -> conv2
    EXPECT_EQ(reference.patchedLayer(1), layers); // a pool
    EXPECT_EQ(reference.patchedLayer(5), layers); // fc1
    const Dataset& test = testSet();
    const auto entering = reference.activations(package.codes, {0, test.image(0), 4}, 2);
    EXPECT_THROW(
        reference.logits(package.codes, {2, entering.data(), 4}, {0, test.image(0), 3}, package.codes),
        std::invalid_argument);
    EXPECT_THROW(
        reference.logits(package.codes, {5, entering.data(), 4}, {0, test.image(0), 4}, package.codes),
        std::invalid_argument);
    std::vector<std::uint8_t> tooWide = package.codes;
    tooWide[package.network.layers[0].weight->blobOffset] = 16; // past 4 bits
    EXPECT_THROW(reference.logits(tooWide, {2, entering.data(), 4}, {0, test.image(0), 4}, package.codes),
                 std::invalid_argument);
}

} // namespace
} // namespace voltsim::test
