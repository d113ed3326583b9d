#pragma once
// Parts shared by `voltsim sweep` and `voltsim merge`.
#include "voltsim/sim/sweep/SweepConfig.hpp"
#include "voltsim/sim/sweep/SweepOutput.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace voltsim::sim {

/// Reads a sweep config document (list keys normalised) strictly; `source` names it in errors, or
/// for values set on the command line their flag or --set (`origins`, may be null).
SweepConfig readSweepConfigFrom(nlohmann::json config, const std::string& source,
                                std::shared_ptr<const ValueOrigins> origins = nullptr);

/// Prints the table and the per-model answer (always; `quiet` only silences the plot script), draws the plots
/// (tools/plots/sweep_plot.py) and returns the exit status: 0, or 128 + `signal` when a signal
/// (SIGINT: 130, SIGTERM: 143) stopped the run (with a note to rerun with --resume); 0 for none.
int finishSweepOutput(const SweepPlan& plan, const SweepOutput& output, int signal, bool plots, bool quiet);

} // namespace voltsim::sim
