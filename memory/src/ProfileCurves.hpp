#pragma once
// Interpolation on profile curves (points sorted by strictly descending voltage).
#include "voltsim/memory/SramProfile.hpp"

#include <string>
#include <vector>

namespace voltsim::memory {

/// Rate at `voltageMv`, where vMinMv > voltageMv >= points.back().voltageMv. Worse: the value of the
/// nearest point at or below the voltage. LogLinear: log(rate) linear in voltage between the two
/// neighbours (V_min counts as a point of rate 0); a segment whose upper end has rate 0 falls back
/// to the worse neighbour.
double interpolateRate(const std::vector<CurvePoint>& points, double vMinMv, double voltageMv,
                       Interpolation interpolation);

/// Value at `voltageMv` by linear interpolation; throws InputError naming `what` outside the table.
double interpolateLinear(const std::vector<CurvePoint>& points, double voltageMv, const std::string& what);

} // namespace voltsim::memory
