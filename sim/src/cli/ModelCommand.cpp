#include "voltsim/sim/cli/Commands.hpp"

#include "voltsim/common/Error.hpp"

namespace voltsim::sim {

int runModelCommand(const Args& /*args*/)
{
    throw NotImplementedError("'voltsim model' is not built yet");
}

} // namespace voltsim::sim
