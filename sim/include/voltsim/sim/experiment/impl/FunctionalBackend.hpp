#pragma once
// The functional back-end: chips built once (ChipPool) and the FunctionalEvaluator of the current
// model (clean inference and prefix cache kept between calls); counts from one counted SystemC
// run per model and image count (countInference).
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"

#include <map>
#include <memory>
#include <utility>

namespace voltsim::sim {

class FunctionalBackend : public IBackend {
  public:
    explicit FunctionalBackend(BackendOptions options);

    const char* name() const override { return "functional"; }
    PointOutcome evaluate(const Experiment& experiment) override;

  private:
    /// The evaluator of the experiment's model, images and accelerator (rebuilt when they change;
    /// objects are told apart by address, so they must stay put while the back-end lives).
    const FunctionalEvaluator& evaluator(const Experiment& experiment);
    /// The chips of the experiment's profile and chip options (rebuilt when they change).
    ChipPool& pool(const Experiment& experiment);
    const models::AcceleratorStats& counts(const Experiment& experiment);
    /// The reference run of the chip of `seed` at V_nom (without logits), evaluated once.
    const ChipOutcome& clean(const Experiment& experiment, std::uint64_t seed);
    /// The buffer cells of the experiment's accelerator and model (rebuilt with the evaluator).
    BufferCells& bufferCells(const Experiment& experiment);
    /// A chip read at `point` with every image inferred (the stored tensors through `activations`,
    /// null: none): logits, errors and robust errors.
    ChipOutcome inferChip(const Experiment& experiment, memory::SramChip& chip,
                          const memory::OperatingPoint& point, const workloads::TensorFaults* activations);

    BackendOptions m_options;
    std::unique_ptr<FunctionalEvaluator> m_evaluator;
    const workloads::ModelPackage* m_evaluatorModel = nullptr;
    const RunConfig* m_evaluatorConfig = nullptr;
    ImageSet m_evaluatorImages;
    std::unique_ptr<BufferCells> m_bufferCells; ///< of the evaluator's model and accelerator
    std::unique_ptr<ChipPool> m_pool;
    const RunConfig* m_poolConfig = nullptr;
    using CountsKey = std::pair<const workloads::ModelPackage*, std::size_t>; ///< model, images
    std::map<CountsKey, models::AcceleratorStats> m_counts;
    std::map<std::uint64_t, ChipOutcome> m_clean; ///< reference runs of the current evaluator, by seed
};

} // namespace voltsim::sim
