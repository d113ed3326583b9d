#include "voltsim/memory/FaultModels.hpp"

#include "impl/MapFaultModel.hpp"
#include "impl/NoFaultModel.hpp"
#include "impl/StatisticalFaultModel.hpp"

namespace voltsim::memory {

const FaultModels& faultModels()
{
    return FaultModels::builtIn("fault model", registerFaultModels);
}

void registerFaultModels(FaultModels& registry)
{
    registry.add("none", "no faults at any voltage", [] { return std::make_unique<impl::NoFaultModel>(); });
    registry.add("random", "each stored bit reads inverted with probability p(V) (Stutz et al. 2021)",
                 [] { return std::make_unique<impl::StatisticalFaultModel>(FaultEffect::Flip); });
    registry.add("stuck_at", "faulty cells (same cells as random) read a stuck value drawn once per cell",
                 [] { return std::make_unique<impl::StatisticalFaultModel>(FaultEffect::Stuck); });
    registry.add("map", "the profile's measured fault map: stuck-at cells below their failure voltage",
                 [] { return std::make_unique<impl::MapFaultModel>(); });
}

} // namespace voltsim::memory
