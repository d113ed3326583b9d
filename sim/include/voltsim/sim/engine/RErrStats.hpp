#pragma once
// Robust test error over chips (Stutz et al. 2021): an image counts as an error if the clean OR
// the perturbed model misclassifies it; RErr of a chip is the fraction of such images, and the
// statistics run over chips.
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"

namespace voltsim::sim {

/// Fractions in [0, 1]; flips are bits per chip.
struct RErrStats {
    double err = 0;       ///< clean test error
    double rerrMean = 0;  ///< mean over chips
    double rerrStd = 0;   ///< population standard deviation over chips (divides by the chip count)
    double rerrMin = 0;
    double rerrMax = 0;
    double flipsMean = 0; ///< mean flipped weight-code bits per chip
    double berSeen = 0;   ///< flipsMean / stored weight-code bits
};

/// Statistics of `outcome`; every field is 0 when it has no chips or no images.
RErrStats summarizeChips(const PointOutcome& outcome);

} // namespace voltsim::sim
