// The model package loader: a valid hand-made package loads with the right values; every kind of
// corruption fails with one line naming the file and the JSON path.
#include "PackageBuilder.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace voltsim::test {
namespace {

using nlohmann::json;
using workloads::GoldenVectors;
using workloads::LayerType;
using workloads::ModelPackage;

class ModelPackageTest : public ::testing::Test {
  protected:
    /// Writes the tiny package after `edit`, expects loading (and the golden file) to throw an
    /// InputError whose one-line message contains every piece of `expected`.
    void expectError(const std::function<void(PackageFiles&)>& edit, const std::vector<std::string>& expected,
                     bool keepDeclared = false)
    {
        PackageFiles files = tinyPackageWithGolden();
        files.stamp();
        edit(files);
        files.write(m_dir.path(), keepDeclared);
        try {
            const ModelPackage package = ModelPackage::load(m_dir.path());
            GoldenVectors::load(package);
            FAIL() << "no error; expected: " << expected.front();
        } catch (const InputError& error) {
            expectOneLineWith(error.what(), expected);
        }
    }

    std::string manifest() const { return m_dir.file("manifest.json"); }

    TempDir m_dir;
};

TEST_F(ModelPackageTest, LoadsTheTinyPackage)
{
    tinyPackageWithGolden().write(m_dir.path());
    const ModelPackage package = ModelPackage::load(m_dir.path());
    EXPECT_EQ(package.name, "test-net");
    EXPECT_EQ(package.method, "rquant");
    ASSERT_EQ(package.network.layers.size(), 4u);
    const auto& conv = package.network.layers[0];
    EXPECT_EQ(conv.type, LayerType::Conv2d);
    EXPECT_EQ(conv.kernelH, 2);
    EXPECT_EQ(conv.requant->shift, 2);
    EXPECT_EQ(conv.requant->b0, -2);
    EXPECT_FALSE(conv.requant->int32Output);
    const auto& fc = package.network.layers[3];
    EXPECT_EQ(fc.weight->bits, 4);
    EXPECT_EQ(fc.weight->offset, 8);
    EXPECT_EQ(fc.bias->blobOffset, 16u);
    EXPECT_TRUE(fc.requant->int32Output);
    // MACs by hand: conv 2 filters x 4 pixels x K = 4 -> 32; fc 3 x 2 -> 6.
    EXPECT_EQ(package.network.macsPerImage(), 38);
    EXPECT_EQ(package.network.parameterCount(), 19);
    EXPECT_EQ(package.codes.size(), 19u);

    const GoldenVectors golden = GoldenVectors::load(package);
    EXPECT_EQ(golden.images.size(), 33u);
    EXPECT_EQ(golden.images[2].logits, (std::vector<std::int32_t>{128, 2046, -3327}));
    EXPECT_EQ(golden.images[2].predicted, 1);
    const auto faulty = golden.faultyCodes(package.codes);
    EXPECT_EQ(faulty[16], 9);
    EXPECT_EQ(faulty[15], 8);
}

TEST_F(ModelPackageTest, RejectsTruncatedBlob)
{
    expectError([](PackageFiles& f) { f.codes.pop_back(); }, {"codes.bin", "has 18 bytes", "says 19"}, true);
}

TEST_F(ModelPackageTest, RejectsWrongChecksum)
{
    expectError([](PackageFiles& f) { f.manifest["blob"]["sha256"] = std::string(64, 'a'); },
                {"codes.bin", "SHA-256", "does not match"}, true);
}

TEST_F(ModelPackageTest, RejectsChangedCodeEvenWithRightSize)
{
    PackageFiles files = tinyPackageWithGolden();
    files.write(m_dir.path());
    files.codes[3] ^= 1;
    writeBytes(m_dir.file("codes.bin"), files.codes.data(), files.codes.size());
    EXPECT_THROW(ModelPackage::load(m_dir.path()), InputError);
}

TEST_F(ModelPackageTest, RejectsCodeAboveBitWidth)
{
    expectError([](PackageFiles& f) { f.codes[12] = 16; },
                {"codes.bin", "byte 12", "fc.weight", "4-bit maximum 15"});
}

TEST_F(ModelPackageTest, RejectsMissingKeys)
{
    expectError([](PackageFiles& f) { f.manifest.erase("blob"); },
                {"manifest.json: blob: missing required key"}, true);
    expectError([](PackageFiles& f) { f.manifest["layers"][3]["requant"].erase("m_sum"); },
                {"layers[3].requant.m_sum: missing required key"});
    expectError([](PackageFiles& f) { f.manifest["layers"][0].erase("padding"); },
                {"layers[0].padding: missing required key"});
}

TEST_F(ModelPackageTest, RejectsUnknownKeys)
{
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["weight"]["bitz"] = 8; },
                {"manifest.json: layers[0].weight.bitz: unknown key (valid: ", "bits"});
    expectError([](PackageFiles& f) { f.manifest["layers"][1]["padding"] = 0; },
                {"layers[1].padding: unknown key (valid: in_shape, kernel, name, out_shape, stride, type)"});
    expectError([](PackageFiles& f) { f.golden["images"][4]["extra"] = 1; },
                {"golden.json: images[4].extra: unknown key (valid: "});
}

