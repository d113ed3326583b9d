#pragma once
// Builds small model packages (docs/model_package.md) in a temporary directory for the workloads
// tests: the hand-computed "tiny" network and helpers to corrupt any part of it.
#include "voltsim/workloads/util/Sha256.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace voltsim::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
  public:
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "voltsim-workloads-XXXXXX").string();
        m_path = mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(m_path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

inline void writeBytes(const std::string& path, const void* data, std::size_t size)
{
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
}

/// An error message is one line holding every piece of `expected`.
inline void expectOneLineWith(const std::string& message, const std::vector<std::string>& expected)
{
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const auto& piece : expected)
        EXPECT_NE(message.find(piece), std::string::npos) << "'" << piece << "' not in: " << message;
}

/// The three files of a package, editable before write().
struct PackageFiles {
    nlohmann::json manifest;
    std::vector<std::uint8_t> codes;
    nlohmann::json golden;

    /// Sets blob.bytes and both SHA-256 fields of the manifest from the current content.
    void stamp()
    {
        const std::string goldenText = golden.dump();
        manifest["blob"]["bytes"] = codes.size();
        manifest["blob"]["sha256"] = workloads::Sha256::hexOf(codes.data(), codes.size());
        manifest["golden"]["sha256"] = workloads::Sha256::hexOf(goldenText.data(), goldenText.size());
    }

    /// Writes manifest.json, codes.bin and golden.json into `dir`, stamp()ing first unless
    /// `keepDeclared` (to test mismatches between the manifest and the files).
    void write(const std::string& dir, bool keepDeclared = false)
    {
        if (!keepDeclared)
            stamp();
        const std::string goldenText = golden.dump();
        writeBytes(dir + "/codes.bin", codes.data(), codes.size());
        writeBytes(dir + "/golden.json", goldenText.data(), goldenText.size());
        const std::string manifestText = manifest.dump(2);
        writeBytes(dir + "/manifest.json", manifestText.data(), manifestText.size());
    }
};

/// A quantized tensor entry; scale/center are informative and arbitrary here.
inline nlohmann::json tensorJson(const std::vector<std::int64_t>& shape, int bits, std::size_t blobOffset)
{
    std::int64_t count = 1;
    for (auto dim : shape)
        count *= dim;
    return {{"shape", shape},
            {"bits", bits},
            {"quantizer", "rquant"},
            {"range", {-0.1, 0.1}},
            {"offset", 1 << (bits - 1)},
            {"scale", 0.2 / double(1 << bits)},
            {"center", 0.0},
            {"blob_offset", blobOffset},
            {"count", count}};
}

inline nlohmann::json requantJson(int shift, std::int64_t mAcc, std::int64_t mSum, std::int64_t mBias,
                                  std::int64_t b0, bool logits)
{
    return {
        {"shift", shift}, {"m_acc", mAcc},    {"m_sum", mSum},     {"m_bias", mBias},
        {"b0", b0},       {"in_scale", 0.01}, {"out_scale", 0.02}, {"output", logits ? "int32" : "uint8"}};
}

/// Manifest skeleton without layers.
inline nlohmann::json manifestSkeleton(const std::vector<std::int64_t>& inputShape, int numClasses)
{
    return {{"format", "voltsim-model"},
            {"format_version", 1},
            {"name", "test-net"},
            {"description", "built by the workloads tests"},
            {"dataset",
             {{"name", "synthetic"},
              {"input_shape", inputShape},
              {"num_classes", numClasses},
              {"input_scale", 1.0 / 255}}},
            {"training", {{"method", "rquant"}, {"bits", 8}, {"seed", 1}, {"command", "none"}}},
            {"clean_test_error", 0.25},
            {"test_images", 100},
            {"blob", {{"file", "codes.bin"}, {"bytes", 0}, {"sha256", std::string(64, '0')}}},
            {"golden", {{"file", "golden.json"}, {"sha256", std::string(64, '0')}}},
            {"layers", nlohmann::json::array()}};
}

