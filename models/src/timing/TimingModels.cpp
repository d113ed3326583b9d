#include "voltsim/models/timing/ITimingModel.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/models/timing/impl/NativeTiming.hpp"
#include "voltsim/models/timing/impl/ScaleSimTiming.hpp"

namespace voltsim::models {

const TimingModels& timingModels()
{
    return TimingModels::builtIn("timing model", registerTimingModels);
}

void registerTimingModels(TimingModels& registry)
{
    registry.add("scalesim", "SCALE-Sim v2's stall-free accounting: folds in series, each fills and drains",
                 [] { return std::make_unique<ScaleSimTiming>(); });
    registry.add("native",
                 "the accelerator's array: double-buffered preload, folds overlap, accumulator SRAM",
                 [] { return std::make_unique<NativeTiming>(); });
}

std::unique_ptr<ITimingModel> makeAcceleratorTimingModel(const std::string& name, const std::string& context)
{
    std::unique_ptr<ITimingModel> model = timingModels().create(name, context);
    const std::string mismatch = model->acceleratorMismatch();
    if (!mismatch.empty())
        throw InputError(context + ": timing model '" + name + "' cannot time the accelerator: " + mismatch);
    return model;
}

} // namespace voltsim::models
