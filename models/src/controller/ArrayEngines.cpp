#include "voltsim/models/controller/IArrayEngine.hpp"

#include "voltsim/models/controller/impl/CycleArrayEngine.hpp"
#include "voltsim/models/controller/impl/FastArrayEngine.hpp"

namespace voltsim::models {

const ArrayEngines& arrayEngines()
{
    return ArrayEngines::builtIn("array engine", registerArrayEngines);
}

void registerArrayEngines(ArrayEngines& registry)
{
    registry.add(
        "fast", "functional folds for a whole batch, annotated with the timing model's cycles",
        [](const ArrayEngineParams& params) { return std::make_unique<FastArrayEngine>("array", params); });
    registry.add(
        "cycle", "the PE grid stepped every clock by one SystemC process, image by image (slow)",
        [](const ArrayEngineParams& params) { return std::make_unique<CycleArrayEngine>("array", params); });
}

} // namespace voltsim::models
