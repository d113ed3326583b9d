#pragma once
// The voltsim subcommands (references: docs/accelerator.md for run, docs/sweep.md for sweep and
// merge, docs/model_package.md for model, docs/profiles.md for profile, docs/timing.md for layers).
// Each takes the arguments after its own name, prints to stdout, throws voltsim::InputError on bad
// input and returns the exit status.
#include <string>
#include <vector>

namespace voltsim::sim {

using Args = std::vector<std::string>;

int runRunCommand(const Args& args);     ///< voltsim run
int runSweepCommand(const Args& args);   ///< voltsim sweep
int runModelCommand(const Args& args);   ///< voltsim model check|info
int runProfileCommand(const Args& args); ///< voltsim profile show|sample|import
int runMergeCommand(const Args& args);   ///< voltsim merge
int runLayersCommand(const Args& args);  ///< voltsim layers
int runListCommand(const Args& args);    ///< voltsim list
int runImportCommand(const Args& args);  ///< voltsim import onnx

/// Top-level dispatch on argv[1]; prints usage for --help or an unknown subcommand.
int dispatchCommand(int argc, char* argv[]);

} // namespace voltsim::sim
