#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"

#include "voltsim/memory/Random.hpp"
#include "voltsim/models/accelerator/Accelerator.hpp"
#include "voltsim/models/accelerator/ActivationMap.hpp"
#include "voltsim/models/accelerator/WeightTensors.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <algorithm>
#include <chrono>

namespace voltsim::sim {
namespace {

/// Weight-code bits counted by `field` (read, or read wrong) in one read of every tensor: the
/// tensors are read once per batch, and persistent faults make every batch read the same flips.
std::uint64_t perRead(const models::AcceleratorStats& stats, std::uint64_t models::LayerStats::*field)
{
    std::uint64_t bits = 0;
    for (const models::LayerStats& layer : stats.layers)
        if (layer.weightBatchReads > 0)
            bits += layer.*field / layer.weightBatchReads;
    return bits;
}

std::vector<int> predictions(const std::vector<std::int32_t>& logits, const workloads::ModelPackage& package,
                             std::size_t images)
{
    const auto classes = static_cast<std::size_t>(package.network.dataset.numClasses);
    std::vector<int> predicted;
    for (std::size_t i = 0; i < images; ++i)
        predicted.push_back(workloads::argmaxLowest(logits.data() + i * classes, classes));
    return predicted;
}

/// `config` with every rail at V_nom (the reference run and the counted run: no faulty cell).
RunConfig withNominalRails(const RunConfig& config)
{
    RunConfig nominal = config;
    for (models::RailSpecs& rail : nominal.accelerator.rails)
        rail.voltageMv.reset();
    return nominal;
}

} // namespace

ChipOutcome runChip(const RunConfig& config, const workloads::ModelPackage& package,
                    const memory::OperatingPoint& point, std::uint64_t seed, const ImageSet& images)
{
    const auto start = std::chrono::steady_clock::now();
    models::AcceleratorSpecs specs = config.accelerator;
    specs.weightSram.operatingPoint = point;
    ChipOutcome run;
    run.seed = seed;
    {
        models::SimContextScope context;
        models::Accelerator accelerator("accelerator", specs, package, seed);
        run.logits = accelerator.run(images.pixels, images.count);
        run.counts = accelerator.stats();
        run.ber = accelerator.weightSram().chip().bitErrorRate();
        run.faultyCells = accelerator.weightSram().chip().faultCounts().faultyCells;
    }
    run.flips = perRead(run.counts, &models::LayerStats::weightBitsFlipped);
    const std::vector<int> predicted = predictions(run.logits, package, images.count);
    std::uint64_t errors = 0;
    for (std::size_t i = 0; i < images.count; ++i)
        errors += predicted[i] != images.labels[i];
    run.errors = errors;
    run.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

bool weightsStreamed(const RunConfig& config, const workloads::ModelPackage& package)
{
    const models::WeightSramSpecs& sram = config.accelerator.weightSram;
    const memory::WeightLayout layout(sram.chip.geometry, sram.layout);
    return memory::planWeights(models::weightTensors(package), layout, "weight_sram.placement").streamed;
}

models::AcceleratorStats countInference(const RunConfig& config, const workloads::ModelPackage& package,
                                        std::size_t images)
{
    RunConfig counting = withNominalRails(config);
    counting.accelerator.arrayEngine = "fast";
    counting.accelerator.vcdPath.clear();
    const std::size_t count = weightsStreamed(config, package) ? std::max<std::size_t>(images, 1) : 1;
    const std::vector<std::uint8_t> blank(count * static_cast<std::size_t>(package.network.inputSize()), 0);
    const std::vector<workloads::Label> labels(count, 0);
    const ImageSet set{blank.data(), labels.data(), count};
    return runChip(counting, package, memory::OperatingPoint::nominal(), memory::chipSeed(config.run.seed, 0),
                   set)
        .counts;
}

const ChipOutcome& AcceleratorBackend::clean(const Experiment& experiment)
{
    const CleanKey key{experiment.model, experiment.images.pixels, experiment.images.count,
                       experiment.cleanSeed};
    auto found = m_clean.find(key);
    if (found == m_clean.end())
        found = m_clean
                    .emplace(key, runChip(withNominalRails(*experiment.accelerator), *experiment.model,
                                          memory::OperatingPoint::nominal(), experiment.cleanSeed,
                                          experiment.images))
                    .first;
    return found->second;
}

PointOutcome AcceleratorBackend::evaluate(const Experiment& experiment)
{
    models::checkBufferCells(experiment.accelerator->accelerator, experiment.point); // before any simulation
    const ImageSet& images = experiment.images;
    PointOutcome outcome;
    outcome.images = images.count;
    outcome.clean = clean(experiment);
    outcome.cleanErrors = *outcome.clean.errors;
    outcome.storedBits = perRead(outcome.clean.counts, &models::LayerStats::weightBitsRead);
    const std::vector<int> clean = predictions(outcome.clean.logits, *experiment.model, images.count);
    for (const std::uint64_t seed : experiment.chipSeeds) {
        ChipOutcome chip =
            runChip(*experiment.accelerator, *experiment.model, experiment.point, seed, images);
        const std::vector<int> predicted = predictions(chip.logits, *experiment.model, images.count);
        for (std::size_t i = 0; i < images.count; ++i)
            chip.robustErrors += predicted[i] != images.labels[i] || clean[i] != images.labels[i];
        if (!experiment.keepLogits)
            chip.logits.clear();
        outcome.ber = chip.ber;
        outcome.chips.push_back(std::move(chip));
    }
    if (!experiment.keepLogits)
        outcome.clean.logits.clear();
    return outcome;
}

} // namespace voltsim::sim
