#include "voltsim/sim/cli/Commands.hpp"

#include "voltsim/common/Error.hpp"

namespace voltsim::sim {

int runLayersCommand(const Args& /*args*/)
{
    throw NotImplementedError("'voltsim layers' is not built yet");
}

} // namespace voltsim::sim
