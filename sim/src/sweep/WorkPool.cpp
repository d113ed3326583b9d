#include "voltsim/sim/sweep/IWorkPool.hpp"

#include "voltsim/common/Error.hpp"

#include <cstdlib>
#include <string>

namespace voltsim::sim {
namespace {

/// The value of `name` as a count, or nullopt if unset or not a plain number.
std::optional<std::size_t> countVariable(const char* name)
{
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0')
        return std::nullopt;
    const std::string text = value;
    if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return static_cast<std::size_t>(std::stoul(text));
}

} // namespace

std::optional<MpiLaunch> mpiLaunch()
{
    const std::pair<const char*, const char*> launchers[] = {{"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"},
                                                             {"PMI_SIZE", "PMI_RANK"}};
    for (const auto& [sizeName, rankName] : launchers) {
        const std::optional<std::size_t> size = countVariable(sizeName);
        if (!size || *size == 0)
            continue;
        return MpiLaunch{*size, countVariable(rankName).value_or(0), sizeName};
    }
    return std::nullopt;
}

void requireOneProcess(const std::string& command)
{
    const std::optional<MpiLaunch> launch = mpiLaunch();
    if (!launch || launch->size == 1)
        return;
    if (launch->rank != 0)
        std::exit(2); // rank 0 alone prints the error line; nothing has started here yet
    throw InputError("voltsim " + command + ": launched as " + std::to_string(launch->size) + " MPI ranks (" +
                     launch->variable + "); only voltsim sweep shares its work over ranks: start voltsim " +
                     command + " as one process");
}

} // namespace voltsim::sim
