#include "voltsim/memory/ClusteringCalibration.hpp"

#include "voltsim/common/Error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

namespace voltsim::memory {
namespace {

/// Faulty cells per line (key: array, line index), for the cells faulty at `voltageMv`.
using LineCounts = std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t>;

/// Share of `faulty` cells whose line holds at least one other faulty cell.
double sharingShare(const LineCounts& counts, std::uint64_t faulty)
{
    if (faulty == 0)
        return 0.0;
    std::uint64_t sharing = 0;
    for (const auto& entry : counts)
        if (entry.second > 1)
            sharing += entry.second;
    return static_cast<double>(sharing) / static_cast<double>(faulty);
}

/// share x factor <= 1 exactly (the profile validator's rule), factor as close to 1 / share as that allows.
double factorFor(double share)
{
    double factor = 1.0 / share;
    while (share * factor > 1.0)
        factor = std::nextafter(factor, 0.0);
    return factor;
}

std::string describe(const MapClusterStats& stats, const FaultMap& map, const Clustering& clustering)
{
    const double rate = stats.rate();
    std::ostringstream out;
    out << stats.faults << " of " << stats.cells << " cells faulty at " << stats.voltageMv << " mV ("
        << stats.stuckAt0 << " stuck at 0); " << stats.rowSharing
        << " of them share a row with another (uniform random: "
        << expectedLineSharing(rate, map.columns, 1.0) << "), " << stats.columnSharing
        << " a column (uniform random: " << expectedLineSharing(rate, map.rows, 1.0) << "); ";
    const auto weak = [&](const char* lines, double share) {
        if (share == 0.0)
            out << "no weak " << lines;
        else
            out << "weak " << lines << " share " << share << " (every fault in them)";
    };
    weak("rows", clustering.weakRowShare);
    out << ", ";
    weak("columns", clustering.weakColumnShare);
    return out.str();
}

} // namespace

MapClusterStats mapClusterStats(const FaultMap& map, double voltageMv)
{
    MapClusterStats stats;
    stats.voltageMv = voltageMv;
    stats.cells = map.bits();
    LineCounts rows;
    LineCounts columns;
    for (const auto& cell : map.cells) {
        if (cell.failureMv < voltageMv)
            continue;
        ++stats.faults;
        stats.stuckAt0 += cell.stuckValue == 0 ? 1 : 0;
        ++rows[{cell.array, cell.row}];
        ++columns[{cell.array, cell.column}];
    }
    stats.rowSharing = sharingShare(rows, stats.faults);
    stats.columnSharing = sharingShare(columns, stats.faults);
    return stats;
}

double expectedLineSharing(double rate, std::uint32_t lineLength, double weakShare)
{
    return 1.0 - std::exp(-static_cast<double>(lineLength - 1) * rate / weakShare);
}

double calibrateWeakShare(double sharing, double rate, std::uint32_t lineLength, std::uint32_t lines)
{
    if (rate <= 0.0 || lineLength < 2 || sharing <= expectedLineSharing(rate, lineLength, 1.0))
        return 1.0;
    const double lowest = std::max(rate, 1.0 / static_cast<double>(lines));
    if (sharing >= 1.0)
        return std::min(1.0, lowest);
    const double share = static_cast<double>(lineLength - 1) * rate / -std::log1p(-sharing);
    return std::clamp(share, std::min(1.0, lowest), 1.0);
}

Clustering calibrateClustering(const MapClusterStats& stats, const FaultMap& map)
{
    // A weak share of 1 (every line weak) is written as no weak lines: the same rates, and the
    // profile then draws its cells exactly as one without clustering.
    const auto weakLines = [](double share) {
        return share < 1.0 ? std::pair{share, factorFor(share)} : std::pair{0.0, 1.0};
    };
    Clustering clustering;
    std::tie(clustering.weakRowShare, clustering.weakRowFactor) =
        weakLines(calibrateWeakShare(stats.rowSharing, stats.rate(), map.columns, map.rows));
    std::tie(clustering.weakColumnShare, clustering.weakColumnFactor) =
        weakLines(calibrateWeakShare(stats.columnSharing, stats.rate(), map.rows, map.columns));
    return clustering;
}

SramProfile calibrateOnMap(const SramProfile& measured, const SramProfile& base,
                           std::optional<double> voltageMv, const std::string& name)
{
    if (!measured.faultMap)
        throw InputError(measured.file + ": profile " + measured.name +
                         " has no fault_map to calibrate on (import one with 'voltsim profile import')");
    const FaultMap& map = *measured.faultMap;
    const MapClusterStats stats = mapClusterStats(map, voltageMv.value_or(map.measuredMv.back()));
    if (stats.faults == 0)
        throw InputError(measured.file + ": profile " + measured.name + " has no faulty cells at " +
                         std::to_string(stats.voltageMv) + " mV to calibrate on");
    SramProfile profile = base;
    profile.name = name;
    profile.faultMap.reset();
    profile.faultSemantics = "stuck_at";
    profile.stuckAt0Share = static_cast<double>(stats.stuckAt0) / static_cast<double>(stats.faults);
    profile.clustering = calibrateClustering(stats, map);
    profile.source = "calibrated by 'voltsim profile calibrate' on the measured map of " + measured.name +
                     " (" + measured.file + "): " + describe(stats, map, profile.clustering) +
                     ". Curve, geometry and energy from " + base.name + ": " + base.source;
    // Round trip through the validator: what is written is what loadProfile accepts.
    return parseProfile(profileToJson(profile), name);
}

} // namespace voltsim::memory
