#include "voltsim/sim/sweep/impl/LocalWorkPool.hpp"

#include <csignal>

namespace voltsim::sim {

std::optional<int> LocalWorkPool::agree(const std::function<void()>& step)
{
    step();
    return std::nullopt;
}

int LocalWorkPool::distribute(const std::vector<WorkUnit>& units, const UnitEvaluator& evaluate,
                              const UnitSink& sink, const std::atomic<int>* stopSignal)
{
    const auto stopped = [stopSignal] { return stopSignal != nullptr ? stopSignal->load() : 0; };
    for (const WorkUnit& unit : units) {
        if (stopped() != 0)
            return stopped();
        std::optional<UnitResult> result = evaluate(unit);
        if (!result)
            return stopped() != 0 ? stopped() : SIGTERM;
        sink(std::move(*result));
    }
    return 0;
}

int LocalWorkPool::serve(const UnitEvaluator& /*evaluate*/, const std::atomic<int>* /*stopSignal*/)
{
    return 0;
}

} // namespace voltsim::sim
