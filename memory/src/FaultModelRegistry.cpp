#include "voltsim/memory/FaultModelRegistry.hpp"

#include "voltsim/common/Error.hpp"

#include "impl/MapFaultModel.hpp"
#include "impl/NoFaultModel.hpp"
#include "impl/StatisticalFaultModel.hpp"

#include <stdexcept>

namespace voltsim::memory {

void FaultModelRegistry::add(const std::string& name, Factory factory)
{
    if (!m_factories.emplace(name, std::move(factory)).second)
        throw std::invalid_argument("fault model '" + name + "' registered twice");
}

std::shared_ptr<const IFaultModel> FaultModelRegistry::create(const std::string& name) const
{
    const auto found = m_factories.find(name);
    if (found != m_factories.end())
        return found->second();
    std::string valid;
    for (const auto& known : names())
        valid += (valid.empty() ? "" : ", ") + known;
    throw InputError("unknown fault model '" + name + "' (valid: " + valid + ")");
}

std::vector<std::string> FaultModelRegistry::names() const
{
    std::vector<std::string> result;
    for (const auto& entry : m_factories)
        result.push_back(entry.first);
    return result;
}

const FaultModelRegistry& FaultModelRegistry::builtIn()
{
    static const FaultModelRegistry registry = [] {
        FaultModelRegistry built;
        registerBuiltInFaultModels(built);
        return built;
    }();
    return registry;
}

void registerBuiltInFaultModels(FaultModelRegistry& registry)
{
    registry.add("none", [] { return std::make_shared<const impl::NoFaultModel>(); });
    registry.add("random", [] { return std::make_shared<const impl::StatisticalFaultModel>(FaultEffect::Flip); });
    registry.add("stuck_at", [] { return std::make_shared<const impl::StatisticalFaultModel>(FaultEffect::Stuck); });
    registry.add("map", [] { return std::make_shared<const impl::MapFaultModel>(); });
}

} // namespace voltsim::memory
