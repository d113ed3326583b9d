#include "voltsim/sim/cli/Commands.hpp"

#include "voltsim/common/Error.hpp"

namespace voltsim::sim {

int runRunCommand(const Args& /*args*/)
{
    throw NotImplementedError("'voltsim run' is not built yet");
}

} // namespace voltsim::sim