TEST_F(ModelPackageTest, RejectsWrongTypes)
{
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["weight"]["bits"] = 8.0; },
                {"layers[0].weight.bits: expected an integer in [2, 8], got 8.0"});
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["relu"] = "yes"; },
                {"layers[0].relu: expected true or false, got \"yes\""});
    expectError([](PackageFiles& f) { f.manifest["dataset"]["input_shape"] = "1x3x3"; },
                {"dataset.input_shape: expected an array, got \"1x3x3\""});
    expectError([](PackageFiles& f) { f.manifest["layers"] = json::object(); },
                {"layers: expected an array, got {}"});
}

TEST_F(ModelPackageTest, RejectsOutOfRangeValues)
{
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["weight"]["bits"] = 9; },
                {"manifest.json: layers[0].weight.bits: expected an integer in [2, 8], got 9"});
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["weight"]["offset"] = 127; },
                {"layers[0].weight.offset: expected an integer in [128, 128], got 127"});
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["requant"]["shift"] = 63; },
                {"layers[0].requant.shift: expected an integer in [1, 62], got 63"});
    expectError([](PackageFiles& f) { f.manifest["layers"][3]["requant"]["m_acc"] = 1 << 28; },
                {"layers[3].requant.m_acc: expected an integer in [-268435455, 268435455], got 268435456"});
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["weight"]["quantizer"] = "uniform"; },
                {"layers[0].weight.quantizer: expected one of \"rquant\", \"normal\", got \"uniform\""});
    expectError([](PackageFiles& f) { f.manifest["clean_test_error"] = 1.5; },
                {"clean_test_error: expected a number in [0, 1], got 1.5"});
}

TEST_F(ModelPackageTest, RejectsNonFiniteNumbers)
{
    // JSON has no NaN literal: a NaN written by a careless exporter is a parse error naming the line.
    PackageFiles files = tinyPackageWithGolden();
    files.write(m_dir.path());
    std::string text = files.manifest.dump(2);
    const std::string scale = "\"input_scale\": " + files.manifest["dataset"]["input_scale"].dump();
    text.replace(text.find(scale), scale.size(), "\"input_scale\": NaN");
    writeBytes(manifest(), text.data(), text.size());
    try {
        ModelPackage::load(m_dir.path());
        FAIL() << "NaN accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find(manifest() + ": not valid JSON"), std::string::npos)
            << error.what();
        EXPECT_NE(std::string(error.what()).find("line"), std::string::npos) << error.what();
    }
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["weight"]["scale"] = std::nan(""); },
                {"layers[0].weight.scale: expected a number, got null"});
}

TEST_F(ModelPackageTest, RejectsShapesThatDoNotChain)
{
    expectError(
        [](PackageFiles& f) {
            f.manifest["layers"][1]["in_shape"] = {2, 3, 3};
        },
        {"layers[1].in_shape: must equal the previous out_shape", "[2, 2, 2]"});
    expectError(
        [](PackageFiles& f) {
            f.manifest["layers"][0]["out_shape"] = {2, 3, 3};
        },
        {"layers[0].out_shape: must be [2, 2, 2]"});
    expectError([](PackageFiles& f) { f.manifest["layers"][2]["out_shape"] = {3}; },
                {"layers[2].out_shape: must be [2]"});
    expectError([](PackageFiles& f) { f.manifest["dataset"]["num_classes"] = 4; },
                {"layers[3].out_shape: must be [num_classes] = [4]"});
}

TEST_F(ModelPackageTest, RejectsCountsAndShapesThatDisagree)
{
    expectError(
        [](PackageFiles& f) {
            f.manifest["layers"][0]["weight"]["shape"] = {2, 1, 3, 3};
        },
        {"layers[0].weight.shape: must be [2, 1, 2, 2]"});
    expectError([](PackageFiles& f) { f.manifest["layers"][3]["bias"]["count"] = 4; },
                {"layers[3].bias.count: must equal the product of shape [3] = 3, got 4"});
}

