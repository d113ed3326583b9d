#pragma once
// A check every loader makes before it opens a user's file: a directory given where a file is
// expected becomes one InputError naming the path (std::ifstream opens a directory and then
// fails inside a read with an unrelated error or, in libstdc++, an exception).
#include "voltsim/common/Error.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace voltsim {

/// Throws InputError "<path>: is a directory, expected <what>" if @p path names a directory.
/// Missing files are left to the caller's own "cannot open" message; pipes (e.g. `<(...)`) pass.
inline void rejectDirectory(const std::string& path, const std::string& what)
{
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
        throw InputError(path + ": is a directory, expected " + what);
}

/// The whole content of the file @p path. InputError "<path>: is a directory, expected <what>" or
/// "<path>: cannot open <what>" when it cannot be read.
inline std::string readTextFile(const std::string& path, const std::string& what)
{
    rejectDirectory(path, what);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path + ": cannot open " + what);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace voltsim
