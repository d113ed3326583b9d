// The integer reference against (1) logits derived by hand for the tiny network and (2) a naive,
// literal implementation of docs/datapath.md (acc and z * Sq separately, division instead of
// shifts, no im2col) on random networks with padding, stride, odd shapes, groups (depthwise with
// and without a channel multiplier) and 3- to 8-bit codes, on every kernel path the CPU supports.
#include "KernelPathFixture.hpp"
#include "PackageBuilder.hpp"

#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <random>
#include <set>
#include <stdexcept>

namespace voltsim::test {
namespace {

using namespace workloads;

/// Hand derivation for the tiny network (PackageBuilder.hpp), image A = [[1,2,3],[4,5,6],[7,8,9]]:
///  conv1 patches (row-major 2x2 windows): [1,2,4,5] Sq 12, [2,3,5,6] Sq 16, [4,5,7,8] Sq 24, [5,6,8,9]
///  Sq 28. f0: acc - z Sq = p0 + 2 p3 = 11, 14, 20, 23; T = 2 (acc - z Sq) + Sq + 4*2 - 2 = 40, 50, 70, 80;
///      q = (T + 2) >> 2 = 10, 13 (12.5 rounds up), 18 (17.5 up), 20.
///  f1: 3 p0 - 2 p3 = -7, -6, -4, -3; T = 2 x + Sq + 4*(-4) - 2 = -20, -14, -2, 4; q = -5, -3, 0, 1 -> ReLU
///  0, 0, 0, 1. pool: [20, 1]; Sq = 21. fc: n0 acc - z Sq = 20,  T = 3*20 - 21 + 5*0 + 1 = 40,      logit (40
///  + 1) >> 1 = 20
///      n1 = -20 + 7 = -13,  T = -39 - 21 + 5*2 + 1 = -49,       logit -48 >> 1 = -24
///      n2 = -160,           T = -480 - 21 + 5*(-5) + 1 = -525,  logit -524 >> 1 = -262
/// Image B (zeros): f0 T = 6 -> 2; f1 T = -18 -> 0; pool [2, 0], Sq 2;
///      fc T = 6-2+0+1 = 5 -> 3; -6-2+10+1 = 3 -> 2; -48-2-25+1 = -74 -> floor(-73/2) = -37.
/// Image C (all 255): f0 acc - z Sq = 765, Sq 1020, T = 2556 -> 639 -> 255; f1 = 255, T = 1512 -> 378 -> 255;
///      pool [255, 255], Sq 510: T = 765-510+1 = 256 -> 128; 4590-510+10+1 = 4091 -> 2046;
///      -6120-510-25+1 = -6654 -> floor(-6653/2) = -3327.
/// Faulty (fc bias code 0: 8 -> 9, so T of n0 grows by m_bias = 5): 45 -> 23, 10 -> 5, 261 -> 131.
TEST(IntegerReferenceTest, TinyNetworkMatchesHandDerivedLogits)
{
    TempDir dir;
    tinyPackageWithGolden().write(dir.path());
    const ModelPackage package = ModelPackage::load(dir.path());
    const IntegerReference reference(package, 1);
    for (const TinyCase& item : tinyCases()) {
        const auto clean = reference.logits(package.codes, item.pixels.data(), 1);
        EXPECT_EQ(std::vector<std::int32_t>(clean.data(), clean.data() + 3), item.logits);
        std::vector<std::uint8_t> faulty = package.codes;
        faulty[16] ^= 1;
        const auto corrupted = reference.logits(faulty, item.pixels.data(), 1);
        EXPECT_EQ(std::vector<std::int32_t>(corrupted.data(), corrupted.data() + 3), item.faultyLogits);
    }
    std::vector<std::uint8_t> images;
    for (const TinyCase& item : tinyCases())
        images.insert(images.end(), item.pixels.begin(), item.pixels.end());
    EXPECT_EQ(reference.classify(package.codes, images.data(), 3), (std::vector<int>{0, 0, 1}));
    const Label labels[] = {0, 1, 1};
    EXPECT_EQ(reference.countErrors(package.codes, images.data(), labels, 3), 1u);
}

TEST(IntegerReferenceTest, ArgmaxTakesLowestIndexOnTies)
{
    const std::int32_t values[] = {-5, 7, 3, 7, 7};
    EXPECT_EQ(argmaxLowest(values, 5), 1);
    const std::int32_t equal[] = {4, 4};
    EXPECT_EQ(argmaxLowest(equal, 2), 0);
}

TEST(IntegerReferenceTest, RejectsCodesOfWrongSizeOrWidth)
{
    TempDir dir;
    tinyPackageWithGolden().write(dir.path());
    const ModelPackage package = ModelPackage::load(dir.path());
    const IntegerReference reference(package, 1);
    const std::vector<std::uint8_t> pixels(9, 1);
    EXPECT_THROW(reference.logits(std::vector<std::uint8_t>(18, 0), pixels.data(), 1), std::invalid_argument);
    std::vector<std::uint8_t> wide = package.codes;
    wide[12] = 16; // fc weights are 4-bit
    wide[13] = 17;
    try {
        reference.logits(wide, pixels.data(), 1);
        ADD_FAILURE() << "a 4-bit weight code of 16 was accepted";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("code 16 at blob index 12 exceeds 4 bits"),
                  std::string::npos)
            << error.what();
    }
}

// ---- A naive, literal datapath ------------------------------------------------------------

/// floor(t / 2^shift) by integer division (not by a shift).
std::int64_t floorDivide(std::int64_t t, int shift)
{
    const std::int64_t divisor = std::int64_t(1) << shift;
    return t >= 0 ? t / divisor : -((-t + divisor - 1) / divisor);
}

std::int64_t requantizeNaive(const Layer& layer, const std::vector<std::uint8_t>& codes, std::int64_t n,
                             std::int64_t acc, std::int64_t sumInputs)
{
    const Requant& r = *layer.requant;
    const std::int64_t z = layer.weight->offset;
    const std::int64_t biasCode = codes[layer.bias->blobOffset + static_cast<std::size_t>(n)];
    const std::int64_t t = r.mAcc * (acc - z * sumInputs) + r.mSum * sumInputs +
                           r.mBias * (biasCode - layer.bias->offset) + r.b0;
    const std::int64_t value = floorDivide(t + (std::int64_t(1) << (r.shift - 1)), r.shift);
    return r.int32Output ? std::clamp<std::int64_t>(value, INT32_MIN, INT32_MAX)
                         : std::clamp<std::int64_t>(value, 0, 255);
}

std::vector<std::int64_t> naiveConv(const Layer& layer, const std::vector<std::uint8_t>& codes,
                                    const std::vector<std::int64_t>& in)
{
    const std::int64_t H = layer.inShape[1], W = layer.inShape[2];
    const std::int64_t N = layer.outShape[0], Ho = layer.outShape[1], Wo = layer.outShape[2];
    const std::int64_t C = layer.inShape[0] / layer.groups; // input channels per group
    std::vector<std::int64_t> out;
    for (std::int64_t n = 0; n < N; ++n)
        for (std::int64_t oy = 0; oy < Ho; ++oy)
            for (std::int64_t ox = 0; ox < Wo; ++ox) {
                std::int64_t acc = 0, sumInputs = 0;
                const std::int64_t firstChannel = n / (N / layer.groups) * C;
                for (std::int64_t c = 0; c < C; ++c)
                    for (std::int64_t fy = 0; fy < layer.kernelH; ++fy)
                        for (std::int64_t fx = 0; fx < layer.kernelW; ++fx) {
                            const std::int64_t y = oy * layer.stride - layer.padding + fy;
                            const std::int64_t x = ox * layer.stride - layer.padding + fx;
                            const std::int64_t q = (y >= 0 && y < H && x >= 0 && x < W)
                                                       ? in[((firstChannel + c) * H + y) * W + x]
                                                       : 0;
                            const std::size_t k = static_cast<std::size_t>(
                                ((n * C + c) * layer.kernelH + fy) * layer.kernelW + fx);
                            acc += codes[layer.weight->blobOffset + k] * q;
                            sumInputs += q;
                        }
                out.push_back(requantizeNaive(layer, codes, n, acc, sumInputs));
            }
    return out;
}

std::vector<std::int64_t> naiveLinear(const Layer& layer, const std::vector<std::uint8_t>& codes,
                                      const std::vector<std::int64_t>& in)
{
    std::vector<std::int64_t> out;
    const std::int64_t K = layer.inShape[0];
    for (std::int64_t n = 0; n < layer.outShape[0]; ++n) {
        std::int64_t acc = 0, sumInputs = 0;
        for (std::int64_t k = 0; k < K; ++k) {
            acc += codes[layer.weight->blobOffset + static_cast<std::size_t>(n * K + k)] *
                   in[static_cast<std::size_t>(k)];
            sumInputs += in[static_cast<std::size_t>(k)];
        }
        out.push_back(requantizeNaive(layer, codes, n, acc, sumInputs));
    }
    return out;
}

std::vector<std::int64_t> naivePool(const Layer& layer, const std::vector<std::int64_t>& in)
{
    const std::int64_t H = layer.inShape[1], W = layer.inShape[2];
    std::vector<std::int64_t> out;
    for (std::int64_t c = 0; c < layer.outShape[0]; ++c)
        for (std::int64_t oy = 0; oy < layer.outShape[1]; ++oy)
            for (std::int64_t ox = 0; ox < layer.outShape[2]; ++ox) {
                std::int64_t best = 0;
                for (std::int64_t fy = 0; fy < layer.kernelH; ++fy)
                    for (std::int64_t fx = 0; fx < layer.kernelW; ++fx)
                        best =
                            std::max(best, in[(c * H + oy * layer.stride + fy) * W + ox * layer.stride + fx]);
                out.push_back(best);
            }
    return out;
}

std::vector<std::int64_t> naiveLogits(const Network& network, const std::vector<std::uint8_t>& codes,
                                      const std::uint8_t* image)
{
    std::vector<std::int64_t> values(image, image + network.inputSize());
    for (const Layer& layer : network.layers) {
        if (layer.type == LayerType::Conv2d)
            values = naiveConv(layer, codes, values);
        else if (layer.type == LayerType::MaxPool2d)
            values = naivePool(layer, values);
        else if (layer.type == LayerType::Linear)
            values = naiveLinear(layer, codes, values);
    }
    return values;
}

/// Appends random codes of a weight (`bits` wide, any value) and an 8-bit bias tensor to `files` and
/// returns the layer's parameter keys.
nlohmann::json randomParameters(std::mt19937& random, PackageFiles& files,
                                const std::vector<std::int64_t>& weightShape, int bits, int shift,
                                std::int64_t mAcc, std::int64_t mSum, bool logits)
{
    const auto weight = tensorJson(weightShape, bits, files.codes.size());
    const auto bias =
        tensorJson({weightShape[0]}, 8, files.codes.size() + weight["count"].get<std::size_t>());
    for (std::size_t i = 0; i < weight["count"].get<std::size_t>(); ++i)
        files.codes.push_back(static_cast<std::uint8_t>(random() % (1u << bits)));
    for (std::int64_t i = 0; i < weightShape[0]; ++i)
        files.codes.push_back(static_cast<std::uint8_t>(random() % 256));
    const std::int64_t b0 = std::int64_t(random() % 4001) - 2000;
    return nlohmann::json{
        {"weight", weight},
        {"bias", bias},
        {"requant", requantJson(shift, mAcc, mSum, 97, (b0 * (std::int64_t{1} << shift)) >> 4, logits)}};
}

/// Random network: [3, 9, 7] -> conv 5 filters 3x2 stride 2 pad 1 (5-bit) -> [5, 5, 4]
/// -> maxpool 2x2 stride 1 -> [5, 4, 3] -> conv 4 filters 2x2 (8-bit) -> [4, 3, 2] -> flatten [24]
/// -> linear 7 (3-bit) -> linear 4 logits (6-bit). Codes cover the full range 0..2^m-1 (as bit errors can).
PackageFiles randomPackage(std::mt19937& random)
{
    PackageFiles files;
    files.manifest = manifestSkeleton({3, 9, 7}, 4);
    auto& layers = files.manifest["layers"];
    const auto parameters = [&](const std::vector<std::int64_t>& weightShape, int bits, int shift,
                                std::int64_t mAcc, std::int64_t mSum, bool logits) {
        return randomParameters(random, files, weightShape, bits, shift, mAcc, mSum, logits);
    };
    auto conv1 = parameters({5, 3, 3, 2}, 5, 12, 300, -45, false);
    conv1.update({{"name", "conv1"},
                  {"type", "conv2d"},
                  {"in_shape", {3, 9, 7}},
                  {"out_shape", {5, 5, 4}},
                  {"kernel", {3, 2}},
                  {"stride", 2},
                  {"padding", 1},
                  {"relu", true}});
    layers.push_back(conv1);
    layers.push_back({{"name", "pool"},
                      {"type", "maxpool2d"},
                      {"in_shape", {5, 5, 4}},
                      {"out_shape", {5, 4, 3}},
                      {"kernel", {2, 2}},
                      {"stride", 1}});
    auto conv2 = parameters({4, 5, 2, 2}, 8, 14, 160, 3000, false);
    conv2.update({{"name", "conv2"},
                  {"type", "conv2d"},
                  {"in_shape", {5, 4, 3}},
                  {"out_shape", {4, 3, 2}},
                  {"kernel", {2, 2}},
                  {"stride", 1},
                  {"padding", 0},
                  {"relu", true}});
    layers.push_back(conv2);
    layers.push_back(
        {{"name", "flatten"}, {"type", "flatten"}, {"in_shape", {4, 3, 2}}, {"out_shape", {24}}});
    auto fc1 = parameters({7, 24}, 3, 10, 40, 1, false);
    fc1.update({{"name", "fc1"}, {"type", "linear"}, {"in_shape", {24}}, {"out_shape", {7}}, {"relu", true}});
    layers.push_back(fc1);
    auto fc2 = parameters({4, 7}, 6, 3, 5, -2, true);
    fc2.update({{"name", "fc2"}, {"type", "linear"}, {"in_shape", {7}}, {"out_shape", {4}}, {"relu", false}});
    layers.push_back(fc2);
    files.golden = tinyGolden();
    return files;
}

class NaiveDatapathTest : public KernelPathTest {};

TEST_P(NaiveDatapathTest, MatchesNaiveDatapathOnRandomNetworkAndCodes)
{
    std::mt19937 random(20260128);
    TempDir dir;
    randomPackage(random).write(dir.path());
    const ModelPackage package = ModelPackage::load(dir.path());
    const std::size_t count = 150; // several batches and threads, with a partial last batch
    std::vector<std::uint8_t> images(count * 189);
    for (auto& pixel : images)
        pixel = static_cast<std::uint8_t>(random() % 256);
    std::set<std::int32_t> distinct;
    for (int trial = 0; trial < 3; ++trial) {
        std::vector<std::uint8_t> codes = package.codes;
        if (trial > 0) // corrupted codes: random bit flips inside each tensor's width (8-bit biases: any bit)
            for (int flip = 0; flip < 20; ++flip)
                codes[random() % codes.size()] ^= 1; // bit 0 stays inside every width
        const IntegerReference reference(package, 2);
        const auto logits = reference.logits(codes, images.data(), count);
        for (std::size_t i = 0; i < count; ++i) {
            const auto expected = naiveLogits(package.network, codes, images.data() + i * 189);
            for (std::size_t c = 0; c < 4; ++c) {
                ASSERT_EQ(logits(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)), expected[c])
                    << "trial " << trial << " image " << i << " class " << c;
                distinct.insert(logits(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)));
            }
        }
    }
    // The network is not degenerate: the logits take many values (not all saturated or zero).
    EXPECT_GT(distinct.size(), 100u);
}

