#pragma once
// Paths the tests need, fixed at configure time.
#include <string>

namespace voltsim::test {

/// Root of the source tree (shipped models, profiles, configs).
inline std::string sourceDir() { return VOLTSIM_SOURCE_DIR; }

/// The built voltsim executable, for end-to-end CLI tests.
inline std::string voltsimBinary() { return VOLTSIM_BINARY; }

/// A shipped model package by name, e.g. "randbet-8bit".
inline std::string modelDir(const std::string& name) { return sourceDir() + "/workloads/models/" + name; }

} // namespace voltsim::test
