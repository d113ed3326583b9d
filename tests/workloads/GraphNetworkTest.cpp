// Package format version 2 (a graph): the loader reads every layer type and refuses malformed
// graphs with one line naming the layer; the C++ integer reference runs the hand-computed tiny
// graph (PackageBuilder.hpp) to logits derived by hand below.
//
// Image A: channel 0 = [[1, 2], [3, 4]], channel 1 = [[5, 6], [7, 9]].
//   dw  (depthwise 1x1): channel 0: (2q + 1) >> 1 = q -> [1, 2, 3, 4]; channel 1: (q + 1) >> 1 -> [3, 3, 4,
//   5] add (dw, input), (a + b + 1) >> 1: channel 0 [1, 2, 3, 4]; channel 1 (3+5+1)>>1 = 4, 5, 6, 7 cat (add,
//   dw): [1,2,3,4], [4,5,6,7], [1,2,3,4], [3,3,4,5] mp  2x2/1, padding 1 on [[a, b], [c, d]]: [[a, max(a,b),
//   b], [max(a,c), max, max(b,d)], [c, max(c,d), d]]
//       channel 0: [[1,2,2],[3,4,4],[3,4,4]]; 1: [[4,5,5],[6,7,7],[6,7,7]]; 2 = 0; 3:
//       [[3,3,3],[4,5,5],[4,5,5]]
//   avg 2x2/1, floor((2S + 4) / 8): channel 0: S = 10, 12, 14, 16 -> [3, 3, 4, 4]; 1: S = 22, 24, 26, 28
//       -> [6, 6, 7, 7]; 2 = 0; 3: S = 15, 16, 18, 20 -> [4, 4, 5, 5]
//   gap floor((2S + 4) / 8): S = 14, 26, 14, 18 -> [4, 7, 4, 5]
//   fc  logits [q0, q1 + q3] = [4, 12]
// Image B (all 255): dw [255, 128]; add [(255+255+1)>>1 = 255, (128+255+1)>>1 = 192]; every later
//   plane is constant, so gap = [255, 192, 255, 128] and logits = [255, 320]. Image C (zeros): [0, 0].
#include "GoldenCheck.hpp"
#include "PackageBuilder.hpp"
#include "TestPaths.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>

namespace voltsim::test {
namespace {

using nlohmann::json;
using workloads::IntegerReference;
using workloads::LayerType;
using workloads::ModelPackage;

const std::vector<std::uint8_t> kImageA = {1, 2, 3, 4, 5, 6, 7, 9};

class GraphNetworkTest : public ::testing::Test {
  protected:
    ModelPackage load(const std::function<void(PackageFiles&)>& edit = [](PackageFiles&) {})
    {
        PackageFiles files = tinyGraphPackage();
        edit(files);
        files.write(m_dir.path());
        return ModelPackage::load(m_dir.path());
    }

    /// Loading the tiny graph after `edit` throws one line containing every piece of `expected`.
    void expectError(const std::function<void(PackageFiles&)>& edit, const std::vector<std::string>& expected)
    {
        try {
            load(edit);
            FAIL() << "no error; expected: " << expected.front();
        } catch (const InputError& error) {
            expectOneLineWith(error.what(), expected);
        }
    }

