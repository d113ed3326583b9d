#include "voltsim/sim/engine/RErrStats.hpp"

#include <algorithm>
#include <cmath>

namespace voltsim::sim {

RErrStats summarizeChips(const PointOutcome& outcome)
{
    RErrStats stats;
    if (outcome.images == 0 || outcome.chips.empty())
        return stats;
    const double images = static_cast<double>(outcome.images);
    const double chips = static_cast<double>(outcome.chips.size());
    stats.err = static_cast<double>(outcome.cleanErrors) / images;
    stats.rerrMin = 1.0;
    double sum = 0;
    double flips = 0;
    for (const auto& chip : outcome.chips) {
        const double rerr = static_cast<double>(chip.errors) / images;
        sum += rerr;
        flips += static_cast<double>(chip.flips);
        stats.rerrMin = std::min(stats.rerrMin, rerr);
        stats.rerrMax = std::max(stats.rerrMax, rerr);
    }
    stats.rerrMean = sum / chips;
    double squares = 0;
    for (const auto& chip : outcome.chips) {
        const double deviation = static_cast<double>(chip.errors) / images - stats.rerrMean;
        squares += deviation * deviation;
    }
    stats.rerrStd = std::sqrt(squares / chips);
    stats.flipsMean = flips / chips;
    stats.berSeen = outcome.storedBits == 0 ? 0.0 : stats.flipsMean / static_cast<double>(outcome.storedBits);
    return stats;
}

} // namespace voltsim::sim
