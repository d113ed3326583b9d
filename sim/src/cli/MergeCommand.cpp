#include "voltsim/sim/cli/Commands.hpp"

#include "voltsim/common/Error.hpp"

namespace voltsim::sim {

int runMergeCommand(const Args& /*args*/)
{
    throw NotImplementedError("'voltsim merge' is not built yet");
}

} // namespace voltsim::sim
