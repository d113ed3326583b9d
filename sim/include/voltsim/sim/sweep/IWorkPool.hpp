#pragma once
// Who evaluates a sweep's work units (docs/cluster.md): this process alone (LocalWorkPool), or the
// ranks of an MPI job (MpiWorkPool: rank 0 hands out units on request, evaluates some itself and
// alone writes the results). The sweep runner is the same code over both; with one process the
// units run in order on it.
#include "voltsim/sim/experiment/Outcome.hpp"

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::sim {

/// One work unit of a sweep: chip `chip` (index into the plan's seeds) of (model, point).
struct WorkUnit {
    std::size_t model = 0;
    std::size_t point = 0;
    std::size_t chip = 0;
};

/// A unit's outcome: the point's shared numbers (images, clean errors, stored bits, rate) and the
/// unit's one chip (the integers a sweep record keeps).
struct UnitResult {
    WorkUnit unit;
    PointOutcome outcome;
};

/// Evaluates one unit on the calling process; nullopt if the run was interrupted meanwhile.
using UnitEvaluator = std::function<std::optional<UnitResult>(const WorkUnit&)>;
/// Receives a finished unit on the coordinating process.
using UnitSink = std::function<void(UnitResult)>;

class IWorkPool {
  public:
    virtual ~IWorkPool() = default;

    /// Processes of the job (1 without MPI).
    virtual std::size_t processes() const = 0;
    /// True on the process that coordinates and writes the results (rank 0; the only process
    /// without MPI).
    virtual bool coordinates() const = 0;

    /// Runs `step` on every process. If it throws on any, every process ends: the lowest failing
    /// rank rethrows its exception (so only it prints the one-line error) and the others return the
    /// exit status it implies (2 for InputError). nullopt when it succeeded everywhere.
    virtual std::optional<int> agree(const std::function<void()>& step) = 0;

    /// On the coordinator: evaluates every unit of `units` (here or on other processes, in any
    /// order) and passes each result to `sink` here. Returns 0 when every unit is done, or the
    /// signal that stopped the run first (`*stopSignal` here, or a rank's), after which
    /// unfinished units are dropped. An exception from `evaluate` or `sink`, here or on another
    /// process, stops every process and is thrown here (with its type: InputError stays one).
    virtual int distribute(const std::vector<WorkUnit>& units, const UnitEvaluator& evaluate,
                           const UnitSink& sink, const std::atomic<int>* stopSignal) = 0;

    /// On every other process: evaluates the units the coordinator sends until it says stop.
    /// Returns the job's exit status (0, the coordinator's error status, or 128 + a signal).
    virtual int serve(const UnitEvaluator& evaluate, const std::atomic<int>* stopSignal) = 0;
};

/// How the process was launched: as one of `size` ranks by an MPI launcher, read from the
/// environment (OMPI_COMM_WORLD_SIZE/RANK of Open MPI's mpirun, PMI_SIZE/RANK of srun and MPICH).
struct MpiLaunch {
    std::size_t size = 1;
    std::size_t rank = 0;
    std::string variable; ///< the variable that gave the size
};
/// The launch read from the environment; nullopt when no MPI launcher started the process.
std::optional<MpiLaunch> mpiLaunch();

/// For every command but `voltsim sweep`: launched as several MPI ranks, rank 0 throws InputError
/// naming `command` (each rank would repeat the whole command) and the others end with status 2.
void requireOneProcess(const std::string& command);

/// The pool of this process: the MPI job's when an MPI launcher started it (MPI_Init), this
/// process alone otherwise. A build without MPI launched as several ranks prints one line on rank 0
/// (InputError) and ends the others with status 2.
std::unique_ptr<IWorkPool> makeWorkPool();

} // namespace voltsim::sim
