#pragma once
// The statistics tree of a run (docs/accelerator.md, "What each module counts"): each module
// reports its own counts, and collectStats walks the SystemC module hierarchy and nests them as
// the modules are nested, so the tree follows the module tree by construction.
#include <nlohmann/json.hpp>
#include <systemc>

namespace voltsim::models {

/// A module that reports its own statistics (counts only: energy is priced by the report).
class IStatsSource {
  public:
    virtual ~IStatsSource() = default;
    /// This module's own counts as a JSON object (its child modules report theirs).
    virtual nlohmann::json statsJson() const = 0;
};

/// The statistics below `top`: for every child module, its basename mapped to its statsJson() (if
/// it is an IStatsSource) merged with the statistics of its own children. Modules with no
/// statistics anywhere below them are left out.
nlohmann::json collectStats(const sc_core::sc_object& top);

} // namespace voltsim::models
