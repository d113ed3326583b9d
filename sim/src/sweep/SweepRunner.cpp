#include "voltsim/sim/sweep/SweepRunner.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

namespace voltsim::sim {
namespace {

/// The first `limit` images of the test set (all if 0); InputError if it has fewer.
ImageSet selectImages(const workloads::Dataset& dataset, std::uint64_t limit)
{
    const std::uint64_t count = limit == 0 ? dataset.size() : limit;
    if (count > dataset.size())
        throw InputError("images: " + std::to_string(limit) + " exceeds the test set's " +
                         std::to_string(dataset.size()));
    return {dataset.pixels().data(), dataset.labels().data(), static_cast<std::size_t>(count)};
}

/// The sweep's test set, checked against every model before any point runs.
workloads::Dataset loadDataset(const SweepPlan& plan)
{
    workloads::Dataset dataset = workloads::Dataset::fromSpec(plan.config().dataset, "dataset");
    for (const auto& model : plan.models())
        dataset.checkFits(model.package->network.dataset.inputShape,
                          model.package->network.dataset.numClasses, model.name);
    return dataset;
}

std::string pointLabel(const SweepPlan& plan, std::size_t model, std::size_t point)
{
    const SweepPoint& p = plan.points()[point];
    char text[64];
    if (p.op.byRate())
        std::snprintf(text, sizeof text, " p=%.3g", p.op.ber());
    else
        std::snprintf(text, sizeof text, " %.1f mV (%.3f)", p.op.voltageMv(*plan.profile()), p.voltageRel);
    return plan.models()[model].name + text;
}

bool interrupted(const SweepRunOptions& options)
{
    return options.interrupt != nullptr && options.interrupt->load();
}

/// Pending points of `model` in this shard.
std::vector<std::size_t> pendingPoints(const SweepPlan& plan, const SweepOutput& output,
                                       const SweepRunOptions& options, std::size_t model,
                                       SweepRunReport& report)
{
    std::vector<std::size_t> pending;
    for (std::size_t p = 0; p < plan.points().size(); ++p) {
        const std::size_t global = plan.globalIndex(model, p);
        if (global % options.shardCount != options.shardIndex)
            continue;
        if (output.has(global))
            ++report.skipped;
        else
            pending.push_back(p);
    }
    return pending;
}

/// Evaluates one point chip by chip (so an interrupt is seen within a point); nullopt if interrupted.
std::optional<PointRecord> evaluatePoint(const SweepPlan& plan, IBackend& backend, const ImageSet& images,
                                         std::size_t model, std::size_t point, const SweepRunOptions& options,
                                         Progress& progress)
{
    Experiment experiment;
    experiment.model = plan.models()[model].package.get();
    experiment.images = images;
    experiment.accelerator = &plan.config().accelerator;
    experiment.point = plan.points()[point].op;
    experiment.cleanSeed = memory::chipSeed(plan.config().seed, 0);
    PointRecord record{model, point, {}};
    const std::string label = pointLabel(plan, model, point);
    const auto& seeds = plan.seeds();
    for (std::size_t chip = 0; chip < seeds.size(); ++chip) {
        if (interrupted(options))
            return std::nullopt;
        progress.working(label, chip, seeds.size());
        experiment.chipSeeds = {seeds[chip]};
        PointOutcome one = backend.evaluate(experiment);
        record.outcome.images = one.images;
        record.outcome.cleanErrors = one.cleanErrors;
        record.outcome.storedBits = one.storedBits;
        record.outcome.ber = one.ber;
        record.outcome.clean = std::move(one.clean);
        record.outcome.chips.push_back(std::move(one.chips.front()));
    }
    return record;
}

} // namespace

void parseShard(const std::string& text, std::size_t& index, std::size_t& count)
{
    const auto bad = [&] { return InputError("--shard: '" + text + "': expected I/N with 0 <= I < N"); };
    const auto slash = text.find('/');
    const auto digits = [](const std::string& part) {
        // digits only: std::stoul would skip blanks and read "-2" as 2^64 - 2
        return !part.empty() && part.size() <= 9 && part.find_first_not_of("0123456789") == std::string::npos;
    };
    if (slash == std::string::npos || !digits(text.substr(0, slash)) || !digits(text.substr(slash + 1)))
        throw bad();
    index = std::stoul(text.substr(0, slash));
    count = std::stoul(text.substr(slash + 1));
    if (count == 0 || index >= count)
        throw bad();
}

SweepRunReport runSweep(const SweepPlan& plan, SweepOutput& output, const SweepRunOptions& options)
{
    const auto start = std::chrono::steady_clock::now();
    SweepRunReport report;
    std::vector<std::vector<std::size_t>> pending(plan.models().size());
    std::size_t total = 0;
    for (std::size_t m = 0; m < plan.models().size(); ++m) {
        pending[m] = pendingPoints(plan, output, options, m, report);
        total += pending[m].size();
    }
    output.writeAll();
    Progress progress(total, options.progress);
    std::optional<workloads::Dataset> dataset;
    BackendOptions backendOptions;
    backendOptions.threads = options.threads;
    backendOptions.counts = [&plan](const Experiment& experiment) -> const models::AcceleratorStats& {
        return plan.counts(*experiment.model);
    };
    const std::unique_ptr<IBackend> backend = makeBackend(options.backend, "--backend", backendOptions);
    for (std::size_t m = 0; m < plan.models().size() && !report.interrupted; ++m) {
        if (pending[m].empty())
            continue;
        if (!dataset)
            dataset = loadDataset(plan);
        const ImageSet images = selectImages(*dataset, plan.config().images.value_or(0));
        for (const std::size_t point : pending[m]) {
            std::optional<PointRecord> record =
                evaluatePoint(plan, *backend, images, m, point, options, progress);
            if (!record) {
                report.interrupted = true;
                break;
            }
            const RErrSummary stats = summarize(record->outcome);
            output.add(std::move(*record));
            ++report.computed;
            char result[96];
            std::snprintf(result, sizeof result, "RErr %.2f %% (min %.2f, max %.2f), %.1f flips",
                          100 * stats.rerrMean, 100 * stats.rerrMin, 100 * stats.rerrMax, stats.flipsMean);
            progress.finished(pointLabel(plan, m, point), result);
        }
    }
    progress.close();
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

} // namespace voltsim::sim
