#pragma once
// Helpers shared by the memory tests: temporary files and profiles built from JSON.
#include "TestPaths.hpp"

#include "voltsim/memory/SramProfile.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

namespace voltsim::test {

/// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
  public:
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "voltsim-memory-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(m_path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string path(const std::string& name) const { return m_path + "/" + name; }
    std::string write(const std::string& name, const std::string& content) const
    {
        std::ofstream(path(name)) << content;
        return path(name);
    }

  private:
    std::string m_path;
};

/// A shipped profile's JSON document.
inline nlohmann::json shippedProfileJson(const std::string& name)
{
    std::ifstream in(sourceDir() + "/memory/profiles/" + name + ".json");
    return nlohmann::json::parse(in);
}

inline std::shared_ptr<const memory::SramProfile> shared(const memory::SramProfile& profile)
{
    return std::make_shared<const memory::SramProfile>(profile);
}

/// Half-width of the two-sided 99.9 % normal interval of a Binomial(n, p) count.
inline double binomialHalfWidth999(double n, double p)
{
    return 3.2905 * std::sqrt(n * p * (1.0 - p));
}

} // namespace voltsim::test
