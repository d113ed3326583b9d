#pragma once
// Runs a sweep plan: models x operating points x chips through a back-end (IBackend), writing
// every finished point at once (SweepOutput), skipping finished points on resume and running only
// every N-th point of the sweep for a shard.
#include "voltsim/sim/sweep/Progress.hpp"
#include "voltsim/sim/sweep/SweepOutput.hpp"
#include "voltsim/sim/sweep/SweepPlan.hpp"

#include <atomic>
#include <cstddef>
#include <string>

namespace voltsim::sim {

/// Options of one run that do not change its results.
struct SweepRunOptions {
    std::size_t shardIndex =
        0; ///< this run computes the points whose global index % shardCount == shardIndex
    std::size_t shardCount = 1;
    unsigned threads = 0;               ///< inference threads (0: one per hardware thread)
    std::string backend = "functional"; ///< makeBackend's name; results do not depend on it
    ProgressMode progress = ProgressMode::Auto;
    const std::atomic<bool>* interrupt =
        nullptr; ///< checked between chips; set by the SIGINT/SIGTERM handler
};

/// What a run did.
struct SweepRunReport {
    std::size_t computed = 0; ///< points computed by this run
    std::size_t skipped = 0;  ///< points of this shard already in the output (resume)
    bool interrupted = false;
    double wallSeconds = 0;
};

/// Runs every pending point of the shard into `output`.
SweepRunReport runSweep(const SweepPlan& plan, SweepOutput& output, const SweepRunOptions& options);

/// Parses "I/N" (0 <= I < N); InputError naming --shard.
void parseShard(const std::string& text, std::size_t& index, std::size_t& count);

} // namespace voltsim::sim
