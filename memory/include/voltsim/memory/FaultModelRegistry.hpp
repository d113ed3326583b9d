#pragma once
// Fault models by name. Registration is explicit (registerBuiltInFaultModels), never static
// self-registration, which the linker would drop from a static library.
#include "voltsim/memory/IFaultModel.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::memory {

class FaultModelRegistry {
public:
    using Factory = std::function<std::shared_ptr<const IFaultModel>()>;

    /// Adds a model; throws std::invalid_argument if `name` is taken.
    void add(const std::string& name, Factory factory);

    /// Creates the model `name`; InputError listing the valid names if unknown.
    std::shared_ptr<const IFaultModel> create(const std::string& name) const;

    /// Registered names, sorted.
    std::vector<std::string> names() const;

    /// The process-wide registry holding the built-in models (created on first use).
    static const FaultModelRegistry& builtIn();

private:
    std::map<std::string, Factory> m_factories;
};

/// Registers `none`, `random`, `stuck_at` and `map`.
void registerBuiltInFaultModels(FaultModelRegistry& registry);

} // namespace voltsim::memory
