#include "voltsim/sim/experiment/Outcome.hpp"

#include <algorithm>
#include <cmath>

namespace voltsim::sim {

double chipRErr(const ChipOutcome& chip, std::uint64_t images)
{
    return static_cast<double>(chip.robustErrors) / static_cast<double>(images);
}

RErrSummary summarize(const PointOutcome& outcome)
{
    RErrSummary summary;
    if (outcome.images == 0 || outcome.chips.empty())
        return summary;
    const double chips = static_cast<double>(outcome.chips.size());
    summary.err = static_cast<double>(outcome.cleanErrors) / static_cast<double>(outcome.images);
    summary.rerrMin = 1.0;
    double sum = 0;
    double flips = 0;
    double berSeen = 0;
    for (const ChipOutcome& chip : outcome.chips) {
        const double rerr = chipRErr(chip, outcome.images);
        sum += rerr;
        flips += static_cast<double>(chip.flips);
        if (outcome.storedBits > 0)
            berSeen += static_cast<double>(chip.flips) / static_cast<double>(outcome.storedBits);
        summary.rerrMin = std::min(summary.rerrMin, rerr);
        summary.rerrMax = std::max(summary.rerrMax, rerr);
    }
    summary.rerrMean = sum / chips;
    double squares = 0;
    for (const ChipOutcome& chip : outcome.chips) {
        const double deviation = chipRErr(chip, outcome.images) - summary.rerrMean;
        squares += deviation * deviation;
    }
    summary.rerrStd = std::sqrt(squares / chips);
    summary.flipsMean = flips / chips;
    summary.berSeen = berSeen / chips;
    return summary;
}

} // namespace voltsim::sim
