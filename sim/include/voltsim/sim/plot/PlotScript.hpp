#pragma once
// The shipped matplotlib scripts (plots/ of the data directory) and the Python that runs them.
#include <string>
#include <vector>

namespace voltsim::sim {

/// The interpreter plots run under: $VOLTSIM_PYTHON when set, else the one CMake found at
/// configure time (when it still exists), else "python3" from PATH.
std::string plotPython();

/// Runs the shipped script plots/@p script with @p args (no shell: any characters pass) under
/// plotPython(), after checking that it imports matplotlib. Returns "" when the script succeeded,
/// else a one-line reason (no interpreter, matplotlib missing, the script failed) for the caller
/// to print as a warning or an error.
std::string runPlotScript(const std::string& script, const std::vector<std::string>& args);

} // namespace voltsim::sim
