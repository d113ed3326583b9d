// Analytic per-layer timing speed: the whole ResNet-50 topology under both timing models.
#include "voltsim/models/timing/impl/NativeTiming.hpp"
#include "voltsim/models/timing/impl/ScaleSimTiming.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/topology/Topology.hpp"

#include "ScBenchmarkMain.hpp"

#include <benchmark/benchmark.h>
#include <systemc>

namespace {

using namespace voltsim;

const workloads::Topology& resnet50()
{
    static const workloads::Topology topology =
        workloads::readTopology(workloads::resolveTopologyPath("resnet50"));
    return topology;
}

template <typename Model> void timeResnet50(benchmark::State& state)
{
    const Model model;
    const auto dataflow = static_cast<models::Dataflow>(state.range(0));
    const models::ArraySpec spec{32, 32, dataflow};
    std::int64_t cycles = 0;
    for (auto _ : state) {
        cycles = 0;
        for (const auto& layer : resnet50().layers)
            cycles += model.layer(layer.gemm(), spec).totalCycles;
        benchmark::DoNotOptimize(cycles);
    }
    state.counters["layers/s"] = benchmark::Counter(static_cast<double>(resnet50().layers.size()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
    state.counters["total_cycles"] = static_cast<double>(cycles);
}

void parseResnet50(benchmark::State& state)
{
    const std::string path = workloads::resolveTopologyPath("resnet50");
    for (auto _ : state)
        benchmark::DoNotOptimize(workloads::readTopology(path).layers.size());
}

} // namespace

// range(0): 0 = OS, 1 = WS, 2 = IS.
BENCHMARK_TEMPLATE(timeResnet50, models::ScaleSimTiming)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(timeResnet50, models::NativeTiming)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(parseResnet50)->Unit(benchmark::kMicrosecond);

VOLTSIM_SC_BENCHMARK_MAIN()
