#pragma once
// Helpers shared by the memory tests: temporary files and profiles built from JSON.
#include "TestPaths.hpp"

#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

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

/// Chip options with geometry `banks` x `rows` x `wordBits` instead of the profile's.
inline memory::ChipOptions chipGeometry(std::uint32_t banks, std::uint32_t rows, std::uint32_t wordBits)
{
    memory::ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {banks, {rows, wordBits}};
    return options;
}

/// (bank << 32 | bit) of every cell of `chip` active at its operating point, sorted (cells are
/// sorted by bit within a bank).
inline std::vector<std::uint64_t> activeCells(const memory::SramChip& chip)
{
    std::vector<std::uint64_t> active;
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b)
        for (const auto& cell : chip.cells(b))
            if (chip.isActive(b, cell))
                active.push_back(std::uint64_t{b} << 32 | cell.bit);
    return active;
}

} // namespace voltsim::test
