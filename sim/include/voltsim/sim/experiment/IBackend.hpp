#pragma once
// A back-end evaluates an experiment: the SystemC accelerator (`systemc`, timing and counts, fast
// or cycle mode) or the functional engine (`functional`, the same faulty codes and logits without
// simulating time). Both return the same PointOutcome bit for bit
// (tests/sim/BackendEquivalenceTest.cpp); docs/sweep.md, "Experiment core".
#include "voltsim/common/Registry.hpp"
#include "voltsim/sim/experiment/Experiment.hpp"
#include "voltsim/sim/experiment/Outcome.hpp"

#include <functional>
#include <memory>
#include <string>

namespace voltsim::sim {

class IBackend {
  public:
    virtual ~IBackend() = default;

    /// The name `--backend` takes.
    virtual const char* name() const = 0;

    /// The clean reference run and every chip of experiment.chipSeeds at experiment.point, in
    /// seed order: seeds, flips, faulty cells, robust errors, rates, counts; logits and plain
    /// errors when experiment.keepLogits. A back-end may keep state between calls (chips, the
    /// clean run of a model) but its results depend only on the experiment.
    virtual PointOutcome evaluate(const Experiment& experiment) = 0;
};

/// The action counts of one inference of the experiment's model on its accelerator.
using InferenceCounts = std::function<const models::AcceleratorStats&(const Experiment&)>;

struct BackendOptions {
    unsigned threads = 0; ///< inference threads of the functional engine (0: one per hardware thread)
    /// Where the functional engine takes its counts (a sweep shares its plan's); empty: it counts
    /// one run per model itself (countInference).
    InferenceCounts counts;
};

/// Back-ends by name (`--backend`, `voltsim list`): the one Registry of common/Registry.hpp.
using Backends = Registry<IBackend, BackendOptions>;
const Backends& backends();
/// Registers `systemc` and `functional`.
void registerBackends(Backends& registry);

/// backends().create(name, where, options): InputError naming `where` and the valid names if
/// `name` is not registered.
std::unique_ptr<IBackend> makeBackend(const std::string& name, const std::string& where,
                                      BackendOptions options);

} // namespace voltsim::sim
