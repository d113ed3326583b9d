#include "voltsim/common/DataDir.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>

namespace voltsim {

namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 5> kDataFolders = {"profiles", "configs", "models", "topologies", "plots"};

/// The data folders missing from @p dir, comma-separated ("" if it holds them all).
std::string missingFolders(const fs::path& dir)
{
    std::string missing;
    std::error_code ignored;
    for (const char* folder : kDataFolders)
        if (!fs::is_directory(dir / folder, ignored))
            missing += (missing.empty() ? "" : ", ") + std::string(folder) + "/";
    return missing;
}

/// Set by setDataDirCandidates; empty: the folders next to the running executable.
std::vector<fs::path>& candidateOverride()
{
    static std::vector<fs::path> candidates;
    return candidates;
}

fs::path executableDir()
{
    std::error_code error;
    const fs::path exe = fs::read_symlink("/proc/self/exe", error);
    if (error)
        throw InputError(std::string("cannot locate the running executable (/proc/self/exe: ") +
                         error.message() + "); set " + kDataDirVariable +
                         " to voltsim's share/voltsim folder");
    return exe.parent_path();
}

} // namespace

std::string dataDir()
{
    if (const char* given = std::getenv(kDataDirVariable); given != nullptr) {
        const std::string missing = missingFolders(given);
        if (!missing.empty())
            throw InputError(std::string(kDataDirVariable) + "=" + given +
                             ": not a voltsim data directory (no " + missing + ")");
        return given;
    }
    std::vector<fs::path> candidates = candidateOverride();
    if (candidates.empty()) {
        const fs::path exeDir = executableDir();
        candidates = {exeDir / "share/voltsim", exeDir.parent_path() / "share/voltsim"};
    }
    std::string tried;
    for (const fs::path& candidate : candidates) {
        if (missingFolders(candidate).empty())
            return candidate.string();
        tried += (tried.empty() ? "" : " nor ") + candidate.string();
    }
    throw InputError("voltsim data not found in " + tried + "; set " + kDataDirVariable +
                     " to voltsim's share/voltsim folder");
}

void setDataDirCandidates(std::vector<std::string> candidates)
{
    candidateOverride().assign(candidates.begin(), candidates.end());
}

std::string dataPath(const std::string& relative)
{
    return dataDir() + "/" + relative;
}

std::vector<std::string> dataFileNames(const std::string& folder, const std::string& extension)
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dataPath(folder)))
        if (entry.is_regular_file() && entry.path().extension() == extension)
            names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace voltsim
