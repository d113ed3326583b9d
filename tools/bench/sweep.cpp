// Speed of the sweep's functional path (docs/sweep.md, "Speed"): the 8-bit RandBET CNN and ResNet
// on the full Fashion-MNIST test set with faults injected (a stutz2021-14nm chip at 676 mV,
// p = 1 %), as images/s, effective GMAC/s and the int8 peak of the cores used (Int8Peak.hpp); the
// label names the kernel path (VOLTSIM_KERNELS=portable|avx2|avxvnni|vnni512 picks another).
//
// Run: build/bench/bench_sweep   (benchmarks named .../cnn/... and .../resnet/...)
// With VOLTSIM_DUMP_CODES=FILE the corrupted codes of the model benchmarked are written to FILE, so
// tools/bench/pytorch_baseline.py --codes FILE times PyTorch on the very same weights.
#include "Int8Peak.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using namespace voltsim;

constexpr double kVoltageMv = 676; // p = 1 % on stutz2021-14nm

constexpr const char* kCnn = "randbet-8bit";
constexpr const char* kResNet = "resnet-randbet-8bit";

/// The shipped package ``name``, loaded once.
const workloads::ModelPackage& package(const std::string& name)
{
    static std::map<std::string, workloads::ModelPackage> loaded;
    auto found = loaded.find(name);
    if (found == loaded.end())
        found = loaded.emplace(name, workloads::ModelPackage::load(workloads::resolveModelDir(name))).first;
    return found->second;
}

const workloads::Dataset& testSet()
{
    static const workloads::Dataset loaded =
        workloads::Dataset::fashionMnist(workloads::Dataset::defaultFashionMnistDir(), false);
    return loaded;
}

sim::ImageSet allImages()
{
    return {testSet().pixels().data(), testSet().labels().data(), testSet().size()};
}

std::shared_ptr<const memory::SramProfile> profile()
{
    static const auto loaded =
        std::make_shared<const memory::SramProfile>(memory::loadProfile("stutz2021-14nm"));
    return loaded;
}

/// The codes of model ``name`` that chip 0 of run seed 1 returns at kVoltageMv (written to
/// $VOLTSIM_DUMP_CODES if set: run one model's benchmarks then).
std::vector<std::uint8_t> faultyCodes(const std::string& name)
{
    const sim::FunctionalEvaluator evaluator(
        package(name), {testSet().pixels().data(), testSet().labels().data(), 1}, {}, 1);
    memory::SramChip chip(profile(), memory::chipSeed(1, 0));
    auto read = evaluator.faultyCodes(chip, memory::OperatingPoint::atVoltage(kVoltageMv));
    if (const char* path = std::getenv("VOLTSIM_DUMP_CODES"); path != nullptr)
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(read.data()), static_cast<std::streamsize>(read.size()));
    return read;
}

void setCounters(benchmark::State& state, const std::string& name, double imagesPerIteration,
                 double peakCores)
{
    const double macs = double(package(name).network.macsPerImage()) * imagesPerIteration;
    state.SetItemsProcessed(static_cast<std::int64_t>(imagesPerIteration) * state.iterations());
    state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["int8_peak_GMAC/s"] = bench::int8PeakGmacsPerCore() * peakCores;
    state.SetLabel(workloads::kernelPathName(workloads::activeKernelPath()));
}

/// Exact integer inference of the full test set with the corrupted weights of model ``name``;
/// argument: threads.
void BM_FaultyTestSet(benchmark::State& state, const std::string& name)
{
    const workloads::IntegerReference reference(package(name), static_cast<unsigned>(state.range(0)));
    const auto codes = faultyCodes(name);
    for (auto _ : state)
        benchmark::DoNotOptimize(reference.logits(codes, testSet().image(0), testSet().size()).data());
    setCounters(state, name, double(testSet().size()), double(state.range(0)));
}
BENCHMARK_CAPTURE(BM_FaultyTestSet, cnn, kCnn)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);
BENCHMARK_CAPTURE(BM_FaultyTestSet, resnet, kResNet)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);

/// One chip of a sweep point end to end: operating point, load, faulty read-back, and the
/// inference of the images the clean model gets right (2 threads). Items: test-set images. A fresh
/// evaluator per iteration (built with the timer paused) so its cache of evaluated codes never hits.
void BM_SweepChip(benchmark::State& state, const std::string& name)
{
    memory::SramChip chip(profile(), memory::chipSeed(1, 0));
    for (auto _ : state) {
        state.PauseTiming();
        const sim::FunctionalEvaluator evaluator(package(name), allImages(), {}, 2);
        state.ResumeTiming();
        benchmark::DoNotOptimize(
            evaluator.evaluateChip(chip, memory::OperatingPoint::atVoltage(kVoltageMv)).robustErrors);
    }
    setCounters(state, name, double(testSet().size()), 2);
}
BENCHMARK_CAPTURE(BM_SweepChip, cnn, kCnn)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK_CAPTURE(BM_SweepChip, resnet, kResNet)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

/// One chip at a high voltage (720 mV, p = 4e-4: conv1 clean, a few conv2 codes flipped) as a
/// sweep evaluates it, with incremental inference as the evaluator chooses it (argument 1) and
/// without it (argument 0); 2 threads. Items: test-set images. The evaluator (clean inference,
/// clean accumulators, cost model) is built once, outside the timing, and each iteration evaluates
/// a different chip, so its cache of evaluated codes never hits.
void BM_IncrementalChip(benchmark::State& state, const std::string& name)
{
    using Policy = sim::IncrementalOptions::Policy;
    const sim::FunctionalEvaluator evaluator(package(name), allImages(), {}, 2,
                                             {state.range(0) != 0 ? Policy::Auto : Policy::Never});
    std::uint64_t chipIndex = 0;
    for (auto _ : state) {
        state.PauseTiming();
        memory::SramChip chip(profile(), memory::chipSeed(1, chipIndex++));
        state.ResumeTiming();
        benchmark::DoNotOptimize(
            evaluator.evaluateChip(chip, memory::OperatingPoint::atVoltage(720)).robustErrors);
    }
    setCounters(state, name, double(testSet().size()), 2);
}
BENCHMARK_CAPTURE(BM_IncrementalChip, cnn, kCnn)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(10);
BENCHMARK_CAPTURE(BM_IncrementalChip, resnet, kResNet)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(10);

/// Building a chip (drawing every bank's cells once; reused across models and points by ChipPool).
void BM_ChipConstruction(benchmark::State& state)
{
    std::uint64_t seed = 0;
    for (auto _ : state) {
        memory::SramChip chip(profile(), memory::chipSeed(9, seed++));
        benchmark::DoNotOptimize(chip.bankCount());
    }
}
BENCHMARK(BM_ChipConstruction)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
