#pragma once
// Where voltsim's shipped data lives (README.md, "Install"): the one lookup every shipped file goes
// through, so an installed or moved build finds its data without the source tree.
#include <string>
#include <vector>

namespace voltsim {

/// Environment variable that overrides the data directory.
inline constexpr const char* kDataDirVariable = "VOLTSIM_DATA_DIR";

/// The directory holding profiles/, configs/, models/, topologies/ and plots/:
/// 1. $VOLTSIM_DATA_DIR when set (InputError if it does not hold those folders);
/// 2. `<dir of the running executable>/share/voltsim` (a build tree: `build/voltsim`);
/// 3. `<dir of the running executable>/../share/voltsim` (an installed `bin/voltsim`, and the
///    test and benchmark executables in `build/tests`, `build/bench`).
/// InputError naming the candidates tried if none holds the data.
/// Code loaded into another program (the Python module inside python3) replaces 2 and 3 with
/// setDataDirCandidates.
std::string dataDir();

/// Makes dataDir() try @p candidates, in order, after $VOLTSIM_DATA_DIR instead of the folders
/// next to the running executable. Not thread-safe: call it before any lookup.
void setDataDirCandidates(std::vector<std::string> candidates);

/// dataDir() + "/" + @p relative, e.g. dataPath("configs/energy/default.json").
std::string dataPath(const std::string& relative);

/// Stems of the files ending in @p extension (e.g. ".json") in data folder @p folder, sorted:
/// the names shipped data is looked up by.
std::vector<std::string> dataFileNames(const std::string& folder, const std::string& extension);

} // namespace voltsim
