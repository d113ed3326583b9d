#include "voltsim/workloads/dataset/NpzReader.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <memory>

namespace voltsim::workloads {
namespace {

/// Largest archive (the cap of every input file) and largest uncompressed entry accepted (bytes),
/// checked before anything that large is allocated.
constexpr std::uint64_t kMaxArchiveBytes = kMaxInputFileBytes;
constexpr std::uint64_t kMaxEntryBytes = std::uint64_t(1) << 32;
constexpr std::uint32_t kEndOfDirectorySignature = 0x06054b50;
constexpr std::uint32_t kDirectorySignature = 0x02014b50;
constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::size_t kEndOfDirectoryBytes = 22;
constexpr std::size_t kDirectoryEntryBytes = 46;
constexpr std::size_t kLocalHeaderBytes = 30;
constexpr std::uint16_t kStored = 0;
constexpr std::uint16_t kDeflated = 8;
constexpr std::size_t kMaxDims = 8;

[[noreturn]] void fail(const std::string& where, const std::string& what)
{
    throw InputError(where + ": " + what);
}

/// Little-endian reads with bounds checks against the archive.
class Bytes {
  public:
    Bytes(const std::vector<std::uint8_t>& data, std::string path) : m_data(data), m_path(std::move(path)) {}

    std::uint32_t u16(std::size_t at) const
    {
        return std::uint32_t(byte(at)) | std::uint32_t(byte(at + 1)) << 8;
    }
    std::uint32_t u32(std::size_t at) const { return u16(at) | u16(at + 2) << 16; }
    std::string text(std::size_t at, std::size_t size) const
    {
        need(at, size);
        return {reinterpret_cast<const char*>(m_data.data() + at), size};
    }
    const std::uint8_t* span(std::size_t at, std::size_t size) const
    {
        need(at, size);
        return m_data.data() + at;
    }
    std::size_t size() const { return m_data.size(); }

  private:
    std::uint8_t byte(std::size_t at) const
    {
        need(at, 1);
        return m_data[at];
    }
    void need(std::size_t at, std::size_t size) const
    {
        if (at > m_data.size() || size > m_data.size() - at)
            fail(m_path, "truncated zip archive (a record runs past the end of the file)");
    }

