// The integer reference's GEMM kernel alone on the CNN's (randbet-8bit) conv2 and fc1 shapes, on
// the active kernel path (VOLTSIM_KERNELS=portable|avx2|avxvnni|vnni512 picks another), as GMAC/s and as a
// fraction of one core's measured int8 peak (Int8Peak.hpp). One thread, operands in cache as the
// integer reference has them: conv2 per image (33 weight rows incl. the ones row x 144 depth x 224
// columns, 14 output rows padded to 16 columns), fc1 per batch of 64 images (64 x 1568 x 64).
// MACs counted: the layer's own (conv2 32 x 144 x 196, fc1 64 x 1568 x 64); the padding the GEMM
// also computes counts against it.
// Run: build/bench/bench_gemm [--benchmark_repetitions=N]
#include "../../workloads/src/inference/Gemm.hpp"
#include "Int8Peak.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

using namespace voltsim::workloads;
using namespace voltsim::workloads::detail;

struct Shape {
    std::size_t rows, depth, cols;
    SignedOperand weights;
    double usefulMacs;
};

void BM_Gemm(benchmark::State& state, const Shape& shape)
{
    const KernelPath path = activeKernelPath();
    const std::size_t lanes = lanesPerWord(path);
    const std::size_t depthWords = roundUp(shape.depth, lanes) / lanes;
    std::mt19937 random(1);
    std::vector<std::uint32_t> a(shape.rows * depthWords);
    std::vector<std::uint32_t> b(shape.cols * depthWords);
    // Values of either sign's range in every lane: the kernels' speed does not depend on them.
    for (auto& word : a)
        word = random() & (lanes == 4 ? 0x7F7F7F7Fu : 0x007F007Fu);
    for (auto& word : b)
        word = random() & (lanes == 4 ? 0x7F7F7F7Fu : 0x007F007Fu);
    std::vector<std::int32_t> c(shape.rows * shape.cols);
    const GemmBLayout layout = GemmBLayout::packed(shape.cols / kGemmPanelCols, depthWords);
    const GemmOperands operands{GemmA{a.data(), shape.rows, depthWords}, layout.over(b.data()), depthWords,
                                shape.weights};
    for (auto _ : state) {
        gemm(path, operands, c.data(), shape.cols);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    state.SetLabel(kernelPathName(path));
    const double peak = voltsim::bench::int8PeakGmacsPerCore();
    state.counters["GMAC/s"] =
        benchmark::Counter(shape.usefulMacs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["int8_peak_GMAC/s"] = peak;
    state.counters["of_peak"] =
        benchmark::Counter(shape.usefulMacs * 1e-9 / peak, benchmark::Counter::kIsIterationInvariantRate);
}

const Shape kConv2{33, 144, 224, SignedOperand::A, 32.0 * 144 * 196};
const Shape kFc1{64, 1568, 64, SignedOperand::B, 64.0 * 1568 * 64};

BENCHMARK_CAPTURE(BM_Gemm, conv2, kConv2)->Unit(benchmark::kMicrosecond)->MinTime(1);
BENCHMARK_CAPTURE(BM_Gemm, fc1, kFc1)->Unit(benchmark::kMicrosecond)->MinTime(1);

} // namespace

BENCHMARK_MAIN();
