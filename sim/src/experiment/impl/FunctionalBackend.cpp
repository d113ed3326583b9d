#include "voltsim/sim/experiment/impl/FunctionalBackend.hpp"

#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <utility>

namespace voltsim::sim {
FunctionalBackend::FunctionalBackend(BackendOptions options) : m_options(std::move(options)) {}

const FunctionalEvaluator& FunctionalBackend::evaluator(const Experiment& experiment)
{
    const bool same = m_evaluator && m_evaluatorModel == experiment.model &&
                      m_evaluatorConfig == experiment.accelerator &&
                      m_evaluatorImages.pixels == experiment.images.pixels &&
                      m_evaluatorImages.count == experiment.images.count;
    if (!same) {
        m_evaluator.reset();
        m_bufferCells.reset();
        m_evaluator = std::make_unique<FunctionalEvaluator>(
            *experiment.model, experiment.images, experiment.accelerator->accelerator.weightSram.layout,
            m_options.threads);
        m_evaluatorModel = experiment.model;
        m_evaluatorConfig = experiment.accelerator;
        m_evaluatorImages = experiment.images;
        m_clean.clear();
    }
    return *m_evaluator;
}

BufferCells& FunctionalBackend::bufferCells(const Experiment& experiment)
{
    evaluator(experiment);
    if (!m_bufferCells)
        m_bufferCells =
            std::make_unique<BufferCells>(experiment.accelerator->accelerator, experiment.model->network);
    return *m_bufferCells;
}

ChipPool& FunctionalBackend::pool(const Experiment& experiment)
{
    if (!m_pool || m_poolConfig != experiment.accelerator) {
        const models::WeightSramSpecs& sram = experiment.accelerator->accelerator.weightSram;
        m_pool = std::make_unique<ChipPool>(sram.profile, sram.chip);
        m_poolConfig = experiment.accelerator;
        m_clean.clear();
    }
    return *m_pool;
}

const models::AcceleratorStats& FunctionalBackend::counts(const Experiment& experiment)
{
    if (m_options.counts)
        return m_options.counts(experiment);
    const CountsKey key{experiment.model, experiment.images.count};
    auto found = m_counts.find(key);
    if (found == m_counts.end())
        found = m_counts
                    .emplace(key, countInference(*experiment.accelerator, *experiment.model,
                                                 experiment.images.count))
                    .first;
    return found->second;
}

const ChipOutcome& FunctionalBackend::clean(const Experiment& experiment, std::uint64_t seed)
{
    auto found = m_clean.find(seed);
    if (found == m_clean.end()) {
        ChipOutcome outcome =
            evaluator(experiment)
                .evaluateChip(pool(experiment).chip(seed), memory::OperatingPoint::nominal());
        found = m_clean.emplace(seed, std::move(outcome)).first;
    }
    return found->second;
}

ChipOutcome FunctionalBackend::inferChip(const Experiment& experiment, memory::SramChip& chip,
                                         const memory::OperatingPoint& point,
                                         const workloads::TensorFaults* activations)
{
    const FunctionalEvaluator& engine = evaluator(experiment);
    ChipOutcome outcome = engine.evaluateChip(chip, point, activations);
    outcome.logits = engine.logits(engine.faultyCodes(chip, point), activations);
    const auto classes = static_cast<std::size_t>(experiment.model->network.dataset.numClasses);
    std::uint64_t errors = 0;
    for (std::size_t i = 0; i < experiment.images.count; ++i)
        errors += workloads::argmaxLowest(outcome.logits.data() + i * classes, classes) !=
                  experiment.images.labels[i];
    outcome.errors = errors;
    return outcome;
}

PointOutcome FunctionalBackend::evaluate(const Experiment& experiment)
{
    const FunctionalEvaluator& engine = evaluator(experiment);
    ChipPool& chips = pool(experiment);
    const models::AcceleratorStats& counts = this->counts(experiment);

    PointOutcome outcome;
    outcome.images = experiment.images.count;
    outcome.cleanErrors = engine.cleanErrors();
    outcome.storedBits = engine.storedBits();
    // The reference run has every SRAM at V_nom: no faulty cell anywhere.
    outcome.clean = experiment.keepLogits ? inferChip(experiment, chips.chip(experiment.cleanSeed),
                                                      memory::OperatingPoint::nominal(), nullptr)
                                          : clean(experiment, experiment.cleanSeed);
    // As on the accelerator: the reference run's errors are the clean errors; it has no robust errors of its
    // own.
    outcome.clean.errors = engine.cleanErrors();
    outcome.clean.robustErrors = 0;
    outcome.clean.counts = counts;
    for (const std::uint64_t seed : experiment.chipSeeds) {
        memory::SramChip& chip = chips.chip(seed);
        const workloads::TensorFaults activations = bufferCells(experiment).faults(seed, experiment.point);
        ChipOutcome one = experiment.keepLogits ? inferChip(experiment, chip, experiment.point, &activations)
                                                : engine.evaluateChip(chip, experiment.point, &activations);
        one.counts = counts;
        outcome.ber = one.ber;
        outcome.chips.push_back(std::move(one));
    }
    return outcome;
}

} // namespace voltsim::sim
