#include "voltsim/sim/cli/Commands.hpp"

#include "voltsim/common/Error.hpp"

namespace voltsim::sim {

int runSweepCommand(const Args& /*args*/)
{
    throw NotImplementedError("'voltsim sweep' is not built yet");
}

} // namespace voltsim::sim
