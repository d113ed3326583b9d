#include "voltsim/workloads/dataset/IdxReader.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>

namespace voltsim::workloads {
namespace {

/// The largest data size accepted (bytes); a header above it is rejected before reading.
constexpr std::uint64_t kMaxDataBytes = std::uint64_t(1) << 34;
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;

using GzFile = std::unique_ptr<gzFile_s, int (*)(gzFile)>;

[[noreturn]] void fail(const std::string& path, const std::string& what)
{
    throw InputError(path + ": " + what);
}

/// Reads up to `size` bytes; gzread reads plain files transparently. Throws on a corrupt stream.
std::size_t readSome(gzFile file, const std::string& path, std::uint8_t* out, std::size_t size)
{
    const int got = gzread(file, out, static_cast<unsigned>(size));
    int code = Z_OK;
    const char* message = gzerror(file, &code);
    if (got < 0 || (code != Z_OK && code != Z_BUF_ERROR))
        fail(path, std::string("corrupt gzip stream (") + message + ")");
    return static_cast<std::size_t>(got);
}

std::uint64_t declaredSize(const std::string& path, const std::vector<std::uint32_t>& dims)
{
    std::uint64_t total = 1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == 0)
            fail(path, "IDX dimension " + std::to_string(i) + " is 0");
        if (total > kMaxDataBytes / dims[i])
            fail(path, "IDX header declares more than " + std::to_string(kMaxDataBytes) + " bytes of data");
        total *= dims[i];
    }
    return total;
}

std::vector<std::uint32_t> readHeader(gzFile file, const std::string& path, std::size_t expectedDims)
{
    std::array<std::uint8_t, 4> magic{};
    if (readSome(file, path, magic.data(), magic.size()) != magic.size())
        fail(path, "truncated IDX header (fewer than 4 bytes)");
    if (magic[0] != 0 || magic[1] != 0)
        fail(path, "bad IDX magic: first two bytes must be 0");
    if (magic[2] != 0x08)
        fail(path, "unsupported IDX data type " + std::to_string(magic[2]) + " (only 8, unsigned byte)");
    if (magic[3] != expectedDims)
        fail(path, "IDX file has " + std::to_string(magic[3]) + " dimensions, expected " +
                       std::to_string(expectedDims));
    std::vector<std::uint32_t> dims(expectedDims);
    for (auto& dim : dims) {
        std::array<std::uint8_t, 4> bytes{};
        if (readSome(file, path, bytes.data(), bytes.size()) != bytes.size())
            fail(path, "truncated IDX header (dimension sizes)");
        dim = (std::uint32_t(bytes[0]) << 24) | (std::uint32_t(bytes[1]) << 16) |
              (std::uint32_t(bytes[2]) << 8) | std::uint32_t(bytes[3]);
    }
    return dims;
}

/// Reads exactly `size` bytes in chunks, so a lying header cannot force a large allocation.
std::vector<std::uint8_t> readData(gzFile file, const std::string& path, std::uint64_t size)
{
    std::vector<std::uint8_t> data;
    while (data.size() < size) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, size - data.size()));
        const std::size_t before = data.size();
        data.resize(before + want);
        const std::size_t got = readSome(file, path, data.data() + before, want);
        data.resize(before + got);
        if (got < want)
            fail(path, "truncated: header declares " + std::to_string(size) + " data bytes, file has " +
                           std::to_string(data.size()));
    }
    std::uint8_t extra = 0;
    if (readSome(file, path, &extra, 1) != 0)
        fail(path, "trailing bytes after the " + std::to_string(size) + " data bytes the header declares");
    return data;
}

} // namespace

IdxArray readIdx(const std::string& path, std::size_t expectedDims)
{
    checkInputFile(path, "an IDX file");
    GzFile file(gzopen(path.c_str(), "rb"), gzclose);
    if (!file)
        fail(path, "cannot open file");
    IdxArray array;
    array.dims = readHeader(file.get(), path, expectedDims);
    array.data = readData(file.get(), path, declaredSize(path, array.dims));
    return array;
}

} // namespace voltsim::workloads
