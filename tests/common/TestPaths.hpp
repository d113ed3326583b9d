#pragma once
// Paths the tests need, fixed at configure time.
#include <string>

namespace voltsim::test {

/// Root of the source tree (shipped models, profiles, configs).
/// (Defined in TestMain.cpp, the one object compiled with the paths.)
std::string sourceDir();

/// The built voltsim executable, for end-to-end CLI tests.
std::string voltsimBinary();

/// A shipped model package by name, e.g. "randbet-8bit".
inline std::string modelDir(const std::string& name)
{
    return sourceDir() + "/workloads/models/" + name;
}

} // namespace voltsim::test