/// Random network of convs each followed by a 2x2 stride-2 max-pool (the pair runConvMaxPool
/// computes at once) and the depth packings of narrow inputs: [2, 6, 37] -> conv 5 filters 3x5 pad 1
/// (8-bit; kernel rows wider than a word) -> [5, 6, 35] -> maxpool -> [5, 3, 17] (pooled rows longer
/// than a vector step, not a multiple of it) -> conv 4 filters 3x3 stride 2 pad 1 (6-bit) -> [4, 2, 9]
/// -> maxpool -> [4, 1, 4]
/// (shorter than a step; the odd last column dropped) -> flatten [16] -> linear 4 logits (7-bit).
PackageFiles randomPooledPackage(std::mt19937& random)
{
    PackageFiles files;
    files.manifest = manifestSkeleton({2, 6, 37}, 4);
    auto& layers = files.manifest["layers"];
    const auto pool = [&](const char* name, const std::vector<std::int64_t>& in,
                          const std::vector<std::int64_t>& out) {
        layers.push_back({{"name", name},
                          {"type", "maxpool2d"},
                          {"in_shape", in},
                          {"out_shape", out},
                          {"kernel", {2, 2}},
                          {"stride", 2}});
    };
    auto conv1 = randomParameters(random, files, {5, 2, 3, 5}, 8, 13, 200, -30, false);
    conv1.update({{"name", "conv1"},
                  {"type", "conv2d"},
                  {"in_shape", {2, 6, 37}},
                  {"out_shape", {5, 6, 35}},
                  {"kernel", {3, 5}},
                  {"stride", 1},
                  {"padding", 1},
                  {"relu", true}});
    layers.push_back(conv1);
    pool("pool1", {5, 6, 35}, {5, 3, 17});
    auto conv2 = randomParameters(random, files, {4, 5, 3, 3}, 6, 12, 150, 25, false);
    conv2.update({{"name", "conv2"},
                  {"type", "conv2d"},
                  {"in_shape", {5, 3, 17}},
                  {"out_shape", {4, 2, 9}},
                  {"kernel", {3, 3}},
                  {"stride", 2},
                  {"padding", 1},
                  {"relu", true}});
    layers.push_back(conv2);
    pool("pool2", {4, 2, 9}, {4, 1, 4});
    layers.push_back(
        {{"name", "flatten"}, {"type", "flatten"}, {"in_shape", {4, 1, 4}}, {"out_shape", {16}}});
    auto fc = randomParameters(random, files, {4, 16}, 7, 6, 5, -2, true);
    fc.update({{"name", "fc"}, {"type", "linear"}, {"in_shape", {16}}, {"out_shape", {4}}, {"relu", false}});
    layers.push_back(fc);
    files.golden = tinyGolden();
    return files;
}

