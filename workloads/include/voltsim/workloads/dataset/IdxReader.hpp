#pragma once
// Reader for the IDX format of (Fashion-)MNIST: a 4-byte magic (0, 0, type, number of dimensions),
// the dimensions as big-endian uint32, then the data. Gzip-compressed and plain files both work.
#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::workloads {

/// An unsigned-byte IDX array: `dims` (outermost first) and the row-major `data`.
struct IdxArray {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data; ///< product(dims) bytes
};

/// Reads an IDX file of unsigned bytes (type 0x08) with exactly `expectedDims` dimensions.
/// `path` may be gzip-compressed or plain. The header's declared size is checked against the data
/// actually present while reading (memory grows with the data read, never with a header field), and
/// trailing bytes are rejected.
/// @throws voltsim::InputError naming `path` and the problem (missing, bad magic, unsupported type,
///         wrong dimension count, zero or overflowing size, truncated, trailing data, corrupt gzip).
IdxArray readIdx(const std::string& path, std::size_t expectedDims);

} // namespace voltsim::workloads
