// Datasets by spec: numpy-written .npz fixtures (tests/data/datasets, tools/data/fixtures.py) read
// back to the pixel formula 100 n + 10 c + 3 h + w, and every malformed archive a one-line error.
#include "PackageBuilder.hpp"
#include "TestPaths.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/dataset/NpzReader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace voltsim::test {
namespace {

using workloads::Dataset;

std::string fixture(const std::string& name)
{
    return sourceDir() + "/tests/data/datasets/" + name;
}

std::vector<std::uint8_t> readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The fixtures' pixel at image n, channel c, row h, column w.
std::uint8_t expectedPixel(std::size_t n, std::size_t c, std::size_t h, std::size_t w)
{
    return static_cast<std::uint8_t>(100 * n + 10 * c + 3 * h + w);
}

void expectFormulaPixels(const Dataset& data)
{
    ASSERT_EQ(data.imageShape(), (std::vector<std::int64_t>{2, 2, 5}));
    ASSERT_EQ(data.size(), 3u);
    for (std::size_t n = 0; n < 3; ++n)
        for (std::size_t c = 0; c < 2; ++c)
            for (std::size_t h = 0; h < 2; ++h)
                for (std::size_t w = 0; w < 5; ++w)
                    EXPECT_EQ(data.image(n)[(c * 2 + h) * 5 + w], expectedPixel(n, c, h, w))
                        << n << ',' << c << ',' << h << ',' << w;
}

/// The message of the InputError `load` throws (empty if none).
template <typename Load> std::string errorOf(Load load)
{
    try {
        load();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

TEST(DatasetSpecTest, StoredNchwArchiveReadsPixelsLabelsAndClassCount)
{
    const Dataset data = Dataset::fromSpec("npz:" + fixture("nchw.npz"), "--dataset");
    expectFormulaPixels(data);
    EXPECT_EQ(data.labels(), (std::vector<workloads::Label>{2, 0, 1}));
    EXPECT_EQ(data.numClasses(), 3); // 1 + the largest label of either split
    EXPECT_EQ(data.spec(), "npz:" + fixture("nchw.npz"));
}

TEST(DatasetSpecTest, CompressedNhwcArchiveIsTransposedAndDeclaresItsClasses)
{
    const Dataset data = Dataset::fromSpec("npz:" + fixture("nhwc-compressed.npz"), "--dataset");
    expectFormulaPixels(data);
    EXPECT_EQ(data.labels(), (std::vector<workloads::Label>{4, 0, 1}));
    EXPECT_EQ(data.numClasses(), 5);
}

TEST(DatasetSpecTest, NpzReaderKeepsDtypesAndShapes)
{
    const auto arrays = workloads::readNpz(fixture("nhwc-compressed.npz"));
    EXPECT_EQ(arrays.at("test_images").descr, "|u1");
    EXPECT_EQ(arrays.at("test_images").shape, (std::vector<std::size_t>{3, 2, 5, 2}));
    EXPECT_EQ(arrays.at("test_labels").descr, "<i4");
    EXPECT_EQ(arrays.at("std").descr, "<f8");
    EXPECT_TRUE(arrays.at("num_classes").shape.empty());
    EXPECT_EQ(arrays.at("layout").descr, "<U4");
}

TEST(DatasetSpecTest, FashionMnistSpecIsTheDebianTestSet)
{
    const Dataset data = Dataset::fromSpec("fashion-mnist", "--dataset");
    EXPECT_EQ(data.size(), 10000u);
    EXPECT_EQ(data.imageShape(), (std::vector<std::int64_t>{1, 28, 28}));
    EXPECT_EQ(data.numClasses(), 10);
    const Dataset same = Dataset::fromSpec("idx:" + Dataset::defaultFashionMnistDir(), "--dataset");
    EXPECT_EQ(same.pixels(), data.pixels());
    EXPECT_EQ(same.numClasses(), 10); // 1 + the largest label
}

TEST(DatasetSpecTest, ModelThatDoesNotFitNamesBothShapesAndClassCounts)
{
    const Dataset data = Dataset::fromSpec("npz:" + fixture("nchw.npz"), "--dataset");
    EXPECT_NO_THROW(data.checkFits({2, 2, 5}, 3, "m"));
    const std::string message = errorOf([&] { data.checkFits({1, 28, 28}, 10, "cnn"); });
    EXPECT_NE(message.find("model 'cnn' takes [1, 28, 28] inputs and 10 classes"), std::string::npos)
        << message;
    EXPECT_NE(message.find("has [2, 2, 5] images and 3 classes"), std::string::npos) << message;
    EXPECT_FALSE(errorOf([&] { data.checkFits({2, 2, 5}, 4, "m"); }).empty());
}

TEST(DatasetSpecTest, BadSpecsAndDamagedArchivesAreOneLineErrors)
{
    TempDir dir;
    EXPECT_NE(
        errorOf([] { Dataset::fromSpec("mnist", "--dataset"); }).find("--dataset: dataset 'mnist' must be"),
        std::string::npos);
    EXPECT_NE(errorOf([] { Dataset::fromSpec("npz:", "x"); }).find("must be fashion-mnist"),
              std::string::npos);
    const std::vector<std::uint8_t> good = readBytes(fixture("nhwc-compressed.npz"));
    const auto damaged = [&](const std::string& name, std::vector<std::uint8_t> bytes) {
        writeBytes(dir.file(name), bytes.data(), bytes.size());
        return errorOf([&] { Dataset::fromSpec("npz:" + dir.file(name), "--dataset"); });
    };
    EXPECT_NE(damaged("short.npz", {good.begin(), good.begin() + 100}).find("not a .npz (zip) archive"),
              std::string::npos);
    std::vector<std::uint8_t> flipped = good;
    flipped[90] ^= 0xFF; // inside the first entry's deflate stream (30-byte header, name, zip64 extra)
    const std::string corrupt = damaged("flipped.npz", flipped);
    EXPECT_TRUE(corrupt.find("corrupt deflate stream") != std::string::npos ||
                corrupt.find("CRC-32 mismatch") != std::string::npos)
        << corrupt;
    EXPECT_NE(corrupt.find("flipped.npz: entry '"), std::string::npos) << corrupt;
    EXPECT_NE(errorOf([&] {
                  Dataset::fromSpec("npz:" + dir.path(), "--dataset");
              }).find("is a directory, expected an .npz archive"),
              std::string::npos);
    EXPECT_NE(
        errorOf([&] { Dataset::fromSpec("npz:" + dir.file("none.npz"), "--dataset"); }).find("cannot open"),
        std::string::npos);
}

} // namespace
} // namespace voltsim::test
