#pragma once
// What an experiment produces, whichever back-end evaluated it (docs/sweep.md, "Experiment core"):
// per chip the seed, flips, faulty cells, errors, logits and action counts; per point the chips
// and the clean reference; the RErr summary over chips, computed in one place (summarize).
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace voltsim::sim {

/// Labelled images, image after image. Not owned: the dataset must outlive every use.
struct ImageSet {
    const std::uint8_t* pixels = nullptr;     ///< count x inputSize raw pixels
    const workloads::Label* labels = nullptr; ///< count class labels
    std::size_t count = 0;
};

/// What one chip did at one operating point.
struct ChipOutcome {
    ChipOutcome() = default;
    /// The integers a sweep record keeps (points.jsonl).
    ChipOutcome(std::uint64_t seed, std::uint64_t flips, std::uint64_t faultyCells,
                std::uint64_t robustErrors)
        : seed(seed), flips(flips), faultyCells(faultyCells), robustErrors(robustErrors)
    {
    }

    std::uint64_t seed = 0; ///< chip seed (chipSeed(run seed, chip index))
    std::uint64_t flips =
        0; ///< weight-code bits that read back different from the stored ones (one read of every tensor)
    std::uint64_t faultyCells = 0;  ///< faulty cells of the whole chip at the point (SramChip::faultCounts)
    std::uint64_t robustErrors = 0; ///< images the clean OR this chip misclassifies (the RErr numerator)
    /// Images this chip misclassifies; known when every image was inferred on the chip (always on
    /// the SystemC back-end, with keepLogits on the functional one).
    std::optional<std::uint64_t> errors;
    double ber = 0;                   ///< the chip's configured bit error rate at the point
    std::vector<std::int32_t> logits; ///< images x classes, when the experiment keeps them
    /// The action counts behind the energy figures, over counts.host.images images (the functional
    /// back-end reports the counted inference of one image). Energy is priced per inference
    /// (EnergyPricer::perInference), so both back-ends price alike.
    models::AcceleratorStats counts;
    double wallSeconds = 0; ///< host wall-clock time (informative, never in result files)
};

/// One model at one operating point over several chips.
struct PointOutcome {
    std::uint64_t images = 0;
    std::uint64_t cleanErrors = 0;  ///< images the fault-free model gets wrong
    std::uint64_t storedBits = 0;   ///< weight-code bits held in the SRAM (sum of count * bits)
    double ber = 0;                 ///< the chips' bit error rate at the point (profile p(V) or set)
    std::vector<ChipOutcome> chips; ///< in the order of the seeds given
    /// The fault-free reference run (weight SRAM at V_nom); a sweep record keeps only its errors
    /// (cleanErrors).
    ChipOutcome clean;
};

/// RErr statistics over chips (Stutz et al. 2021): an image counts as an error if the clean OR the
/// perturbed model misclassifies it. Fractions in [0, 1].
struct RErrSummary {
    double err = 0;      ///< clean test error
    double rerrMean = 0; ///< mean over chips
    double rerrStd = 0;  ///< population standard deviation over chips (divides by the chip count)
    double rerrMin = 0;
    double rerrMax = 0;
    double flipsMean = 0; ///< mean flipped weight-code bits per chip
    double berSeen = 0;   ///< mean over chips of flips / stored weight-code bits
};

/// RErr of one chip: robustErrors / images.
double chipRErr(const ChipOutcome& chip, std::uint64_t images);

/// The statistics of `outcome`; every field is 0 when it has no chips or no images.
RErrSummary summarize(const PointOutcome& outcome);

} // namespace voltsim::sim
