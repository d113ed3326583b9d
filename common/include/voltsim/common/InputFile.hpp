#pragma once
// The checks every loader makes before it opens a user's file (docs/hardening.md, "Files"): a
// directory, a FIFO, a device (/dev/zero, /dev/urandom), a socket, a symlink loop or a file larger
// than the loader's cap becomes one InputError naming the path, at once: nothing blocks on a FIFO
// without a writer, reads an endless device, or allocates from a file's claimed size.
#include <cstdint>
#include <string>

namespace voltsim {

/// The largest file any loader reads: 1 GiB.
inline constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{1} << 30;
/// The largest text file read whole (JSON documents, points.jsonl): 64 MiB.
inline constexpr std::uint64_t kMaxTextFileBytes = std::uint64_t{64} << 20;

/// Throws InputError "<path>: ..." unless @p path is a regular file (symlinks followed) of at most
/// @p maxBytes: "is a directory, expected <what>", "is not a regular file (a FIFO, device or
/// socket), expected <what>", "is N bytes, more than the M bytes a <what> may have", or "cannot
/// open <what>: <reason>" for a path that does not resolve (a symlink loop, a dangling link).
/// A missing file passes: the caller's own message names it.
void checkInputFile(const std::string& path, const std::string& what,
                    std::uint64_t maxBytes = kMaxInputFileBytes);

/// The whole content of the regular file @p path (checked by checkInputFile with @p maxBytes).
/// InputError "<path>: cannot open <what>" when it cannot be opened; never reads past the cap (a
/// file growing while it is read).
std::string readTextFile(const std::string& path, const std::string& what,
                         std::uint64_t maxBytes = kMaxTextFileBytes);

} // namespace voltsim
