#pragma once
// The functional evaluation engine: accuracy of one model on simulated faulty chips.
//
// For each chip: SramChip at the operating point -> WeightMemory::load(the model's codes) ->
// readCodes() through the faulty read path -> IntegerReference on the images -> predictions.
// Persistent faults make every read of a word return the same value, so this equals what the
// SystemC accelerator computes with the same chip, bit for bit (docs/sweep.md, "What is computed";
// docs/accelerator.md, "Batching and fault semantics").
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::sim {

/// Labelled images, image after image (not owned; must outlive the evaluator).
struct LabelledImages {
    const std::uint8_t* pixels = nullptr;
    const std::uint8_t* labels = nullptr;
    std::size_t count = 0;
};

/// Chips by seed, built once (drawing every bank's cells) and reused for every model and point.
/// Not thread-safe.
class ChipPool {
public:
    /// @param options fault model (empty: the profile's fault_semantics) and geometry of every chip
    ChipPool(std::shared_ptr<const memory::SramProfile> profile, memory::ChipOptions options);

    /// The chip with `seed`, built on first use.
    memory::SramChip& chip(std::uint64_t seed);
    const memory::SramProfile& profile() const { return *m_profile; }

private:
    std::shared_ptr<const memory::SramProfile> m_profile;
    memory::ChipOptions m_options;
    std::map<std::uint64_t, std::unique_ptr<memory::SramChip>> m_chips;
};

/// What one chip did at one operating point.
struct ChipOutcome {
    std::uint64_t seed = 0;
    std::uint64_t flips = 0;       ///< weight-code bits read back different from the stored ones
    std::uint64_t faultyCells = 0; ///< faulty cells of the whole chip at the point (SramChip::faultCounts)
    std::uint64_t errors = 0;      ///< images wrong under the clean OR this chip's faulty weights
};

/// One model at one operating point over several chips.
struct PointOutcome {
    std::uint64_t images = 0;
    std::uint64_t cleanErrors = 0;  ///< images the fault-free model gets wrong
    std::uint64_t storedBits = 0;   ///< weight-code bits held in the SRAM (sum of count * bits)
    double ber = 0;                 ///< the chip's bit error rate at the point (profile p(V) or set)
    std::vector<ChipOutcome> chips; ///< in the order of the seeds given
};

/// Evaluates one model on chips. Results depend only on the model, images, profile, layout,
/// operating point and seeds, never on the thread count.
class FunctionalEvaluator {
public:
    /// Runs the clean inference once. `package` and `images` must outlive the evaluator.
    /// @param threads inference threads (0: one per hardware thread)
    FunctionalEvaluator(const workloads::ModelPackage& package, const LabelledImages& images,
                        const memory::WeightLayoutConfig& layout, unsigned threads);

    std::uint64_t cleanErrors() const { return m_cleanErrors; }
    std::uint64_t storedBits() const { return m_storedBits; }
    /// Clean predicted class per image.
    const std::vector<int>& cleanPredictions() const { return m_cleanPredictions; }

    /// The codes `chip` returns at `point`: load, then read back through the faulty read path.
    /// The blob layout of the package (one code per byte).
    std::vector<std::uint8_t> faultyCodes(memory::SramChip& chip, const memory::OperatingPoint& point) const;

    /// One chip at `point`. Identical codes give identical predictions, so a chip whose read-back
    /// codes equal the clean ones scores exactly the clean errors without inference, and codes
    /// already evaluated (the same chip at another point with the same faults, e.g. two voltages
    /// with the same tabulated rate) reuse their count. Otherwise only the images the clean model
    /// gets right are inferred again (the others count as errors under "clean OR faulty" anyway),
    /// starting at the first layer whose codes differ (see robustErrors).
    /// Not thread-safe (the cache of evaluated codes).
    ChipOutcome evaluateChip(memory::SramChip& chip, const memory::OperatingPoint& point) const;

    /// Every chip of `seeds` (from `pool`) at `point`.
    PointOutcome evaluate(ChipPool& pool, const memory::OperatingPoint& point, const std::vector<std::uint64_t>& seeds) const;

    /// Images wrong under `codes` OR the clean model (the RErr numerator for one chip).
    /// Prefix caching: layers before the first conv2d/linear layer whose weight or bias codes differ
    /// from the clean ones compute exactly the clean activations, so inference of the clean-correct
    /// images resumes there from the clean activations kept at construction (bit for bit the full
    /// inference; tested against it).
    std::uint64_t robustErrors(const std::vector<std::uint8_t>& codes) const;

    /// The first conv2d/linear layer (index into the network's layers) whose weight or bias codes in
    /// `codes` differ from the package's; the layer count if none does.
    std::size_t firstChangedLayer(const std::vector<std::uint8_t>& codes) const;

private:
    /// The clean activations entering one conv2d/linear layer for every clean-correct image.
    struct CleanInputs {
        std::size_t layer = 0;
        std::vector<std::uint8_t> activations; ///< m_correctLabels.size() rows of the layer's input size
    };

    /// Fills m_cleanInputs (one clean pass over the clean-correct images).
    void cacheCleanInputs();
    /// The clean-correct images' inputs to layer `layer` or, if not cached, to the latest cached
    /// layer before it (the images themselves at worst).
    workloads::LayerInputs cleanInputsUpTo(std::size_t layer) const;

    const workloads::ModelPackage& m_package;
    LabelledImages m_images;
    memory::WeightLayoutConfig m_layout;
    workloads::IntegerReference m_reference;
    std::vector<memory::CodeTensorView> m_tensors;
    std::vector<std::size_t> m_tensorOffsets; ///< blob offset of each of m_tensors
    std::uint64_t m_storedBits = 0;
    std::vector<int> m_cleanPredictions;
    std::uint64_t m_cleanErrors = 0;
    std::vector<std::uint8_t> m_correctPixels; ///< images the clean model classifies right
    std::vector<std::uint8_t> m_correctLabels;
    std::vector<CleanInputs> m_cleanInputs; ///< every conv2d/linear layer after layer 0, in layer order
    mutable std::map<std::vector<std::uint8_t>, std::uint64_t> m_errorsByCodes; ///< robustErrors already computed
};

} // namespace voltsim::sim