/// The hand-computed tiny network (input [1, 3, 3], 3 classes); logits derived in
/// IntegerReferenceTest.cpp:
///   conv1  2x2 kernel, stride 1, no padding, 2 filters, 8-bit: [1, 3, 3] -> [2, 2, 2], ReLU
///          weight codes f0 = [129, 128, 128, 130] (v - z = [1, 0, 0, 2]), f1 = [131, 128, 128, 126] ([3, 0,
///          0, -2]) bias codes [130, 124] (vb - zb = [2, -4]); shift 2, m_acc 2, m_sum 1, m_bias 4, b0 -2
///   pool1  2x2 / 2: [2, 2, 2] -> [2, 1, 1];  flatten -> [2]
///   fc     linear 2 -> 3, 4-bit: weight codes [[9, 8], [7, 15], [0, 8]] (v - z = [[1, 0], [-1, 7], [-8, 0]])
///          bias codes [8, 10, 3] ([0, 2, -5]); shift 1, m_acc 3, m_sum -1, m_bias 5, b0 1, int32 logits
inline PackageFiles tinyPackage()
{
    PackageFiles files;
    files.manifest = manifestSkeleton({1, 3, 3}, 3);
    auto& layers = files.manifest["layers"];
    layers.push_back({{"name", "conv1"},
                      {"type", "conv2d"},
                      {"in_shape", {1, 3, 3}},
                      {"out_shape", {2, 2, 2}},
                      {"kernel", {2, 2}},
                      {"stride", 1},
                      {"padding", 0},
                      {"relu", true},
                      {"weight", tensorJson({2, 1, 2, 2}, 8, 0)},
                      {"bias", tensorJson({2}, 8, 8)},
                      {"requant", requantJson(2, 2, 1, 4, -2, false)}});
    layers.push_back({{"name", "pool1"},
                      {"type", "maxpool2d"},
                      {"in_shape", {2, 2, 2}},
                      {"out_shape", {2, 1, 1}},
                      {"kernel", {2, 2}},
                      {"stride", 2}});
    layers.push_back({{"name", "flatten"}, {"type", "flatten"}, {"in_shape", {2, 1, 1}}, {"out_shape", {2}}});
    layers.push_back({{"name", "fc"},
                      {"type", "linear"},
                      {"in_shape", {2}},
                      {"out_shape", {3}},
                      {"relu", false},
                      {"weight", tensorJson({3, 2}, 4, 10)},
                      {"bias", tensorJson({3}, 4, 16)},
                      {"requant", requantJson(1, 3, -1, 5, 1, true)}});
    files.codes = {129, 128, 128, 130, 131, 128, 128, 126, 130, 124, 9, 8, 7, 15, 0, 8, 8, 10, 3};
    return files;
}

/// Test images of the tiny network and their hand-derived logits (IntegerReferenceTest.cpp).
struct TinyCase {
    std::vector<std::uint8_t> pixels;
    std::vector<std::int32_t> logits;       ///< clean
    std::vector<std::int32_t> faultyLogits; ///< after flipping bit 0 of blob byte 16 (fc bias 0: 8 -> 9)
};

inline std::vector<TinyCase> tinyCases()
{
    return {{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {20, -24, -262}, {23, -24, -262}},
            {std::vector<std::uint8_t>(9, 0), {3, 2, -37}, {5, 2, -37}},
            {std::vector<std::uint8_t>(9, 255), {128, 2046, -3327}, {131, 2046, -3327}}};
}

/// golden.json for the tiny package: 33 images cycling through tinyCases(), with the flip above.
inline nlohmann::json tinyGolden()
{
    nlohmann::json images = nlohmann::json::array();
    nlohmann::json faulty = nlohmann::json::array();
    const auto cases = tinyCases();
    for (int i = 0; i < 33; ++i) {
        const TinyCase& item = cases[static_cast<std::size_t>(i) % cases.size()];
        const int predicted = item.logits[1] > item.logits[0] ? 1 : 0;
        images.push_back({{"index", i},
                          {"label", i % 3},
                          {"pixels", item.pixels},
                          {"logits", item.logits},
                          {"predicted", predicted}});
        faulty.push_back(item.faultyLogits);
    }
    return {{"images", images},
            {"faulty", {{"seed", 7}, {"p", 0.01}, {"flips", {{16, 1}}}, {"logits", faulty}}}};
}

/// The tiny package with its golden file.
inline PackageFiles tinyPackageWithGolden()
{
    PackageFiles files = tinyPackage();
    files.golden = tinyGolden();
    return files;
}

