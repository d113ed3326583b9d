#include "voltsim/common/Error.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"
#include "voltsim/models/timing/impl/NativeTiming.hpp"
#include "voltsim/models/timing/impl/ScaleSimTiming.hpp"

#include <functional>
#include <utility>

namespace voltsim::models {
namespace {

using Factory = std::function<std::unique_ptr<ITimingModel>()>;

/// Explicit registration (no static self-registration: the linker drops unreferenced objects).
const std::vector<std::pair<std::string, Factory>>& registry()
{
    static const std::vector<std::pair<std::string, Factory>> entries{
        {"scalesim", [] { return std::make_unique<ScaleSimTiming>(); }},
        {"native", [] { return std::make_unique<NativeTiming>(); }},
    };
    return entries;
}

} // namespace

std::vector<std::string> timingModelNames()
{
    std::vector<std::string> names;
    for (const auto& entry : registry())
        names.push_back(entry.first);
    return names;
}

std::unique_ptr<ITimingModel> makeTimingModel(const std::string& name, const std::string& context)
{
    std::string valid;
    for (const auto& [entryName, factory] : registry()) {
        if (entryName == name)
            return factory();
        valid += (valid.empty() ? "" : ", ") + entryName;
    }
    throw InputError(context + ": unknown timing model '" + name + "' (valid: " + valid + ")");
}

} // namespace voltsim::models
