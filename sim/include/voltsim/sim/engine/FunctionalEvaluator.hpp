#pragma once
// The functional evaluation engine: accuracy of one model on simulated faulty chips.
//
// For each chip: SramChip at the operating point -> WeightMemory::readBack(models::weightTensors):
// every tile of the placement policy's plan written and read back through the faulty read path at
// its addresses (the calls the SystemC weight SRAM serves) -> IntegerReference on the images ->
// predictions.
// Persistent faults make every read of a word return the same value, so this equals what the
// SystemC accelerator computes with the same chip, bit for bit (docs/sweep.md, "What is computed";
// docs/accelerator.md, "Batching and fault semantics").
#include "voltsim/memory/BufferSram.hpp"
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/WeightMemory.hpp"
#include "voltsim/models/accelerator/ActivationMap.hpp"
#include "voltsim/sim/experiment/Outcome.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::sim {

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

/// The activation and accumulator SRAM cells of chips by seed (drawn once per seed and buffer) of
/// one accelerator, and the faulty bytes and words they put under a network's tensors and
/// accumulators (the same cells and maps as the SystemC buffers': models::bufferCellsAt,
/// models::planActivations, models::accumulatorFaults). Not thread-safe.
class BufferCells {
  public:
    /// `specs` is copied; `network` must outlive the object. InputError as planActivations.
    BufferCells(const models::AcceleratorSpecs& specs, const workloads::Network& network);

    /// The faulty bytes under every tensor and the faulty accumulators of every layer for chip
    /// `seed` with the weight SRAM at `weightPoint` (each buffer at its rail's point); without
    /// faults (any() false) when no cell fails there.
    workloads::TensorFaults faults(std::uint64_t seed, const memory::OperatingPoint& weightPoint);

  private:
    /// The cells of buffer `name` of chip `seed` at `point` (drawn on first use), or null if none fails.
    const memory::BufferSram* cells(const models::BufferSpecs& buffer, const std::string& name,
                                    std::uint64_t seed, const memory::OperatingPoint& weightPoint);

    models::AcceleratorSpecs m_specs;
    const workloads::Network& m_network;
    models::ActivationMap m_map;
    std::map<std::pair<std::string, std::uint64_t>, std::unique_ptr<memory::BufferSram>> m_cells;
};

/// The codes `chip` returns at `point` for `package`: its weight tensors `tensors`
/// (models::weightTensors(package)) placed by `layout`, every tile written and read back through the
/// faulty read path and decoded through the layout's protection. The blob layout of the package
/// (one code per byte). The one read-back of the functional engine and the Python module
/// (docs/python.md). `bitsReadWrong`, when given, receives the stored bits (check bits included)
/// the cells returned wrong: the accelerator's weight_bits_flipped, before any correction.
std::vector<std::uint8_t> readBackCodes(const workloads::ModelPackage& package,
                                        const std::vector<memory::CodeTensorView>& tensors,
                                        const memory::WeightLayoutConfig& layout, memory::SramChip& chip,
                                        const memory::OperatingPoint& point,
                                        std::uint64_t* bitsReadWrong = nullptr);

/// Bits that differ between codes @p a and @p b (equal sizes): a chip's flips against the stored codes.
std::uint64_t differingBits(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b);

/// How FunctionalEvaluator uses incremental inference (docs/sweep.md, "Incremental inference").
struct IncrementalOptions {
    enum class Policy {
        Auto,   ///< per chip, incremental where the measured cost model says it is cheaper than dense
        Always, ///< wherever the first changed layer's clean accumulators are kept (for tests)
        Never   ///< dense from the first changed layer (no accumulators kept)
    };
    Policy policy = Policy::Auto;
    /// Bytes of clean accumulators kept at most (layers chosen from the last one backwards).
    std::size_t budgetBytes = std::size_t{512} << 20;
};

