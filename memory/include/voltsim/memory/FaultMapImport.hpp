#pragma once
// Importing measured fault maps into a `map` profile (docs/profiles.md, "Importing").
#include "voltsim/memory/SramProfile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace voltsim::memory {

struct ImportOptions {
    std::string name;                          ///< profile name (required)
    std::string energyFrom = "stutz2021-14nm"; ///< profile whose energy and leakage are copied
    std::optional<double> vMinMv;              ///< default: highest measured voltage if its map is empty
    std::optional<double> vNomMv;              ///< default: V_min
    /// --cells only: map geometry (the IBM format has it in its matrices).
    std::uint32_t arrays = 32;
    std::uint32_t rows = 512;
    std::uint32_t columns = 64;
    /// --cells only: measured voltages; default: the distinct failure voltages in the file.
    std::vector<double> measuredMv;
};

/// Reads every fmap_sa0_v_<V>.txt / fmap_sa1_v_<V>.txt pair of `directory` (comma-separated 0/1
/// matrices, one map per voltage; V in volts if below 10, else mV). A cell's failure voltage is the
/// highest voltage at which it is faulty (nesting enforced); its stuck value is taken there.
/// InputError naming the file and line for every malformed input.
SramProfile importIbmMaps(const std::string& directory, const ImportOptions& options);

/// Reads a CSV with header `array,row,column,failure_mv,stuck_value` ('#' comment lines allowed).
SramProfile importCellCsv(const std::string& csvFile, const ImportOptions& options);

} // namespace voltsim::memory