/// The package written by `files` on 70 random images (two threads, a partial last batch): its
/// 4 logits of every image equal the naive datapath's, and take more than 100 distinct values (not
/// saturated: every layer passes information on).
void expectNaiveLogitsOnRandomImages(PackageFiles files, std::mt19937& random)
{
    TempDir dir;
    files.write(dir.path());
    const ModelPackage package = ModelPackage::load(dir.path());
    const std::size_t count = 70;
    const auto imageSize = static_cast<std::size_t>(package.network.inputSize());
    std::vector<std::uint8_t> images(count * imageSize);
    for (auto& pixel : images)
        pixel = static_cast<std::uint8_t>(random() % 256);
    std::set<std::int32_t> distinct;
    const auto logits = IntegerReference(package, 2).logits(package.codes, images.data(), count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto expected = naiveLogits(package.network, package.codes, images.data() + i * imageSize);
        for (std::size_t c = 0; c < 4; ++c) {
            ASSERT_EQ(logits(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)), expected[c])
                << "image " << i << " class " << c;
            distinct.insert(logits(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)));
        }
    }
    EXPECT_GT(distinct.size(), 100u);
}

TEST_P(NaiveDatapathTest, ConvsWithTheirMaxPoolsMatchNaiveDatapath)
{
    std::mt19937 random(20261202);
    expectNaiveLogitsOnRandomImages(randomPooledPackage(random), random);
}

