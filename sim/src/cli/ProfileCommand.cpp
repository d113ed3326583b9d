#include "voltsim/sim/cli/Commands.hpp"

#include "voltsim/common/Error.hpp"

namespace voltsim::sim {

int runProfileCommand(const Args& /*args*/)
{
    throw NotImplementedError("'voltsim profile' is not built yet");
}

} // namespace voltsim::sim
