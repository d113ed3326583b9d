// Speed of the sweep's functional path (docs/sweep.md, "Speed"): the default 8-bit model on the
// full Fashion-MNIST test set with faults injected (randbet-8bit on a stutz2021-14nm chip at
// 676 mV, p = 1 %), as images/s, effective GMAC/s and the fraction of the machine's int8 peak.
//
// Run: build/bench/bench_sweep
// With VOLTSIM_DUMP_CODES=FILE the corrupted codes are written to FILE, so
// tools/bench/pytorch_baseline.py --codes FILE times PyTorch on the very same weights.
#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

using namespace voltsim;

constexpr double kVoltageMv = 676; // p = 1 % on stutz2021-14nm
/// AVX2 without VNNI: vpmaddubsw does 32 uint8 x int8 products per instruction, two per cycle
/// on Zen 3 / Skylake, so 64 int8 MACs per cycle and core.
constexpr double kInt8MacsPerCycle = 64;

const workloads::ModelPackage& package()
{
    static const workloads::ModelPackage loaded =
        workloads::ModelPackage::load(workloads::resolveModelDir("randbet-8bit"));
    return loaded;
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

/// The codes chip 0 of run seed 1 returns at kVoltageMv (written to $VOLTSIM_DUMP_CODES if set).
const std::vector<std::uint8_t>& faultyCodes()
{
    static const std::vector<std::uint8_t> codes = [] {
        const sim::FunctionalEvaluator evaluator(
            package(), {testSet().pixels().data(), testSet().labels().data(), 1}, {}, 1);
        memory::SramChip chip(profile(), memory::chipSeed(1, 0));
        auto read = evaluator.faultyCodes(chip, memory::OperatingPoint::atVoltage(kVoltageMv));
        if (const char* path = std::getenv("VOLTSIM_DUMP_CODES"))
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(read.data()), static_cast<std::streamsize>(read.size()));
        return read;
    }();
    return codes;
}

/// Machine int8 peak in GMAC/s: cores x clock (from /proc/cpuinfo) x kInt8MacsPerCycle.
double int8PeakGmacs()
{
    std::ifstream in("/proc/cpuinfo");
    double mhz = 0;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("cpu MHz", 0) == 0) {
            mhz = std::stod(line.substr(line.find(':') + 1));
            break;
        }
    return std::thread::hardware_concurrency() * mhz * 1e-3 * kInt8MacsPerCycle;
}

void setCounters(benchmark::State& state, double imagesPerIteration, double peakCores)
{
    const double macs = double(package().network.macsPerImage()) * imagesPerIteration;
    state.SetItemsProcessed(static_cast<std::int64_t>(imagesPerIteration) * state.iterations());
    state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["int8_peak_GMAC/s"] = int8PeakGmacs() * peakCores / std::thread::hardware_concurrency();
}

/// Exact integer inference of the full test set with the corrupted weights; argument: threads.
void BM_FaultyTestSet(benchmark::State& state)
{
    const workloads::IntegerReference reference(package(), static_cast<unsigned>(state.range(0)));
    const auto& codes = faultyCodes();
    for (auto _ : state)
        benchmark::DoNotOptimize(reference.logits(codes, testSet().image(0), testSet().size()).data());
    setCounters(state, double(testSet().size()), double(state.range(0)));
}
BENCHMARK(BM_FaultyTestSet)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

/// One chip of a sweep point end to end: operating point, load, faulty read-back, and the
/// inference of the images the clean model gets right (2 threads). Items: test-set images. A fresh
/// evaluator per iteration (built with the timer paused) so its cache of evaluated codes never hits.
void BM_SweepChip(benchmark::State& state)
{
    memory::SramChip chip(profile(), memory::chipSeed(1, 0));
    for (auto _ : state) {
        state.PauseTiming();
        const sim::FunctionalEvaluator evaluator(package(), allImages(), {}, 2);
        state.ResumeTiming();
        benchmark::DoNotOptimize(
            evaluator.evaluateChip(chip, memory::OperatingPoint::atVoltage(kVoltageMv)).robustErrors);
    }
    setCounters(state, double(testSet().size()), 2);
}
BENCHMARK(BM_SweepChip)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

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
