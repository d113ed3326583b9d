#pragma once
// Paths the tests need, fixed at configure time.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

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

/// The names of every package under workloads/models/ (a folder holding a manifest.json), sorted,
/// so a newly shipped model is covered by every test that iterates over them.
inline std::vector<std::string> shippedModelNames()
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(sourceDir() + "/workloads/models"))
        if (std::filesystem::exists(entry.path() / "manifest.json"))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace voltsim::test
