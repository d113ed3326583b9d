#include "voltsim/common/Error.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"
#include "voltsim/sim/experiment/impl/FunctionalBackend.hpp"

#include <utility>

namespace voltsim::sim {

const char* backendNames()
{
    return "systemc, functional";
}

std::unique_ptr<IBackend> makeBackend(const std::string& name, const std::string& where,
                                      BackendOptions options)
{
    if (name == "systemc")
        return std::make_unique<AcceleratorBackend>();
    if (name == "functional")
        return std::make_unique<FunctionalBackend>(std::move(options));
    throw InputError(where + ": '" + name + "' is not a back-end (valid: " + backendNames() + ")");
}

} // namespace voltsim::sim
