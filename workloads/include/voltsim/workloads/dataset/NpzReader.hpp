#pragma once
// Reader for numpy's .npz archives (np.savez and np.savez_compressed): a zip file of .npy arrays.
// Only what a dataset needs: little-endian or byte-sized numeric arrays and unicode strings in C
// order, entries stored or deflated (zlib), no zip64. docs/datasets.md describes the format.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace voltsim::workloads {

/// One .npy array: numpy's dtype string (`|u1`, `<i8`, `<f4`, `<U4`, ...), shape, raw C-order bytes.
struct NpyArray {
    std::string descr;
    std::vector<std::size_t> shape; ///< empty for a scalar (0-d array)
    std::vector<std::uint8_t> bytes;

    std::size_t elementCount() const;
    /// The element type's kind and size: 'u', 'i', 'f' or 'U' (4-byte code points) and its bytes.
    char kind() const { return descr.size() > 1 ? descr[1] : '?'; }
    std::size_t itemBytes() const;
};

/// The archive's arrays by entry name, without the ".npy" suffix.
/// @throws voltsim::InputError naming `path` (and the entry) on anything malformed: not a regular
///         file, larger than the 1 GiB input cap, not a zip, an entry that is not .npy, an unsupported
///         compression, dtype or byte order, Fortran order, a size that disagrees with its shape, a
///         CRC mismatch, or a duplicate entry.
std::map<std::string, NpyArray> readNpz(const std::string& path);

/// The same from the bytes of an archive (`path` only names it in errors); the fuzz target's entry.
std::map<std::string, NpyArray> parseNpz(const std::string& path, const std::vector<std::uint8_t>& archive);

} // namespace voltsim::workloads