    const std::vector<std::uint8_t>& m_data;
    std::string m_path;
};

struct ZipEntry {
    std::string name;
    std::uint16_t method = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressedBytes = 0;
    std::uint64_t bytes = 0;
    std::uint64_t localHeader = 0;
};

std::size_t findEndOfDirectory(const Bytes& zip, const std::string& path)
{
    if (zip.size() < kEndOfDirectoryBytes)
        fail(path, "not a .npz (zip) archive: too short");
    const std::size_t lowest =
        zip.size() >= kEndOfDirectoryBytes + 0xFFFF ? zip.size() - kEndOfDirectoryBytes - 0xFFFF : 0;
    for (std::size_t at = zip.size() - kEndOfDirectoryBytes + 1; at-- > lowest;)
        if (zip.u32(at) == kEndOfDirectorySignature)
            return at;
    fail(path, "not a .npz (zip) archive: no end-of-central-directory record");
}

std::vector<ZipEntry> readDirectory(const Bytes& zip, const std::string& path)
{
    const std::size_t end = findEndOfDirectory(zip, path);
    const std::uint32_t count = zip.u16(end + 10);
    std::size_t at = zip.u32(end + 16);
    if (zip.u32(end + 16) == 0xFFFFFFFF || count == 0xFFFF)
        fail(path, "zip64 archives are not supported (save smaller arrays, or split the archive)");
    std::vector<ZipEntry> entries;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (zip.u32(at) != kDirectorySignature)
            fail(path, "corrupt zip central directory (entry " + std::to_string(i) + ")");
        ZipEntry entry;
        entry.method = static_cast<std::uint16_t>(zip.u16(at + 10));
        entry.crc = zip.u32(at + 16);
        entry.compressedBytes = zip.u32(at + 20);
        entry.bytes = zip.u32(at + 24);
        const std::size_t nameBytes = zip.u16(at + 28);
        const std::size_t extraBytes = zip.u16(at + 30);
        const std::size_t commentBytes = zip.u16(at + 32);
        entry.localHeader = zip.u32(at + 42);
        entry.name = zip.text(at + kDirectoryEntryBytes, nameBytes);
        if (entry.compressedBytes == 0xFFFFFFFF || entry.bytes == 0xFFFFFFFF ||
            entry.localHeader == 0xFFFFFFFF)
            fail(path + ": " + entry.name, "zip64 entries are not supported");
        entries.push_back(std::move(entry));
        at += kDirectoryEntryBytes + nameBytes + extraBytes + commentBytes;
    }
    return entries;
}

std::vector<std::uint8_t> inflateRaw(const std::uint8_t* in, std::uint64_t inBytes, std::uint64_t outBytes,
                                     const std::string& where)
{
    std::vector<std::uint8_t> out(static_cast<std::size_t>(outBytes));
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
        fail(where, "cannot start zlib");
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
    std::uint64_t consumed = 0;
    std::uint64_t produced = 0;
    int status = Z_OK;
    while (status == Z_OK) {
        const auto inChunk = static_cast<uInt>(std::min<std::uint64_t>(inBytes - consumed, 1U << 30));
        const auto outChunk = static_cast<uInt>(std::min<std::uint64_t>(outBytes - produced, 1U << 30));
        stream.next_in = const_cast<Bytef*>(in + consumed);
        stream.avail_in = inChunk;
        stream.next_out = out.data() + produced;
        stream.avail_out = outChunk;
        status = inflate(&stream, Z_NO_FLUSH);
        consumed += inChunk - stream.avail_in;
        produced += outChunk - stream.avail_out;
        if (status == Z_OK && stream.avail_in == inChunk && stream.avail_out == outChunk)
            break; // no progress: input exhausted or output full before the stream's end
    }
    if (status != Z_STREAM_END || produced != outBytes)
        fail(where, "corrupt deflate stream");
    return out;
}

std::vector<std::uint8_t> entryBytes(const Bytes& zip, const ZipEntry& entry, const std::string& where)
{
    if (entry.bytes > kMaxEntryBytes)
        fail(where, "entry of " + std::to_string(entry.bytes) + " bytes exceeds the limit of " +
                        std::to_string(kMaxEntryBytes));
    // deflate expands at most 1032:1, so a larger declared size is a lie to refuse before allocating it
    if (entry.method == kDeflated && entry.bytes > 1032 * entry.compressedBytes + 64)
        fail(where, "declares " + std::to_string(entry.bytes) + " bytes, more than " +
                        std::to_string(entry.compressedBytes) + " deflated bytes can hold");
    const std::size_t local = static_cast<std::size_t>(entry.localHeader);
    if (zip.u32(local) != kLocalSignature)
        fail(where, "corrupt zip local header");
    const std::size_t dataAt = local + kLocalHeaderBytes + zip.u16(local + 26) + zip.u16(local + 28);
    const std::uint8_t* data = zip.span(dataAt, static_cast<std::size_t>(entry.compressedBytes));
    std::vector<std::uint8_t> bytes;
    if (entry.method == kStored) {
        if (entry.compressedBytes != entry.bytes)
            fail(where, "stored entry's sizes disagree");
        bytes.assign(data, data + entry.bytes);
    } else if (entry.method == kDeflated) {
        bytes = inflateRaw(data, entry.compressedBytes, entry.bytes, where);
    } else {
        fail(where, "unsupported zip compression method " + std::to_string(entry.method) +
                        " (stored or deflate only)");
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    for (std::size_t done = 0; done < bytes.size();) {
        const auto chunk = static_cast<uInt>(std::min<std::size_t>(bytes.size() - done, 1U << 30));
        crc = crc32(crc, bytes.data() + done, chunk);
        done += chunk;
    }
    if (crc != entry.crc)
        fail(where, "CRC-32 mismatch (the archive is corrupt)");
    return bytes;
}

/// The value text after `'key':` in a .npy header dict, up to the next top-level comma or brace.
std::string headerValue(const std::string& header, const std::string& key, const std::string& where)
{
    const std::string quoted = "'" + key + "':";
    const std::size_t at = header.find(quoted);
    if (at == std::string::npos)
        fail(where, ".npy header has no '" + key + "'");
    std::size_t begin = at + quoted.size();
    while (begin < header.size() && header[begin] == ' ')
        ++begin;
    std::size_t end = begin;
    int depth = 0;
    while (end < header.size() && (depth > 0 || (header[end] != ',' && header[end] != '}'))) {
        depth += header[end] == '(' ? 1 : header[end] == ')' ? -1 : 0;
        ++end;
    }
    return header.substr(begin, end - begin);
}

std::vector<std::size_t> parseShape(const std::string& text, const std::string& where)
{
    if (text.size() < 2 || text.front() != '(' || text.back() != ')')
        fail(where, ".npy header shape '" + text + "' is not a tuple");
    std::vector<std::size_t> shape;
    std::size_t at = 1;
    while (at < text.size() - 1) {
        while (at < text.size() - 1 && (text[at] == ' ' || text[at] == ','))
            ++at;
        if (at >= text.size() - 1)
            break;
        std::size_t digits = at;
        std::uint64_t value = 0;
        while (digits < text.size() - 1 && text[digits] >= '0' && text[digits] <= '9') {
            value = value * 10 + static_cast<std::uint64_t>(text[digits] - '0');
            if (value > kMaxEntryBytes)
                fail(where, ".npy header shape '" + text + "' is too large");
            ++digits;
        }
        if (digits == at)
            fail(where, ".npy header shape '" + text + "' holds a non-integer");
        shape.push_back(static_cast<std::size_t>(value));
        at = digits;
    }
    if (shape.size() > kMaxDims)
        fail(where, ".npy array has more than " + std::to_string(kMaxDims) + " dimensions");
    return shape;
}

NpyArray parseNpy(std::vector<std::uint8_t> bytes, const std::string& where)
{
    static const std::string kMagic = "\x93NUMPY";
    if (bytes.size() < 10 || std::string(bytes.begin(), bytes.begin() + 6) != kMagic)
        fail(where, "not a .npy array (bad magic)");
    const int major = bytes[6];
    std::size_t headerBytes = bytes[8] | std::size_t(bytes[9]) << 8;
    std::size_t headerAt = 10;
    if (major >= 2) {
        if (bytes.size() < 12)
            fail(where, "truncated .npy header");
        headerBytes |= std::size_t(bytes[10]) << 16 | std::size_t(bytes[11]) << 24;
        headerAt = 12;
    }
    if (major < 1 || major > 3 || headerBytes > bytes.size() - headerAt)
        fail(where, "unsupported or truncated .npy header (version " + std::to_string(major) + ")");
    const std::string header(bytes.begin() + static_cast<std::ptrdiff_t>(headerAt),
                             bytes.begin() + static_cast<std::ptrdiff_t>(headerAt + headerBytes));
    NpyArray array;
    std::string descr = headerValue(header, "descr", where);
    if (descr.size() < 4 || descr.front() != '\'' || descr.back() != '\'')
        fail(where, ".npy dtype " + descr + " is not supported (a plain numeric or unicode dtype)");
    array.descr = descr.substr(1, descr.size() - 2);
    if (headerValue(header, "fortran_order", where) != "False")
        fail(where, "Fortran-ordered arrays are not supported (save np.ascontiguousarray(x))");
    array.shape = parseShape(headerValue(header, "shape", where), where);
    const char order = array.descr[0];
    if ((order != '<' && order != '|') || std::string("uifU").find(array.kind()) == std::string::npos ||
        array.itemBytes() == 0)
        fail(where,
             ".npy dtype '" + array.descr + "' is not supported (little-endian integers, floats, unicode)");
    const std::size_t dataAt = headerAt + headerBytes;
    const std::uint64_t want = std::uint64_t(array.elementCount()) * array.itemBytes();
    if (bytes.size() - dataAt != want)
        fail(where, "holds " + std::to_string(bytes.size() - dataAt) +
                        " data bytes, its shape and dtype need " + std::to_string(want));
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(dataAt));
    array.bytes = std::move(bytes);
    return array;
}

} // namespace

