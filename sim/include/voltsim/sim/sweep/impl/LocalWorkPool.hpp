#pragma once
// The work pool of one process: every unit runs here, in order (docs/cluster.md).
#include "voltsim/sim/sweep/IWorkPool.hpp"

namespace voltsim::sim {

class LocalWorkPool final : public IWorkPool {
  public:
    std::size_t processes() const override { return 1; }
    bool coordinates() const override { return true; }
    /// Runs `step`; its exceptions propagate. Always nullopt.
    std::optional<int> agree(const std::function<void()>& step) override;
    /// Evaluates the units in order; stops before a unit once `*stopSignal` is set.
    int distribute(const std::vector<WorkUnit>& units, const UnitEvaluator& evaluate, const UnitSink& sink,
                   const std::atomic<int>* stopSignal) override;
    /// Never called on one process: returns 0.
    int serve(const UnitEvaluator& evaluate, const std::atomic<int>* stopSignal) override;
};

} // namespace voltsim::sim