/// The hand-computed tiny graph (format version 2; input [2, 2, 2], 2 classes), every v2 layer type;
/// the logits are derived in GraphNetworkTest.cpp:
///   dw    conv2d 1x1, groups 2 (depthwise), 8-bit: weight codes [130, 129] (v - z = [2, 1]), bias
///         codes [128, 128]; shift 1, m_acc 1, m_sum 0, m_bias 0, b0 0: channel 0 -> q, channel 1 ->
///         (q + 1) >> 1
///   add   add [dw, input], multipliers [1, 1], shift 1: (a + b + 1) >> 1
///   cat   concat [add, dw], multipliers [2, 2], shift 1 (the identity): [4, 2, 2]
///   mp    maxpool2d 2x2, stride 1, padding 1: [4, 3, 3]
///   avg   avgpool2d 2x2, stride 1: [4, 2, 2];  gap global_avgpool: [4, 1, 1];  flat flatten: [4]
///   fc    linear 4 -> 2, 8-bit: v - z = [[1, 0, 0, 0], [0, 1, 0, 1]], bias codes [128, 128]; shift 1,
///         m_acc 2, m_sum 0, m_bias 0, b0 0: int32 logits = sum (v - z) q
inline PackageFiles tinyGraphPackage()
{
    PackageFiles files;
    files.manifest = manifestSkeleton({2, 2, 2}, 2);
    files.manifest["format_version"] = 2;
    const auto merge = [](std::vector<std::int64_t> multipliers) {
        return nlohmann::json{{"shift", 1},
                              {"multipliers", multipliers},
                              {"in_scales", std::vector<double>(multipliers.size(), 0.01)},
                              {"out_scale", 0.01}};
    };
    auto& layers = files.manifest["layers"];
    layers.push_back({{"name", "dw"},
                      {"type", "conv2d"},
                      {"inputs", {"input"}},
                      {"in_shape", {2, 2, 2}},
                      {"out_shape", {2, 2, 2}},
                      {"kernel", {1, 1}},
                      {"stride", 1},
                      {"padding", 0},
                      {"groups", 2},
                      {"relu", true},
                      {"weight", tensorJson({2, 1, 1, 1}, 8, 0)},
                      {"bias", tensorJson({2}, 8, 2)},
                      {"requant", requantJson(1, 1, 0, 0, 0, false)}});
    layers.push_back({{"name", "add"},
                      {"type", "add"},
                      {"inputs", {"dw", "input"}},
                      {"out_shape", {2, 2, 2}},
                      {"requant", merge({1, 1})}});
    layers.push_back({{"name", "cat"},
                      {"type", "concat"},
                      {"inputs", {"add", "dw"}},
                      {"out_shape", {4, 2, 2}},
                      {"requant", merge({2, 2})}});
    layers.push_back({{"name", "mp"},
                      {"type", "maxpool2d"},
                      {"inputs", {"cat"}},
                      {"in_shape", {4, 2, 2}},
                      {"out_shape", {4, 3, 3}},
                      {"kernel", {2, 2}},
                      {"stride", 1},
                      {"padding", 1}});
    layers.push_back({{"name", "avg"},
                      {"type", "avgpool2d"},
                      {"inputs", {"mp"}},
                      {"in_shape", {4, 3, 3}},
                      {"out_shape", {4, 2, 2}},
                      {"kernel", {2, 2}},
                      {"stride", 1}});
    layers.push_back({{"name", "gap"},
                      {"type", "global_avgpool"},
                      {"inputs", {"avg"}},
                      {"in_shape", {4, 2, 2}},
                      {"out_shape", {4, 1, 1}}});
    layers.push_back({{"name", "flat"},
                      {"type", "flatten"},
                      {"inputs", {"gap"}},
                      {"in_shape", {4, 1, 1}},
                      {"out_shape", {4}}});
    layers.push_back({{"name", "fc"},
                      {"type", "linear"},
                      {"inputs", {"flat"}},
                      {"in_shape", {4}},
                      {"out_shape", {2}},
                      {"relu", false},
                      {"weight", tensorJson({2, 4}, 8, 4)},
                      {"bias", tensorJson({2}, 8, 12)},
                      {"requant", requantJson(1, 2, 0, 0, 0, true)}});
    files.codes = {130, 129, 128, 128, 129, 128, 128, 128, 128, 129, 128, 129, 128, 128};
    return files;
}

} // namespace voltsim::test
