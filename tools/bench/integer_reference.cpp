// Throughput of the exact integer reference on the full Fashion-MNIST test set (10,000 images),
// as a sweep uses it: one logits() call per error pattern, codes decoded once per call.
// Run: build/bench/bench_integer_reference [--benchmark_filter=...]
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace voltsim::workloads;

const ModelPackage& package()
{
    static const ModelPackage loaded = ModelPackage::load(resolveModelDir("randbet-8bit"));
    return loaded;
}

const Dataset& testSet()
{
    static const Dataset loaded = Dataset::fashionMnist(Dataset::defaultFashionMnistDir(), false);
    return loaded;
}

/// Full test set per iteration; the argument is the thread count.
void BM_TestSetLogits(benchmark::State& state)
{
    const IntegerReference reference(package(), static_cast<unsigned>(state.range(0)));
    const std::size_t images = testSet().size();
    for (auto _ : state)
        benchmark::DoNotOptimize(reference.logits(package().codes, testSet().image(0), images).data());
    const double macs = double(package().network.macsPerImage()) * double(images);
    state.SetItemsProcessed(static_cast<std::int64_t>(images) * state.iterations());
    state.counters["GMAC/s"] = benchmark::Counter(macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_TestSetLogits)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Full test set, one thread, from the layer given as the argument (a cut point: the run starts
/// from the clean activations entering it, as the sweep resumes a chip): the differences between
/// successive starting layers are what each stretch of the network costs.
void BM_TestSetFromLayer(benchmark::State& state)
{
    const auto layer = static_cast<std::size_t>(state.range(0));
    const IntegerReference reference(package(), 1);
    const std::size_t images = testSet().size();
    const std::vector<std::uint8_t> entering =
        layer == 0
            ? std::vector<std::uint8_t>(testSet().image(0), testSet().image(0) + images * 784)
            : reference.activations(package().codes, LayerInputs{0, testSet().image(0), images}, layer);
    const LayerInputs inputs{layer, entering.data(), images};
    for (auto _ : state)
        benchmark::DoNotOptimize(reference.logits(package().codes, inputs).data());
    state.SetLabel(package().network.layers[layer].name);
    state.SetItemsProcessed(static_cast<std::int64_t>(images) * state.iterations());
}
// randbet-8bit's cut points: conv1, conv2, fc1, fc2.
BENCHMARK(BM_TestSetFromLayer)->Arg(0)->Arg(2)->Arg(5)->Arg(6)->Unit(benchmark::kMillisecond);

/// 64 images, one thread: the cost of a small call (code decoding dominates less than for 1 image).
void BM_SmallBatchLogits(benchmark::State& state)
{
    const IntegerReference reference(package(), 1);
    for (auto _ : state)
        benchmark::DoNotOptimize(reference.logits(package().codes, testSet().image(0), 64).data());
    state.SetItemsProcessed(64 * state.iterations());
}
BENCHMARK(BM_SmallBatchLogits)->Unit(benchmark::kMicrosecond);

/// Reading and validating the package (manifest, blob, SHA-256).
void BM_LoadPackage(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(ModelPackage::load(resolveModelDir("randbet-8bit")).codes.data());
}
BENCHMARK(BM_LoadPackage)->Unit(benchmark::kMillisecond);

/// Decompressing and validating the 10,000-image test set (gzip IDX).
void BM_LoadTestSet(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(
            Dataset::fashionMnist(Dataset::defaultFashionMnistDir(), false).pixels().data());
}
BENCHMARK(BM_LoadTestSet)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
