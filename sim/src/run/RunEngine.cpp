#include "voltsim/sim/run/RunEngine.hpp"

#include "voltsim/memory/Random.hpp"
#include "voltsim/models/accelerator/Accelerator.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <chrono>

namespace voltsim::sim {

std::uint64_t ChipRun::bitsFlipped() const
{
    // Persistent faults: every batch reads the same flips, so count one read of the weights.
    std::uint64_t flipped = 0;
    for (const models::LayerStats& layer : stats.layers)
        if (layer.weightBatchReads > 0)
            flipped += layer.weightBitsFlipped / layer.weightBatchReads;
    return flipped;
}

double ChipRun::berSeen() const
{
    std::uint64_t read = 0, flipped = 0;
    for (const models::LayerStats& layer : stats.layers) {
        read += layer.weightBitsRead;
        flipped += layer.weightBitsFlipped;
    }
    return read == 0 ? 0.0 : static_cast<double>(flipped) / static_cast<double>(read);
}

ChipRun runChip(const RunConfig& config, const workloads::ModelPackage& package, const memory::OperatingPoint& point,
                std::uint64_t seed, const ImageSet& images)
{
    const auto start = std::chrono::steady_clock::now();
    models::AcceleratorSpecs specs = config.accelerator;
    specs.weightSram.operatingPoint = point;
    ChipRun run;
    run.seed = seed;
    {
        models::SimContextScope context;
        models::Accelerator accelerator("accelerator", specs, package, seed);
        run.logits = accelerator.run(images.pixels, images.count);
        run.stats = accelerator.stats();
        run.configuredBer = accelerator.weightSram().chip().bitErrorRate();
        run.faultyCells = accelerator.weightSram().chip().faultCounts().faultyCells;
    }
    const auto classes = static_cast<std::size_t>(package.network.dataset.numClasses);
    for (std::size_t i = 0; i < images.count; ++i) {
        run.predicted.push_back(workloads::argmaxLowest(run.logits.data() + i * classes, classes));
        run.errors += run.predicted.back() != images.labels[i];
    }
    run.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

models::AcceleratorStats countOneInference(const RunConfig& config, const workloads::ModelPackage& package)
{
    RunConfig counting = config;
    counting.accelerator.mode = models::SimMode::Fast;
    counting.accelerator.vcdPath.clear();
    const std::vector<std::uint8_t> blank(static_cast<std::size_t>(package.network.inputSize()), 0);
    const std::uint8_t label = 0;
    const ImageSet image{blank.data(), &label, 1};
    return runChip(counting, package, memory::OperatingPoint::nominal(), memory::chipSeed(config.run.seed, 0), image).stats;
}

RunResult runExperiment(const RunConfig& config, const workloads::ModelPackage& package, const ImageSet& images)
{
    RunResult result;
    const memory::OperatingPoint& point = config.accelerator.weightSram.operatingPoint;
    result.voltageMv = point.voltageMv(*config.accelerator.weightSram.profile);
    result.clean = runChip(config, package, memory::OperatingPoint::nominal(), memory::chipSeed(config.run.seed, 0), images);
    for (std::int64_t c = 0; c < config.run.chips; ++c) {
        ChipRun chip = runChip(config, package, point, memory::chipSeed(config.run.seed, static_cast<std::uint64_t>(c)),
                               images);
        chip.chip = c;
        for (std::size_t i = 0; i < images.count; ++i)
            chip.robustErrors += chip.predicted[i] != images.labels[i] || result.clean.predicted[i] != images.labels[i];
        result.chips.push_back(std::move(chip));
    }
    return result;
}

} // namespace voltsim::sim