/// Random format version 2 chain of grouped convs: [4, 8, 7] -> depthwise 3x5 pad 2 (7-bit: two
/// four-column words per kernel row; taller output than input) -> [4, 10, 7] -> depthwise 3x3 pad 1,
/// two filters per channel (6-bit) -> [8, 10, 7] -> depthwise 3x2 stride 2 pad 1 (8-bit) -> [8, 5, 4]
/// -> 1x1 conv in 2 groups (5-bit) -> [4, 5, 4] -> flatten [80] -> linear 4 logits (7-bit).
PackageFiles randomGroupedPackage(std::mt19937& random)
{
    PackageFiles files;
    files.manifest = manifestSkeleton({4, 8, 7}, 4);
    files.manifest["format_version"] = 2;
    auto& layers = files.manifest["layers"];
    const auto conv = [&](const char* name, const char* input, const std::vector<std::int64_t>& weightShape,
                          int bits, std::int64_t mAcc, const nlohmann::json& geometry) {
        auto layer = randomParameters(random, files, weightShape, bits, 12, mAcc, 40, false);
        layer.update(geometry);
        layer.update({{"name", name}, {"type", "conv2d"}, {"inputs", {input}}, {"relu", true}});
        layers.push_back(layer);
    };
    conv("dw0", "input", {4, 1, 3, 5}, 7, 150,
         {{"in_shape", {4, 8, 7}},
          {"out_shape", {4, 10, 7}},
          {"kernel", {3, 5}},
          {"stride", 1},
          {"padding", 2},
          {"groups", 4}});
    conv("dw1", "dw0", {8, 1, 3, 3}, 6, 200,
         {{"in_shape", {4, 10, 7}},
          {"out_shape", {8, 10, 7}},
          {"kernel", {3, 3}},
          {"stride", 1},
          {"padding", 1},
          {"groups", 4}});
    conv("dw2", "dw1", {8, 1, 3, 2}, 8, 120,
         {{"in_shape", {8, 10, 7}},
          {"out_shape", {8, 5, 4}},
          {"kernel", {3, 2}},
          {"stride", 2},
          {"padding", 1},
          {"groups", 8}});
    conv("grouped", "dw2", {4, 4, 1, 1}, 5, 300,
         {{"in_shape", {8, 5, 4}},
          {"out_shape", {4, 5, 4}},
          {"kernel", {1, 1}},
          {"stride", 1},
          {"padding", 0},
          {"groups", 2}});
    layers.push_back({{"name", "flatten"},
                      {"type", "flatten"},
                      {"inputs", {"grouped"}},
                      {"in_shape", {4, 5, 4}},
                      {"out_shape", {80}}});
    auto fc = randomParameters(random, files, {4, 80}, 7, 6, 5, -2, true);
    fc.update({{"name", "fc"},
               {"type", "linear"},
               {"inputs", {"flatten"}},
               {"in_shape", {80}},
               {"out_shape", {4}},
               {"relu", false}});
    layers.push_back(fc);
    files.golden = tinyGolden();
    return files;
}

