// Cycle-mode speed: the SystemC array stepped per clock on AlexNet conv1 (M = 3025, K = 363,
// N = 96), reported as simulated array cycles per second; and the functional array for contrast.
#include "voltsim/models/array/CycleSystolicArray.hpp"
#include "voltsim/models/array/SystolicArray.hpp"

#include "ScBenchmarkMain.hpp"

#include <benchmark/benchmark.h>
#include <systemc>

#include <memory>
#include <random>

namespace {

using namespace voltsim::models;

CodeMatrix randomCodes(Eigen::Index rows, Eigen::Index cols, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    CodeMatrix codes(rows, cols);
    for (Eigen::Index i = 0; i < codes.size(); ++i)
        codes.data()[i] = static_cast<std::uint8_t>(rng() >> 24);
    return codes;
}

/// AlexNet conv1 lowered: inputs 3025 x 363, weights 363 x 96.
struct AlexNetConv1 {
    CodeMatrix weights = randomCodes(363, 96, 1);
    CodeMatrix inputs = randomCodes(3025, 363, 2);
};

const AlexNetConv1& conv1()
{
    static const AlexNetConv1 operands;
    return operands;
}

/// Each iteration elaborates a fresh array in a fresh simulation context.
void cycleModeConv1(benchmark::State& state)
{
    const ArraySpec spec{state.range(0), state.range(0), static_cast<Dataflow>(state.range(1))};
    std::int64_t cycles = 0;
    for (auto _ : state) {
        auto context = std::make_unique<sc_core::sc_simcontext>();
        sc_core::sc_curr_simcontext = context.get();
        sc_core::sc_default_global_context = context.get();
        cycles = runCycleGemm(spec, conv1().weights, conv1().inputs).timing.totalCycles;
        sc_core::sc_curr_simcontext = nullptr;
        sc_core::sc_default_global_context = nullptr;
    }
    state.counters["sim_cycles"] = static_cast<double>(cycles);
    state.counters["cycles/s"] =
        benchmark::Counter(static_cast<double>(cycles), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["PE_updates/s"] = benchmark::Counter(static_cast<double>(cycles * spec.peCount()),
                                                        benchmark::Counter::kIsIterationInvariantRate);
}

void functionalConv1(benchmark::State& state)
{
    const SystolicArray array(
        ArraySpec{state.range(0), state.range(0), static_cast<Dataflow>(state.range(1))});
    std::int64_t cycles = 0;
    for (auto _ : state) {
        const GemmResult result = array.gemm(conv1().weights, conv1().inputs);
        cycles = result.timing.totalCycles;
        benchmark::DoNotOptimize(result.acc.data());
    }
    state.counters["cycles/s"] =
        benchmark::Counter(static_cast<double>(cycles), benchmark::Counter::kIsIterationInvariantRate);
}

} // namespace

// Args: array side, dataflow (0 = OS, 1 = WS, 2 = IS).
BENCHMARK(cycleModeConv1)
    ->Args({32, 1})
    ->Args({16, 1})
    ->Args({32, 0})
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK(functionalConv1)->Args({32, 1})->Args({32, 0})->Unit(benchmark::kMillisecond);

VOLTSIM_SC_BENCHMARK_MAIN()
