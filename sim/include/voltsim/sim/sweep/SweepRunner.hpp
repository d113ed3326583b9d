#pragma once
// Runs a sweep plan: models x operating points x chips through a back-end (IBackend), writing
// every finished point at once (SweepOutput), skipping finished points on resume and running only
// every N-th point of the sweep for a shard. The work units (one chip of one point) are evaluated
// by a work pool (IWorkPool): this process alone, or the ranks of an MPI job (docs/cluster.md).
#include "voltsim/sim/sweep/IWorkPool.hpp"
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
    /// The signal that stops the run (0: none), set by the SIGINT/SIGTERM handler; checked between
    /// chips.
    const std::atomic<int>* stopSignal = nullptr;
};

/// What a run did.
struct SweepRunReport {
    std::size_t computed = 0; ///< points computed by this run
    std::size_t skipped = 0;  ///< points of this shard already in the output (resume)
    bool interrupted = false;
    int signal = 0; ///< the signal that stopped the run, here or on another rank (0: none)
    double wallSeconds = 0;
};

/// On the pool's coordinating process: runs every pending point of the shard into `output`, each
/// written as soon as all its chips are in, whichever process evaluated them.
SweepRunReport runSweep(const SweepPlan& plan, SweepOutput& output, const SweepRunOptions& options,
                        IWorkPool& pool);

/// On the pool's other processes: evaluates the units the coordinator sends. Returns the exit status.
int serveSweep(const SweepPlan& plan, const SweepRunOptions& options, IWorkPool& pool);

/// Parses "I/N" (0 <= I < N), or "auto": the task's shard of a Slurm job array, I =
/// SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN (0 when unset), N = SLURM_ARRAY_TASK_COUNT (the array
/// must be contiguous: --array=0-N, no step or list). InputError naming --shard (and the variable).
void parseShard(const std::string& text, std::size_t& index, std::size_t& count);

} // namespace voltsim::sim