    TempDir m_dir;
};

json& layer(PackageFiles& files, std::size_t index)
{
    return files.manifest["layers"][index];
}

TEST_F(GraphNetworkTest, LoadsEveryLayerTypeWithItsInputs)
{
    const ModelPackage package = load();
    const workloads::Network& network = package.network;
    ASSERT_EQ(network.layers.size(), 8u);
    const std::vector<LayerType> types = {
        LayerType::Conv2d,    LayerType::Add,           LayerType::Concat,  LayerType::MaxPool2d,
        LayerType::AvgPool2d, LayerType::GlobalAvgPool, LayerType::Flatten, LayerType::Linear};
    for (std::size_t i = 0; i < types.size(); ++i)
        EXPECT_EQ(network.layers[i].type, types[i]) << i;
    EXPECT_EQ(network.layers[0].inputs, std::vector<std::size_t>{workloads::kNetworkInput});
    EXPECT_EQ(network.layers[1].inputs, (std::vector<std::size_t>{0, workloads::kNetworkInput}));
    EXPECT_EQ(network.layers[2].inputs, (std::vector<std::size_t>{1, 0}));
    EXPECT_EQ(network.layers[0].groups, 2);
    EXPECT_EQ(network.layers[0].fanIn(), 1);
    EXPECT_EQ(network.layers[3].padding, 1);
    EXPECT_EQ(network.layers[2].merge->multipliers, (std::vector<std::int64_t>{2, 2}));
    EXPECT_FALSE(network.isChain());
    // Layers 1 and 2 read two tensors; from layer 3 on only the concat's output is needed.
    const std::vector<bool> cuts = {true, false, false, true, true, true, true, true};
    for (std::size_t i = 0; i < cuts.size(); ++i)
        EXPECT_EQ(network.isCutPoint(i), cuts[i]) << i;
}

TEST_F(GraphNetworkTest, IntegerReferenceGivesTheHandDerivedLogits)
{
    const ModelPackage package = load();
    std::vector<std::uint8_t> images = kImageA;
    images.insert(images.end(), 8, 255);
    images.insert(images.end(), 8, 0);
    for (const unsigned threads : {1u, 2u}) {
        const IntegerReference reference(package, threads);
        const IntegerReference::Logits logits = reference.logits(package.codes, images.data(), 3);
        const std::vector<std::int32_t> got(logits.data(), logits.data() + logits.size());
        EXPECT_EQ(got, (std::vector<std::int32_t>{4, 12, 255, 320, 0, 0})) << threads << " threads";
    }
}

/// The tiny graph with dw's output signed (zero point 128 folded into b0 = 128 * 2^1) and read by the
/// add only (the concat reads the add twice); the add's b0 = -m_dw * 128 removes the zero point.
void makeDwSigned(PackageFiles& f)
{
    layer(f, 0)["relu"] = false;
    layer(f, 0)["requant"]["b0"] = 256;
    layer(f, 0)["requant"]["zero_point"] = 128;
    layer(f, 1)["requant"]["b0"] = -128;
    layer(f, 2)["inputs"] = {"add", "add"};
}

// Image A through makeDwSigned: dw channel 0 T = 2q -> (2q + 256 + 1) >> 1 = q + 128; channel 1 T = q
// -> (q + 257) >> 1 = 131, 131, 132, 133 for q = 5, 6, 7, 9. add (m = 1, 1, b0 = -128, shift 1):
// channel 0 (q + 128 + q - 128 + 1) >> 1 = q -> [1, 2, 3, 4]; channel 1 (131 + 5 - 127) >> 1 = 4, then
// 5, 6, 7 -> [4, 5, 6, 7], the unsigned graph's add. cat = (add, add), so channel 3 = channel 1 and gap =
// [4, 7, 4, 7]: logits [4, 14]. Zeros: dw = 128, add (128 - 127) >> 1 = 0: logits [0, 0].
TEST_F(GraphNetworkTest, AddOfASignedTensorAppliesItsZeroPoint)
{
    const ModelPackage package = load(makeDwSigned);
    EXPECT_TRUE(package.network.layers[0].hasSignedOutput());
    EXPECT_FALSE(package.network.layers[1].hasSignedOutput());
    EXPECT_EQ(package.network.layers[1].merge->b0, -128);
    std::vector<std::uint8_t> images = kImageA;
    images.insert(images.end(), 8, 0);
    const IntegerReference reference(package, 1);
    const IntegerReference::Logits logits = reference.logits(package.codes, images.data(), 2);
    EXPECT_EQ(std::vector<std::int32_t>(logits.data(), logits.data() + logits.size()),
              (std::vector<std::int32_t>{4, 14, 0, 0}));
}

TEST_F(GraphNetworkTest, RefusesSignedTensorsOutsideAdds)
{
    expectError(
        [](PackageFiles& f) {
            makeDwSigned(f);
            layer(f, 2)["inputs"] = {"add", "dw"};
        },
        {"layers[2].inputs[1]", "reads the signed tensor 'dw'", "only an add"});
    expectError([](PackageFiles& f) { layer(f, 0)["relu"] = false; },
                {"layers[0].relu", "must be true for a hidden layer unless its output is signed"});
    expectError(
        [](PackageFiles& f) {
            makeDwSigned(f);
            layer(f, 0)["relu"] = true;
        },
        {"layers[0].relu", "must be false for a signed output"});
    expectError(
        [](PackageFiles& f) {
            makeDwSigned(f);
            layer(f, 0)["requant"]["zero_point"] = 100;
        },
        {"layers[0].requant.zero_point", "must be 128"});
    expectError([](PackageFiles& f) { layer(f, 2)["requant"]["b0"] = 5; }, {"layers[2].requant", "b0"});
    expectError([](PackageFiles& f) { layer(f, 7)["requant"]["zero_point"] = 128; },
                {"layers[7].requant.zero_point", "last layer"});
}

TEST_F(GraphNetworkTest, ResumesAtCutPointsOnly)
{
    const ModelPackage package = load();
    const IntegerReference reference(package, 1);
    const workloads::LayerInputs images{0, kImageA.data(), 1};
    const std::vector<std::uint8_t> concat = reference.activations(package.codes, images, 3);
    EXPECT_EQ(concat, (std::vector<std::uint8_t>{1, 2, 3, 4, 4, 5, 6, 7, 1, 2, 3, 4, 3, 3, 4, 5}));
    const IntegerReference::Logits resumed = reference.logits(package.codes, {3, concat.data(), 1});
    EXPECT_EQ(resumed(0, 0), 4);
    EXPECT_EQ(resumed(0, 1), 12);
    EXPECT_THROW(reference.activations(package.codes, images, 2), std::invalid_argument);
    EXPECT_THROW(reference.logits(package.codes, {1, kImageA.data(), 1}), std::invalid_argument);
}

TEST_F(GraphNetworkTest, RefusesMalformedGraphsNamingTheLayer)
{
    expectError(
        [](PackageFiles& f) {
            layer(f, 1)["inputs"] = {"dw", "cat"};
        },
        {"manifest.json", "layers[1].inputs[1]", "'cat'", "cycle"});
    expectError(
        [](PackageFiles& f) {
            layer(f, 1)["inputs"] = {"dw", "add"};
        },
        {"layers[1].inputs[1]", "cycle"});
    expectError(
        [](PackageFiles& f) {
            layer(f, 1)["inputs"] = {"dw", "nowhere"};
        },
        {"layers[1].inputs[1]", "'nowhere' names no layer"});
    expectError([](PackageFiles& f) { layer(f, 1)["inputs"] = {"dw"}; },
                {"layers[1].inputs", "add takes 2 inputs"});
    expectError(
        [](PackageFiles& f) {
            layer(f, 3)["inputs"] = {"cat", "dw"};
        },
        {"layers[3].inputs", "maxpool2d takes 1 input, got 2"});
    expectError(
        [](PackageFiles& f) {
            layer(f, 2)["inputs"] = {"add", "mp"};
            layer(f, 3)["inputs"] = {"add"};
        },
        {"layers[2].inputs[1]", "cycle"});
    expectError([](PackageFiles& f) { layer(f, 0)["groups"] = 3; },
                {"layers[0].groups", "3 does not divide the input channels 2"});
    expectError([](PackageFiles& f) { layer(f, 1)["type"] = "multiply"; }, {"layers[1].type", "multiply"});
    expectError([](PackageFiles& f) { layer(f, 0)["name"] = "input"; },
                {"layers[0].name", "network's input"});
    // add of [2, 2, 2] and the concat's [4, 2, 2]: reorder so the concat comes first.
    expectError(
        [](PackageFiles& f) {
            json cat = layer(f, 2);
            cat["inputs"] = {"dw", "dw"};
            json add = layer(f, 1);
            add["inputs"] = {"dw", "cat"};
            f.manifest["layers"][1] = cat;
            f.manifest["layers"][2] = add;
            layer(f, 3)["inputs"] = {"add"};
        },
        {"layers[2].inputs[1]", "[4, 2, 2]", "equal shapes"});
    // The add's output read by nobody: the concat reads dw twice.
    expectError(
        [](PackageFiles& f) {
            layer(f, 2)["inputs"] = {"dw", "dw"};
        },
        {"layers[1].name", "'add' is read by no later layer"});
    expectError(
        [](PackageFiles& f) {
            layer(f, 2)["out_shape"] = {3, 2, 2};
        },
        {"layers[2].out_shape", "must be [4, 2, 2]"});
    expectError([](PackageFiles& f) { layer(f, 1)["in_shape"] = {2, 2, 2}; }, {"layers[1]", "in_shape"});
}

TEST_F(GraphNetworkTest, VersionOneKeepsItsOwnKeysAndTypes)
{
    expectError([](PackageFiles& f) { f.manifest["format_version"] = 1; },
                {"layers[0].inputs", "a format_version 2 key"});
    expectError(
        [](PackageFiles& f) {
            f.manifest["format_version"] = 1;
            layer(f, 0).erase("inputs");
        },
        {"layers[0].groups", "a format_version 2 key"});
    expectError([](PackageFiles& f) { f.manifest["format_version"] = 3; },
                {"format_version", "reads 1 and 2"});
}

// The trainer's seeded fixture with every version 2 layer type (python3 -m tools.train.fixtures):
// the trainer's integer reference and the C++ one agree bit for bit, clean and faulty.
TEST(GraphFixtureTest, TrainerFixtureWithEveryLayerTypeReproducesItsGoldenLogits)
{
    expectGoldenLogits(sourceDir() + "/tests/data/graph-every-layer");
    const ModelPackage package = ModelPackage::load(sourceDir() + "/tests/data/graph-every-layer");
    std::set<LayerType> types;
    for (const workloads::Layer& layer : package.network.layers)
        types.insert(layer.type);
    EXPECT_EQ(types.size(), 8u) << "the fixture lost a layer type";
}

} // namespace
} // namespace voltsim::test
