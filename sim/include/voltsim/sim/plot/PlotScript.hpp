#pragma once
// The shipped Python: matplotlib scripts (plots/ of the data directory), the trainer's modules
// (python/tools/, e.g. the ONNX importer) and the interpreter that runs them.
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

/// Runs `plotPython() -m @p module @p args...` with the data directory's python/ folder first on
/// PYTHONPATH, its output going to this process's. Returns its exit status; throws InputError if it
/// cannot be started or is killed.
int runPythonModule(const std::string& module, const std::vector<std::string>& args);

} // namespace voltsim::sim