/// Evaluates one model on chips. Results depend only on the model, images, profile, layout,
/// operating point and seeds, never on the thread count.
class FunctionalEvaluator {
  public:
    /// Runs the clean inference once. `package` and `images` must outlive the evaluator.
    /// @param threads inference threads (0: one per hardware thread)
    FunctionalEvaluator(const workloads::ModelPackage& package, const ImageSet& images,
                        const memory::WeightLayoutConfig& layout, unsigned threads,
                        IncrementalOptions incremental = {});

    std::uint64_t cleanErrors() const { return m_cleanErrors; }
    std::uint64_t storedBits() const { return m_storedBits; }
    /// Clean predicted class per image.
    const std::vector<int>& cleanPredictions() const { return m_cleanPredictions; }

    /// readBackCodes of the evaluator's package and layout.
    std::vector<std::uint8_t> faultyCodes(memory::SramChip& chip, const memory::OperatingPoint& point,
                                          std::uint64_t* bitsReadWrong = nullptr) const;

    /// Logits of every image with `codes` (the blob layout of the package) and the stored tensors
    /// read through `activations` (null: none): images x classes.
    std::vector<std::int32_t> logits(const std::vector<std::uint8_t>& codes,
                                     const workloads::TensorFaults* activations = nullptr) const;

    /// One chip at `point`. Identical codes give identical predictions, so a chip whose read-back
    /// codes equal the clean ones scores exactly the clean errors without inference, and codes
    /// already evaluated (the same chip at another point with the same faults, e.g. two voltages
    /// with the same tabulated rate) reuse their count. Otherwise only the images the clean model
    /// gets right are inferred again (the others count as errors under "clean OR faulty" anyway),
    /// starting at the first layer whose codes differ (see robustErrors). `activations`: the faulty
    /// bytes and words under the stored data (BufferCells::faults; null or empty: none), which rule out
    /// the shortcuts for clean codes and the cache of evaluated codes.
    /// Not thread-safe (the cache of evaluated codes).
    ChipOutcome evaluateChip(memory::SramChip& chip, const memory::OperatingPoint& point,
                             const workloads::TensorFaults* activations = nullptr) const;

    /// Images wrong under `codes` and the faulty bytes `activations` (null: none) OR the clean
    /// model (the RErr numerator for one chip). With activation or accumulator faults, inference
    /// resumes no later than the first layer that reads a faulty tensor or has a faulty accumulator
    /// (from the clean activations entering it, read through that tensor's faults) and a layer
    /// runs incrementally only if the tensor entering it has none (its faulty accumulators are
    /// recomputed after it).
    /// Prefix caching: layers before the first conv2d/linear layer whose weight or bias codes differ
    /// from the clean ones compute exactly the clean activations, so inference of the clean-correct
    /// images resumes there from the clean activations kept at construction (bit for bit the full
    /// inference; tested against it). Incremental inference: where that layer's clean accumulators
    /// are kept and the cost model favours it, the layer is its clean accumulators plus the
    /// contribution of its flipped weight codes (IntegerReference::logits with LayerAccumulators).
    /// Patched channels: otherwise, where that layer is a conv2d whose changed filters alter only
    /// their channels of the clean activations kept for a later layer (IntegerReference::
    /// patchedLayer) and the cost model favours it, inference resumes there with those channels
    /// recomputed (without activation faults only).
    std::uint64_t robustErrors(const std::vector<std::uint8_t>& codes,
                               const workloads::TensorFaults* activations = nullptr) const;

    /// Layers whose clean accumulators are kept, in layer order.
    std::vector<std::size_t> incrementalLayers() const;
    /// Bytes of clean accumulators kept (at most IncrementalOptions::budgetBytes).
    std::size_t accumulatorBytes() const { return m_accumulatorBytes; }
    /// True if robustErrors runs layer `layer` (a kept one) incrementally with `flippedCodes`
    /// differing weight codes in it.
    bool prefersIncremental(std::size_t layer, std::size_t flippedCodes) const;
    /// Conv2d layers after which robustErrors may resume with patched channels, in layer order.
    std::vector<std::size_t> patchableLayers() const;
    /// True if robustErrors resumes after conv2d `layer` (a patchable one, not run incrementally)
    /// with `changedFilters` of its filters recomputed rather than densely from it.
    bool prefersPatch(std::size_t layer, std::size_t changedFilters) const;