std::size_t NpyArray::elementCount() const
{
    std::size_t count = 1;
    for (const std::size_t dim : shape)
        count = dim == 0 || count <= kMaxEntryBytes / dim ? count * dim : kMaxEntryBytes + 1;
    return count;
}

std::size_t NpyArray::itemBytes() const
{
    std::size_t bytes = 0;
    for (std::size_t i = 2; i < descr.size(); ++i) {
        if (descr[i] < '0' || descr[i] > '9' || bytes > 64)
            return 0;
        bytes = bytes * 10 + static_cast<std::size_t>(descr[i] - '0');
    }
    return kind() == 'U' ? bytes * 4 : bytes;
}

std::map<std::string, NpyArray> parseNpz(const std::string& path, const std::vector<std::uint8_t>& archive)
{
    const Bytes zip(archive, path);
    std::map<std::string, NpyArray> arrays;
    for (const ZipEntry& entry : readDirectory(zip, path)) {
        const std::string where = path + ": entry '" + entry.name + "'";
        if (entry.name.size() < 5 || entry.name.compare(entry.name.size() - 4, 4, ".npy") != 0)
            fail(where, "is not a .npy array");
        const std::string key = entry.name.substr(0, entry.name.size() - 4);
        if (arrays.count(key))
            fail(where, "appears twice");
        arrays.emplace(key, parseNpy(entryBytes(zip, entry, where), where));
    }
    return arrays;
}

std::map<std::string, NpyArray> readNpz(const std::string& path)
{
    const std::string bytes = readTextFile(path, "an .npz archive", kMaxArchiveBytes);
    return parseNpz(path, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

} // namespace voltsim::workloads