TEST_P(NaiveDatapathTest, GroupedAndDepthwiseConvsMatchNaiveDatapath)
{
    std::mt19937 random(20261130);
    expectNaiveLogitsOnRandomImages(randomGroupedPackage(random), random);
}
VOLTSIM_FOR_EVERY_KERNEL_PATH(NaiveDatapathTest);

TEST(IntegerReferenceTest, ResultsIndependentOfThreadCountAndBatching)
{
    std::mt19937 random(7);
    TempDir dir;
    randomPackage(random).write(dir.path());
    const ModelPackage package = ModelPackage::load(dir.path());
    const std::size_t count = 301;
    std::vector<std::uint8_t> images(count * 189);
    for (auto& pixel : images)
        pixel = static_cast<std::uint8_t>(random() % 256);
    const auto single = IntegerReference(package, 1).logits(package.codes, images.data(), count);
    for (unsigned threads : {2u, 3u, 5u})
        EXPECT_EQ(IntegerReference(package, threads).logits(package.codes, images.data(), count), single)
            << threads;
    const auto tail =
        IntegerReference(package, 2).logits(package.codes, images.data() + std::ptrdiff_t{100} * 189, 201);
    EXPECT_EQ(tail, single.bottomRows(201));
}

/// `codes` with bit 0 (inside every width) flipped at `flips` random places of layer `layer`'s weights and
/// bias.
void flipInLayer(const Layer& layer, int flips, std::mt19937& random, std::vector<std::uint8_t>& codes)
{
    for (const QuantizedTensor* tensor : {&*layer.weight, &*layer.bias})
        for (int flip = 0; flip < flips; ++flip)
            codes[tensor->blobOffset + random() % tensor->count] ^= 1;
}

