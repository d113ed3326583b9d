#include "voltsim/sim/sweep/SweepRunner.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>

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
    return plan.models()[model].label + text;
}

int stopSignal(const SweepRunOptions& options)
{
    return options.stopSignal != nullptr ? options.stopSignal->load() : 0;
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

/// Evaluates work units on this process: one back-end and the test set (loaded at the first unit)
/// for every unit it gets.
class UnitEvaluation {
  public:
    /// @param progress  shows the chip being evaluated (null: nothing shown)
    UnitEvaluation(const SweepPlan& plan, const SweepRunOptions& options, Progress* progress)
        : m_plan(plan), m_options(options), m_progress(progress)
    {
        BackendOptions backendOptions;
        backendOptions.threads = options.threads;
        backendOptions.counts = [&plan](const Experiment& experiment) -> const models::AcceleratorStats& {
            for (const SweepModel& model : plan.models())
                if (model.package.get() == experiment.model &&
                    model.accelerator.get() == experiment.accelerator)
                    return plan.counts(model);
            throw std::logic_error("sweep: an experiment of no swept model");
        };
        m_backend = makeBackend(options.backend, "--backend", backendOptions);
    }

    /// The unit's chip at its point; nullopt if the run was interrupted before it started.
    std::optional<UnitResult> evaluate(const WorkUnit& unit)
    {
        if (stopSignal(m_options) != 0)
            return std::nullopt;
        if (!m_dataset) {
            m_dataset = loadDataset(m_plan);
            m_images = selectImages(*m_dataset, m_plan.config().images.value_or(0));
        }
        Experiment experiment;
        experiment.model = m_plan.models()[unit.model].package.get();
        experiment.images = m_images;
        experiment.accelerator = m_plan.models()[unit.model].accelerator.get();
        experiment.point = m_plan.points()[unit.point].op;
        experiment.cleanSeed = memory::chipSeed(m_plan.config().seed, 0);
        experiment.chipSeeds = {m_plan.seeds()[unit.chip]};
        if (m_progress != nullptr)
            m_progress->working(pointLabel(m_plan, unit.model, unit.point), unit.chip, m_plan.seeds().size());
        PointOutcome one = m_backend->evaluate(experiment);
        UnitResult result{unit, {}};
        result.outcome.images = one.images;
        result.outcome.cleanErrors = one.cleanErrors;
        result.outcome.storedBits = one.storedBits;
        result.outcome.ber = one.ber;
        result.outcome.chips.push_back(std::move(one.chips.front()));
        return result;
    }

  private:
    const SweepPlan& m_plan;
    const SweepRunOptions& m_options;
    Progress* m_progress;
    std::unique_ptr<IBackend> m_backend;
    std::optional<workloads::Dataset> m_dataset;
    ImageSet m_images;
};

/// Collects units into points and writes each point once all its chips are in, in seed order
/// whatever order the units arrive in.
class PointAssembly {
  public:
    PointAssembly(const SweepPlan& plan, SweepOutput& output, Progress& progress, SweepRunReport& report)
        : m_plan(plan), m_output(output), m_progress(progress), m_report(report)
    {
    }

    void add(UnitResult result)
    {
        const WorkUnit& unit = result.unit;
        Partial& partial = m_partial[m_plan.globalIndex(unit.model, unit.point)];
        PointRecord& record = partial.record;
        ChipOutcome chip = std::move(result.outcome.chips.front());
        if (partial.chips == 0) { // the point's shared numbers are the same in every unit
            record.model = unit.model;
            record.point = unit.point;
            record.outcome = std::move(result.outcome);
            record.outcome.chips.resize(m_plan.seeds().size());
        }
        record.outcome.chips[unit.chip] = std::move(chip);
        if (++partial.chips < m_plan.seeds().size())
            return;
        const RErrSummary stats = summarize(record.outcome);
        const std::string label = pointLabel(m_plan, unit.model, unit.point);
        m_output.add(std::move(record));
        m_partial.erase(m_plan.globalIndex(unit.model, unit.point));
        ++m_report.computed;
        char text[96];
        std::snprintf(text, sizeof text, "RErr %.2f %% (min %.2f, max %.2f), %.1f flips",
                      100 * stats.rerrMean, 100 * stats.rerrMin, 100 * stats.rerrMax, stats.flipsMean);
        m_progress.finished(label, text);
    }

  private:
    struct Partial {
        PointRecord record;
        std::size_t chips = 0; ///< chips in so far
    };

    const SweepPlan& m_plan;
    SweepOutput& m_output;
    Progress& m_progress;
    SweepRunReport& m_report;
    std::map<std::size_t, Partial> m_partial; ///< by global index
};

} // namespace

