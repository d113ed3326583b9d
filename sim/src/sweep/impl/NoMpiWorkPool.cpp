// makeWorkPool of a build without MPI (VOLTSIM_MPI=OFF, or no MPI found at configure time): every
// sweep runs in one process; launched as several MPI ranks, rank 0 says so in one line.
#include "voltsim/sim/sweep/IWorkPool.hpp"
#include "voltsim/sim/sweep/impl/LocalWorkPool.hpp"

#include "voltsim/common/Error.hpp"

#include <cstdlib>

namespace voltsim::sim {

std::unique_ptr<IWorkPool> makeWorkPool()
{
    const std::optional<MpiLaunch> launch = mpiLaunch();
    if (launch && launch->size > 1) {
        if (launch->rank != 0)
            std::exit(2); // rank 0 alone prints the error line; nothing has started here yet
        throw InputError("launched as " + std::to_string(launch->size) + " MPI ranks (" + launch->variable +
                         "), but this voltsim was built without MPI: configure it with -DVOLTSIM_MPI=ON "
                         "(Debian: libopenmpi-dev; docs/cluster.md) or run one process");
    }
    return std::make_unique<LocalWorkPool>();
}

} // namespace voltsim::sim
