#include "voltsim/workloads/ShippedData.hpp"

#include "voltsim/common/DataDir.hpp"
#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <filesystem>

namespace voltsim::workloads {

namespace {

namespace fs = std::filesystem;

/// A path, not a name: it contains '/', has an extension or exists (as in resolveProfilePath).
bool givenAsPath(const std::string& nameOrPath)
{
    std::error_code ignored;
    return nameOrPath.find('/') != std::string::npos || fs::path(nameOrPath).has_extension() ||
           fs::exists(nameOrPath, ignored);
}

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

} // namespace

std::string resolveModelDir(const std::string& nameOrDir)
{
    if (givenAsPath(nameOrDir))
        return nameOrDir;
    std::string shipped = dataPath("models/" + nameOrDir);
    std::error_code ignored;
    if (fs::exists(fs::path(shipped) / "manifest.json", ignored))
        return shipped;
    throw InputError("unknown model '" + nameOrDir + "' (shipped: " + joined(shippedModelNames()) +
                     "; or give a model package directory)");
}

std::vector<std::string> shippedModelNames()
{
    std::vector<std::string> names;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(dataPath("models")))
        if (fs::exists(entry.path() / "manifest.json", ignored))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string resolveTopologyPath(const std::string& nameOrFile)
{
    if (givenAsPath(nameOrFile))
        return nameOrFile;
    std::string shipped = dataPath("topologies/" + nameOrFile + ".csv");
    std::error_code ignored;
    if (fs::is_regular_file(shipped, ignored))
        return shipped;
    throw InputError("unknown topology '" + nameOrFile + "' (shipped: " +
                     joined(dataFileNames("topologies", ".csv")) + "; or give a topology CSV file)");
}

} // namespace voltsim::workloads