TEST(IntegerReferenceTest, ResumingFromCleanActivationsEqualsFullInference)
{
    std::mt19937 random(99);
    TempDir dir;
    randomPackage(random).write(dir.path());
    const ModelPackage package = ModelPackage::load(dir.path());
    const std::size_t count = 133; // several batches and threads, partial last batch
    std::vector<std::uint8_t> images(count * 189);
    for (auto& pixel : images)
        pixel = static_cast<std::uint8_t>(random() % 256);
    const IntegerReference reference(package, 2);
    const auto& layers = package.network.layers;
    for (std::size_t resume = 1; resume < layers.size(); ++resume) {
        if (!layers[resume].hasParameters())
            continue;
        const std::vector<std::uint8_t> clean =
            reference.activations(package.codes, {0, images.data(), count}, resume);
        ASSERT_EQ(clean.size(), count * static_cast<std::size_t>(shapeSize(layers[resume].inShape)));
        std::vector<std::uint8_t> codes = package.codes; // faults in this layer and every later one
        for (std::size_t later = resume; later < layers.size(); ++later)
            if (layers[later].hasParameters())
                flipInLayer(layers[later], 3, random, codes);
        const auto full = reference.logits(codes, images.data(), count);
        EXPECT_EQ(reference.logits(codes, {resume, clean.data(), count}), full)
            << "resume at layer " << resume;
        const std::vector<Label> labels(count, 1);
        EXPECT_EQ(reference.countErrors(codes, {resume, clean.data(), count}, labels.data()),
                  reference.countErrors(codes, images.data(), labels.data(), count));
        EXPECT_NE(reference.logits(package.codes, images.data(), count), full)
            << "the flips change some logit";
    }
    // Activations chain: conv2's input from fc1's input layer by layer equals one pass from the images.
    const auto toConv2 = reference.activations(package.codes, {0, images.data(), count}, 2);
    EXPECT_EQ(reference.activations(package.codes, {2, toConv2.data(), count}, 4),
              reference.activations(package.codes, {0, images.data(), count}, 4));
}

TEST(IntegerReferenceTest, RejectsLayerRangesOutsideTheNetwork)
{
    std::mt19937 random(5);
    TempDir dir;
    randomPackage(random).write(dir.path());
    const ModelPackage package = ModelPackage::load(dir.path());
    const IntegerReference reference(package, 1);
    const std::vector<std::uint8_t> inputs(189);
    EXPECT_THROW(reference.activations(package.codes, {0, inputs.data(), 1}, 0), std::invalid_argument);
    EXPECT_THROW(reference.activations(package.codes, {0, inputs.data(), 1}, 6), std::invalid_argument);
    EXPECT_THROW(reference.activations(package.codes, {3, inputs.data(), 1}, 2), std::invalid_argument);
    EXPECT_THROW(reference.logits(package.codes, {6, inputs.data(), 1}), std::invalid_argument);
}

} // namespace
} // namespace voltsim::test
