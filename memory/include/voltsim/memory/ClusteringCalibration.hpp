#pragma once
// Calibrating a statistical profile on a measured fault map (docs/profiles.md, "Calibrating on a
// measured map"): how clustered the map's faults are in rows and columns, its stuck-at-0 share,
// and the clustering whose expected statistics match.
#include "voltsim/memory/SramProfile.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace voltsim::memory {

/// Spatial statistics of a measured map's cells faulty at one voltage.
struct MapClusterStats {
    double voltageMv = 0.0;
    std::uint64_t cells = 0;  ///< bit cells of the map
    std::uint64_t faults = 0; ///< of them, faulty at the voltage
    std::uint64_t stuckAt0 = 0;
    /// Share of faulty cells with another faulty cell in the same row (column) of the same array;
    /// 0 without faults.
    double rowSharing = 0.0;
    double columnSharing = 0.0;

    double rate() const
    {
        return cells == 0 ? 0.0 : static_cast<double>(faults) / static_cast<double>(cells);
    }
};

/// The statistics of `map` at `voltageMv` (a cell is faulty when its failure voltage >= voltageMv).
MapClusterStats mapClusterStats(const FaultMap& map, double voltageMv);

/// Expected share of faulty cells sharing their line (row or column) of `lineLength` cells with
/// another faulty cell when every fault lies in a weak line, a share `weakShare` of the lines, at
/// mean rate `rate`: the other cells of a faulty cell's line hold Poisson((lineLength - 1) x rate /
/// weakShare) faults, so 1 - exp(-(lineLength - 1) x rate / weakShare). weakShare 1 is the
/// unclustered (uniform random) expectation.
double expectedLineSharing(double rate, std::uint32_t lineLength, double weakShare);

/// The weak share whose expectedLineSharing equals `sharing`: (lineLength - 1) x rate /
/// -ln(1 - sharing), clamped to [max(rate, 1 / lines), 1]; 1 (no clustering) when `sharing` is
/// at or below the unclustered expectation or there are no faults.
double calibrateWeakShare(double sharing, double rate, std::uint32_t lineLength, std::uint32_t lines);

/// Clustering whose weak rows and columns hold every fault (factor 1 / share, so strong lines get
/// weight 0), calibrated so the expected row and column sharing of `stats` are matched on `map`'s
/// geometry.
Clustering calibrateClustering(const MapClusterStats& stats, const FaultMap& map);

/// A statistical (`stuck_at`) profile calibrated on `measured`'s map at `voltageMv` (default: the
/// map's lowest measured voltage): `base`'s curve, geometry, energy and variation, the map's
/// stuck-at-0 share and calibrated clustering, named `name`, its source stating the measured
/// figures. InputError if `measured` has no map or no faulty cell at the voltage.
SramProfile calibrateOnMap(const SramProfile& measured, const SramProfile& base,
                           std::optional<double> voltageMv, const std::string& name);

} // namespace voltsim::memory
