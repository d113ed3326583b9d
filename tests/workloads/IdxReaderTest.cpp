// IDX reader: tiny valid files (plain and gzip) written here, and every malformed variant.
#include "PackageBuilder.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/dataset/IdxReader.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

namespace voltsim::test {
namespace {

using workloads::Dataset;
using workloads::readIdx;

using Bytes = std::vector<std::uint8_t>;

/// Header bytes: magic (0, 0, type, dims) then each dimension big-endian.
Bytes idxHeader(std::uint8_t type, const std::vector<std::uint32_t>& dims)
{
    Bytes bytes{0, 0, type, static_cast<std::uint8_t>(dims.size())};
    for (std::uint32_t dim : dims)
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(static_cast<std::uint8_t>(dim >> shift));
    return bytes;
}

Bytes idxFile(const std::vector<std::uint32_t>& dims, const Bytes& data)
{
    Bytes bytes = idxHeader(0x08, dims);
    bytes.insert(bytes.end(), data.begin(), data.end());
    return bytes;
}

void writeGzip(const std::string& path, const Bytes& bytes)
{
    gzFile file = gzopen(path.c_str(), "wb");
    gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(file);
}

class IdxReaderTest : public ::testing::Test {
  protected:
    std::string write(const std::string& name, const Bytes& bytes)
    {
        writeBytes(m_dir.file(name), bytes.data(), bytes.size());
        return m_dir.file(name);
    }

    /// Expects readIdx(path, dims) to throw an InputError naming `path` and containing `what`.
    void expectError(const std::string& path, std::size_t dims, const std::string& what)
    {
        try {
            readIdx(path, dims);
            FAIL() << "no error for " << what;
        } catch (const InputError& error) {
            EXPECT_EQ(std::string(error.what()).rfind(path + ": ", 0), 0u) << error.what();
            EXPECT_NE(std::string(error.what()).find(what), std::string::npos) << error.what();
        }
    }

    TempDir m_dir;
    // Two 2x3 images and their labels.
    Bytes m_pixels{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255};
};

TEST_F(IdxReaderTest, ReadsPlainAndGzipFiles)
{
    const auto images = idxFile({2, 2, 3}, m_pixels);
    const auto labels = idxFile({2}, {7, 3});
    write("images", images);
    write("labels", labels);
    writeGzip(m_dir.file("images.gz"), images);
    writeGzip(m_dir.file("labels.gz"), labels);
    for (const std::string suffix : {"", ".gz"}) {
        const Dataset data = Dataset::load(m_dir.file("images" + suffix), m_dir.file("labels" + suffix), 10);
        ASSERT_EQ(data.size(), 2u);
        EXPECT_EQ(data.rows(), 2u);
        EXPECT_EQ(data.cols(), 3u);
        EXPECT_EQ(data.pixels(), m_pixels);
        EXPECT_EQ(data.image(1)[0], 250);
        EXPECT_EQ(data.label(0), 7);
        EXPECT_EQ(data.label(1), 3);
    }
}

TEST_F(IdxReaderTest, RejectsTruncatedData)
{
    Bytes bytes = idxFile({2, 2, 3}, m_pixels);
    bytes.pop_back();
    expectError(write("short", bytes), 3, "truncated: header declares 12 data bytes, file has 11");
    writeGzip(m_dir.file("short.gz"), bytes);
    expectError(m_dir.file("short.gz"), 3, "truncated");
    expectError(write("header", Bytes{0, 0, 8, 3, 0, 0}), 3, "truncated IDX header");
}

TEST_F(IdxReaderTest, RejectsCorruptGzipStream)
{
    const std::string path = m_dir.file("cut.gz");
    Bytes big(5000);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<std::uint8_t>(i * 7919 % 251);
    writeGzip(path, idxFile({5000}, big));
    std::ifstream in(path, std::ios::binary);
    Bytes compressed{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    compressed.resize(compressed.size() / 2);
    expectError(write("cut.gz", compressed), 1, "");
}

TEST_F(IdxReaderTest, RejectsBadMagicTypeAndDimensions)
{
    Bytes bytes = idxFile({2, 2, 3}, m_pixels);
    bytes[0] = 1;
    expectError(write("magic", bytes), 3, "bad IDX magic");
    Bytes floats = idxHeader(0x0D, {2, 2, 3});
    floats.resize(floats.size() + 48);
    expectError(write("floats", floats), 3, "unsupported IDX data type 13");
    expectError(write("dims", idxFile({6, 2}, m_pixels)), 3, "IDX file has 2 dimensions, expected 3");
    expectError(write("zero", idxFile({0, 2, 3}, {})), 3, "IDX dimension 0 is 0");
}

TEST_F(IdxReaderTest, RejectsOversizeHeaderWithoutAllocatingIt)
{
    // 4G x 4G x 4G bytes declared: rejected from the header alone.
    expectError(write("huge", idxFile({0xffffffffu, 0xffffffffu, 0xffffffffu}, m_pixels)), 3,
                "declares more than");
    // 60,000 x 28 x 28 declared but 12 bytes present: read incrementally, reported as truncated.
    expectError(write("lying", idxFile({60000, 28, 28}, m_pixels)), 3,
                "declares 47040000 data bytes, file has 12");
}

TEST_F(IdxReaderTest, RejectsTrailingBytes)
{
    Bytes bytes = idxFile({2, 2, 3}, m_pixels);
    bytes.push_back(0);
    expectError(write("long", bytes), 3, "trailing bytes");
}

TEST_F(IdxReaderTest, RejectsLabelsOutOfRangeAndCountMismatch)
{
    const auto images = write("images", idxFile({2, 2, 3}, m_pixels));
    const auto badLabel = write("labels", idxFile({2}, {3, 10}));
    EXPECT_THROW(
        try { Dataset::load(images, badLabel, 10); } catch (const InputError& error) {
            EXPECT_NE(std::string(error.what()).find(badLabel + ": label 10 at index 1 is outside 0..9"),
                      std::string::npos)
                << error.what();
            throw;
        },
        InputError);
    const auto three = write("three", idxFile({3}, {1, 2, 3}));
    EXPECT_THROW(Dataset::load(images, three, 10), InputError);
    EXPECT_THROW(Dataset::load(m_dir.file("missing"), three, 10), InputError);
}

TEST(FashionMnistTest, TestSetHasTenThousandBalancedImages)
{
    const Dataset test = Dataset::fashionMnist(Dataset::defaultFashionMnistDir(), false);
    ASSERT_EQ(test.size(), 10000u);
    EXPECT_EQ(test.rows(), 28u);
    EXPECT_EQ(test.cols(), 28u);
    // The published test set has 1,000 images per class; its first image is an ankle boot (9).
    std::vector<int> perClass(10, 0);
    for (std::size_t i = 0; i < test.size(); ++i)
        ++perClass[static_cast<std::size_t>(test.label(i))];
    EXPECT_EQ(perClass, std::vector<int>(10, 1000));
    EXPECT_EQ(test.label(0), 9);
}

} // namespace
} // namespace voltsim::test