TEST_F(ModelPackageTest, RejectsTensorsThatDoNotTileTheBlob)
{
    expectError([](PackageFiles& f) { f.manifest["layers"][3]["weight"]["blob_offset"] = 11; },
                {"layers[3].weight.blob_offset: must be 10"});
    expectError([](PackageFiles& f) { f.codes.push_back(0); },
                {"blob.bytes: must equal the total code count 19, got 20"});
}

TEST_F(ModelPackageTest, RejectsBadFormatAndVersion)
{
    expectError([](PackageFiles& f) { f.manifest["format"] = "onnx"; },
                {"format: must be 'voltsim-model', got 'onnx'"});
    expectError([](PackageFiles& f) { f.manifest["format_version"] = 3; },
                {"format_version: unsupported version 3 (this voltsim reads 1 and 2)"});
    // A version 1 manifest read as version 2: its layers name no inputs.
    expectError([](PackageFiles& f) { f.manifest["format_version"] = 2; },
                {"layers[0].inputs: missing required key"});
}

TEST_F(ModelPackageTest, RejectsInconsistentOutputsAndMethods)
{
    expectError([](PackageFiles& f) { f.manifest["layers"][0]["relu"] = false; },
                {"layers[0].relu: must be true"});
    expectError([](PackageFiles& f) { f.manifest["layers"][3]["requant"]["output"] = "uint8"; },
                {"layers[3].requant.output: must be 'int32'"});
    expectError([](PackageFiles& f) { f.manifest["training"]["method"] = "normal"; },
                {"training.method: method 'normal' quantizes with 'normal'"});
    expectError([](PackageFiles& f) { f.manifest["layers"][3]["name"] = "conv1"; },
                {"layers[3].name: duplicate layer name 'conv1'"});
}

TEST_F(ModelPackageTest, RejectsFanInThatOverflowsTheAccumulator)
{
    // A 1x1 conv over C channels has fan-in C. 8-bit: 255 x 255 x 33,025 = 2,147,450,625 fits int32;
    // 33,026 gives 2,147,515,650 > 2^31 - 1, so the contract's int32 accumulator could overflow.
    const auto widen = [](std::int64_t channels) {
        return [channels](PackageFiles& f) {
            f.manifest["dataset"]["input_shape"] = {channels, 1, 1};
            auto& conv = f.manifest["layers"][0];
            conv["in_shape"] = {channels, 1, 1};
            conv["out_shape"] = {2, 1, 1};
            conv["kernel"] = {1, 1};
            conv["weight"] = tensorJson({2, channels, 1, 1}, 8, 0);
        };
    };
    expectError(widen(33026), {"layers[0].weight: fan-in 33026 lets the int32 accumulator overflow"});
    // 33,025 passes that check; the network then fails further on (pool1 no longer fits).
    expectError(widen(33025), {"layers[1]"});
}

TEST_F(ModelPackageTest, RejectsBadGoldenFiles)
{
    expectError([](PackageFiles& f) { f.golden["images"][0]["predicted"] = 2; },
                {"golden.json: images[0].predicted: is 2 but the argmax of logits"});
    expectError([](PackageFiles& f) { f.golden["images"][1]["pixels"].push_back(0); },
                {"images[1].pixels: expected an array of 9 elements, got 10"});
    expectError(
        [](PackageFiles& f) {
            f.golden["faulty"]["flips"][0] = {16, 16};
        },
        {"faulty.flips[0][1]: xor mask must be in 1..15 for a 4-bit code, got 16"});
    expectError(
        [](PackageFiles& f) {
            f.golden["faulty"]["flips"][0] = {19, 1};
        },
        {"faulty.flips[0][0]: blob index 19"});
    expectError([](PackageFiles& f) { f.golden["faulty"]["logits"].erase(0); },
                {"faulty.logits: must have one entry per image (33)"});
    expectError(
        [](PackageFiles& f) {
            f.golden["images"].erase(0);
            f.golden["images"].erase(0);
        },
        {"images: must hold at least 32 images, got 31"});
    expectError([](PackageFiles& f) { f.manifest["golden"]["sha256"] = std::string(64, 'b'); },
                {"golden.json: SHA-256"}, true);
}

TEST_F(ModelPackageTest, RejectsMissingFilesAndBadJson)
{
    expectError([](PackageFiles& f) { f.manifest["blob"]["file"] = "other.bin"; },
                {"other.bin: cannot open file"});
    expectError([](PackageFiles& f) { f.manifest["blob"]["file"] = "../codes.bin"; },
                {"blob.file: must be a file name inside the package directory"});
    writeBytes(manifest(), "{\"format\": ", 11);
    EXPECT_THROW(ModelPackage::load(m_dir.path()), InputError);
    EXPECT_THROW(ModelPackage::load(m_dir.file("no-such-dir")), InputError);
}

} // namespace
} // namespace voltsim::test
