#include "MapFaultModel.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

namespace voltsim::memory::impl {
namespace {

const FaultMap& requireMap(const SramProfile& profile)
{
    if (!profile.faultMap)
        throw InputError("fault model 'map' needs a profile with a fault_map; profile " + profile.name +
                         " (" + profile.file + ") has none");
    return *profile.faultMap;
}

/// Cyclic shift of the map's arrays, rows and columns (all 0: the map as measured).
struct MapShift {
    std::uint32_t arrays = 0;
    std::uint32_t rows = 0;
    std::uint32_t columns = 0;
};

/// The shift of bank `bank` of chip `chipSeed`: three raw outputs of Xoshiro256(bankSeed(chipSeed,
/// bank)), each modulo the map's extent (bias below 2^-40 for extents below 2^24).
MapShift placementShift(const FaultMap& map, std::uint64_t chipSeed, std::uint32_t bank)
{
    if (map.placement == MapPlacement::AsMeasured)
        return {};
    Xoshiro256 stream(bankSeed(chipSeed, bank));
    MapShift shift;
    shift.arrays = static_cast<std::uint32_t>(stream.next() % map.arrays);
    shift.rows = static_cast<std::uint32_t>(stream.next() % map.rows);
    shift.columns = static_cast<std::uint32_t>(stream.next() % map.columns);
    return shift;
}

/// Index of `cell`, moved by `shift`, in the map's array-major, row-major bit order.
std::uint64_t shiftedMapBit(const FaultMap& map, const MeasuredCell& cell, const MapShift& shift)
{
    const std::uint64_t array = (cell.array + shift.arrays) % map.arrays;
    const std::uint64_t row = (std::uint64_t{cell.row} + shift.rows) % map.rows;
    const std::uint64_t column = (std::uint64_t{cell.column} + shift.columns) % map.columns;
    return array * map.bitsPerArray() + row * map.columns + column;
}

} // namespace

std::vector<FaultCell> MapFaultModel::drawBank(const SramProfile& profile, const ChipGeometry& geometry,
                                               std::uint32_t bank, std::uint64_t chipSeed) const
{
    const FaultMap& map = requireMap(profile);
    const std::uint64_t mapBits = map.bits();
    const std::uint64_t bankBits = geometry.bank.bits();
    const std::uint64_t begin = bank * bankBits;
    const MapShift shift = placementShift(map, chipSeed, bank);
    std::vector<FaultCell> cells;
    for (const auto& cell : map.cells) {
        const std::uint64_t mapBit = shiftedMapBit(map, cell, shift);
        // First chip bit >= begin that lands on this map bit, then every repetition inside the bank.
        for (std::uint64_t bit = begin + (mapBit + mapBits - begin % mapBits) % mapBits;
             bit < begin + bankBits; bit += mapBits)
            cells.push_back({-cell.failureMv, static_cast<std::uint32_t>(bit - begin), cell.stuckValue});
    }
    std::sort(cells.begin(), cells.end(),
              [](const FaultCell& a, const FaultCell& b) { return a.bit < b.bit; });
    return cells;
}

double MapFaultModel::thresholdForVoltage(const SramProfile& profile, double voltageMv) const
{
    const FaultMap& map = requireMap(profile);
    if (voltageMv >= profile.vMinMv)
        return -std::numeric_limits<double>::infinity();
    if (voltageMv < map.measuredMv.back()) {
        std::ostringstream message;
        message << "voltage " << voltageMv << " mV is outside the measured range [" << map.measuredMv.back()
                << ", " << profile.vMinMv << "] mV of fault map profile " << profile.name << " ("
                << profile.file << ")";
        throw InputError(message.str());
    }
    const auto lower = std::find_if(map.measuredMv.begin(), map.measuredMv.end(),
                                    [&](double measured) { return measured <= voltageMv; });
    return -*lower;
}

double MapFaultModel::thresholdForRate(const SramProfile& profile, double /*ber*/) const
{
    throw InputError("fault model 'map' has no bit error rate axis (profile " + profile.name +
                     "): use a voltage, or the 'random' model for --ber");
}

} // namespace voltsim::memory::impl
