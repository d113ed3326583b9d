#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"
#include "voltsim/sim/experiment/impl/FunctionalBackend.hpp"

#include <utility>

namespace voltsim::sim {

const Backends& backends()
{
    return Backends::builtIn("back-end", registerBackends);
}

void registerBackends(Backends& registry)
{
    registry.add("systemc", "the SystemC accelerator: timing, counts, fast or cycle mode (default of run)",
                 [](const BackendOptions&) { return std::make_unique<AcceleratorBackend>(); });
    registry.add("functional",
                 "the functional engine: the same faulty codes and logits, no time (default of sweep)",
                 [](const BackendOptions& options) { return std::make_unique<FunctionalBackend>(options); });
}

std::unique_ptr<IBackend> makeBackend(const std::string& name, const std::string& where,
                                      BackendOptions options)
{
    return backends().create(name, where, std::move(options));
}

} // namespace voltsim::sim