namespace {

/// A Slurm array variable as a number; nullopt if unset; InputError naming it if not a number.
std::optional<std::size_t> slurmVariable(const char* name)
{
    const char* value = std::getenv(name);
    if (value == nullptr)
        return std::nullopt;
    const std::string text = value;
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        throw InputError(std::string("--shard auto: ") + name + "='" + text +
                         "': expected a non-negative integer");
    return static_cast<std::size_t>(std::stoul(text));
}

/// --shard auto: this task's shard of a Slurm job array (sbatch --array=MIN-MAX, step 1).
void slurmShard(std::size_t& index, std::size_t& count)
{
    const std::optional<std::size_t> id = slurmVariable("SLURM_ARRAY_TASK_ID");
    const std::optional<std::size_t> tasks = slurmVariable("SLURM_ARRAY_TASK_COUNT");
    if (!id || !tasks)
        throw InputError(
            std::string("--shard auto: ") + (id ? "SLURM_ARRAY_TASK_COUNT" : "SLURM_ARRAY_TASK_ID") +
            " is not set (not a task of a Slurm job array, sbatch --array=0-N); pass --shard I/N "
            "instead");
    const std::size_t first = slurmVariable("SLURM_ARRAY_TASK_MIN").value_or(0);
    const std::optional<std::size_t> last = slurmVariable("SLURM_ARRAY_TASK_MAX");
    const bool contiguous = !last || (*last >= first && *last - first + 1 == *tasks);
    if (*tasks == 0 || *id < first || *id - first >= *tasks || !contiguous)
        throw InputError("--shard auto: task " + std::to_string(*id) + " of " + std::to_string(*tasks) +
                         " tasks from " + std::to_string(first) +
                         (last ? " to " + std::to_string(*last) : std::string()) +
                         " (SLURM_ARRAY_TASK_ID, _COUNT, _MIN, _MAX) is not a shard of a contiguous array: "
                         "submit with --array=0-N (no step, no list)");
    index = *id - first;
    count = *tasks;
}

} // namespace

void parseShard(const std::string& text, std::size_t& index, std::size_t& count)
{
    if (text == "auto") {
        slurmShard(index, count);
        return;
    }
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

SweepRunReport runSweep(const SweepPlan& plan, SweepOutput& output, const SweepRunOptions& options,
                        IWorkPool& pool)
{
    const auto start = std::chrono::steady_clock::now();
    SweepRunReport report;
    std::vector<WorkUnit> units; // model-major, then point, then chip: the order of one process
    std::size_t points = 0;
    for (std::size_t m = 0; m < plan.models().size(); ++m)
        for (const std::size_t point : pendingPoints(plan, output, options, m, report)) {
            ++points;
            for (std::size_t chip = 0; chip < plan.seeds().size(); ++chip)
                units.push_back({m, point, chip});
        }
    output.writeAll();
    Progress progress(points, options.progress);
    UnitEvaluation evaluation(plan, options, &progress);
    PointAssembly assembly(plan, output, progress, report);
    report.signal = pool.distribute(
        units, [&evaluation](const WorkUnit& unit) { return evaluation.evaluate(unit); },
        [&assembly](UnitResult result) { assembly.add(std::move(result)); }, options.stopSignal);
    report.interrupted = report.signal != 0;
    progress.close();
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

int serveSweep(const SweepPlan& plan, const SweepRunOptions& options, IWorkPool& pool)
{
    UnitEvaluation evaluation(plan, options, nullptr);
    return pool.serve([&evaluation](const WorkUnit& unit) { return evaluation.evaluate(unit); },
                      options.stopSignal);
}

} // namespace voltsim::sim
