#include "ProfileCurves.hpp"

#include "voltsim/common/Error.hpp"

#include <cmath>
#include <sstream>

namespace voltsim::memory {
namespace {

/// Index of the first point at or below `voltageMv` (points descending; caller ensures it exists).
std::size_t lowerNeighbour(const std::vector<CurvePoint>& points, double voltageMv)
{
    std::size_t i = 0;
    while (points[i].voltageMv > voltageMv)
        ++i;
    return i;
}

} // namespace

double interpolateRate(const std::vector<CurvePoint>& points, double vMinMv, double voltageMv,
                       Interpolation interpolation)
{
    const std::size_t i = lowerNeighbour(points, voltageMv);
    const CurvePoint lower = points[i];
    if (lower.voltageMv == voltageMv || interpolation == Interpolation::Worse)
        return lower.value;
    const CurvePoint upper = i > 0 ? points[i - 1] : CurvePoint{vMinMv, 0.0};
    if (upper.value <= 0.0)
        return lower.value;
    const double t = (upper.voltageMv - voltageMv) / (upper.voltageMv - lower.voltageMv);
    return std::exp(std::log(upper.value) + t * (std::log(lower.value) - std::log(upper.value)));
}

double interpolateLinear(const std::vector<CurvePoint>& points, double voltageMv, const std::string& what)
{
    if (!(voltageMv <= points.front().voltageMv && voltageMv >= points.back().voltageMv)) {
        std::ostringstream message;
        message << what << ": voltage " << voltageMv << " mV outside the table [" << points.back().voltageMv
                << ", " << points.front().voltageMv << "] mV (no extrapolation)";
        throw InputError(message.str());
    }
    const std::size_t i = lowerNeighbour(points, voltageMv);
    if (points[i].voltageMv == voltageMv)
        return points[i].value;
    const CurvePoint& upper = points[i - 1];
    const CurvePoint& lower = points[i];
    const double t = (upper.voltageMv - voltageMv) / (upper.voltageMv - lower.voltageMv);
    return upper.value + t * (lower.value - upper.value);
}

} // namespace voltsim::memory