    /// The first conv2d/linear layer (index into the network's layers) whose weight or bias codes in
    /// `codes` differ from the package's; the layer count if none does.
    std::size_t firstChangedLayer(const std::vector<std::uint8_t>& codes) const;

  private:
    /// The clean activations entering one conv2d/linear layer for every clean-correct image.
    struct CleanInputs {
        std::size_t layer = 0;
        std::vector<std::uint8_t> activations; ///< m_correctLabels.size() rows of the layer's input size
    };

    /// A kept layer's clean accumulators and its measured costs (seconds per call on a sample):
    /// incremental costs base + perFlip * flipped codes, dense from that layer costs dense (the
    /// layers after it cost the same either way).
    struct CleanAccumulators {
        workloads::LayerAccumulators clean;
        double dense = 0, base = 0, perFlip = 0;
    };

    /// A conv2d after which inference resumes with patched channels, at layer `patched`, and its
    /// measured costs (seconds per call on a sample): resuming costs base + perChannel * changed
    /// filters, dense from the conv costs dense.
    struct PatchCosts {
        std::size_t patched = 0;
        double dense = 0, base = 0, perChannel = 0;
    };

    /// Fills m_cleanInputs (one clean pass over the clean-correct images).
    void cacheCleanInputs();
    /// Fills m_accumulators within the budget and measures their costs (policy Auto).
    void cacheCleanAccumulators();
    /// Fills m_patches (and measures their costs: policy Auto).
    void cachePatches();
    /// Measures the costs of resuming at costs.patched after conv `source.layer` on the first inputs.
    void measurePatchCosts(const workloads::LayerInputs& source, PatchCosts& costs) const;
    /// Measures `kept`'s costs on the first inputs of `inputs`.
    void measureCosts(const workloads::LayerInputs& inputs, CleanAccumulators& kept) const;
    /// The first layer that reads a tensor with faulty bytes in `activations` (a flatten passes its
    /// input's bytes on, so its readers count) or has faulty accumulators; the layer count if none.
    std::size_t firstFaultyLayer(const workloads::TensorFaults& activations) const;
    /// Weight codes of layer `layer` that differ between `codes` and the package's.
    std::size_t flippedWeightCodes(std::size_t layer, const std::vector<std::uint8_t>& codes) const;
    /// The clean-correct images' inputs to layer `layer` or, if not cached, to the latest cached
    /// layer before it (the images themselves at worst).
    workloads::LayerInputs cleanInputsUpTo(std::size_t layer) const;

    const workloads::ModelPackage& m_package;
    ImageSet m_images;
    memory::WeightLayoutConfig m_layout;
    workloads::IntegerReference m_reference;
    std::vector<memory::CodeTensorView> m_tensors;
    std::uint64_t m_storedBits = 0;
    std::vector<int> m_cleanPredictions;
    std::uint64_t m_cleanErrors = 0;
    std::vector<std::uint8_t> m_correctPixels; ///< images the clean model classifies right
    std::vector<workloads::Label> m_correctLabels;
    std::vector<CleanInputs> m_cleanInputs; ///< every conv2d/linear layer after layer 0, in layer order
    IncrementalOptions m_incremental;
    std::map<std::size_t, CleanAccumulators> m_accumulators; ///< by layer
    std::size_t m_accumulatorBytes = 0;
    std::map<std::size_t, PatchCosts> m_patches; ///< by conv2d layer
    mutable std::map<std::vector<std::uint8_t>, std::uint64_t>
        m_errorsByCodes; ///< robustErrors already computed
};

} // namespace voltsim::sim
