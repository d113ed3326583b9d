#pragma once
// The int8 peak the speed benchmarks compare against (docs/sweep.md, "Speed"): measured, not looked
// up. Twelve independent chains of the widest int8 multiply-accumulate instruction of the active
// kernel path run for a while on one core; the best of five runs, times the MACs per instruction,
// is that core's peak. vnni512: vpdpbusd zmm, 64 uint8 x int8 MACs into int32; avxvnni: vpdpbusd
// ymm, 32 MACs. avx2 and portable:
// vpmaddubsw ymm, 32 uint8 x int8 products (summed in pairs to int16, so not even exact; an upper
// bound for AVX2 without VNNI). Timed in the thread's CPU time, as Google Benchmark's rates are,
// so a machine shared with other work lowers neither.
#include "voltsim/workloads/inference/KernelPath.hpp"

#include <algorithm>
#include <cstdint>
#include <ctime>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VOLTSIM_BENCH_X86 1
#endif

namespace voltsim::bench {

/// The calling thread's CPU time in seconds.
inline double threadSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

#ifdef VOLTSIM_BENCH_X86
constexpr int kPeakChains = 12;
constexpr std::int64_t kPeakSteps = 20'000'000;

/// Seconds for kPeakSteps steps of kPeakChains vpdpbusd zmm.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) inline double timeVpdpbusd()
{
    __m512i acc[kPeakChains];
    for (int i = 0; i < kPeakChains; ++i)
        acc[i] = _mm512_set1_epi32(i);
    __m512i a = _mm512_set1_epi32(0x01010101);
    const __m512i b = _mm512_set1_epi32(0x01020304);
    const double start = threadSeconds();
    for (std::int64_t step = 0; step < kPeakSteps; ++step) {
#pragma GCC unroll 12
        for (int i = 0; i < kPeakChains; ++i)
            acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
        __asm__ volatile("" : "+v"(a)); // keeps the loop from being folded
    }
    const double stop = threadSeconds();
    for (int i = 0; i < kPeakChains; ++i)
        __asm__ volatile("" : : "v"(acc[i])); // the results are used
    return stop - start;
}

/// Seconds for kPeakSteps steps of kPeakChains vpdpbusd ymm.
__attribute__((target("avx2,avxvnni"))) inline double timeVpdpbusd256()
{
    __m256i acc[kPeakChains];
    for (int i = 0; i < kPeakChains; ++i)
        acc[i] = _mm256_set1_epi32(i);
    __m256i a = _mm256_set1_epi32(0x01010101);
    const __m256i b = _mm256_set1_epi32(0x01020304);
    const double start = threadSeconds();
    for (std::int64_t step = 0; step < kPeakSteps; ++step) {
#pragma GCC unroll 12
        for (int i = 0; i < kPeakChains; ++i)
            acc[i] = _mm256_dpbusd_avx_epi32(acc[i], a, b);
        __asm__ volatile("" : "+v"(a)); // keeps the loop from being folded
    }
    const double stop = threadSeconds();
    for (int i = 0; i < kPeakChains; ++i)
        __asm__ volatile("" : : "v"(acc[i])); // the results are used
    return stop - start;
}

/// Seconds for kPeakSteps steps of kPeakChains vpmaddubsw ymm (each chain's result fed back).
__attribute__((target("avx2"))) inline double timeVpmaddubsw()
{
    __m256i acc[kPeakChains];
    for (int i = 0; i < kPeakChains; ++i)
        acc[i] = _mm256_set1_epi8(static_cast<char>(i));
    const __m256i b = _mm256_set1_epi8(1);
    const double start = threadSeconds();
    for (std::int64_t step = 0; step < kPeakSteps; ++step) {
#pragma GCC unroll 12
        for (int i = 0; i < kPeakChains; ++i)
            acc[i] = _mm256_maddubs_epi16(acc[i], b);
    }
    const double stop = threadSeconds();
    for (int i = 0; i < kPeakChains; ++i)
        __asm__ volatile("" : : "v"(acc[i])); // the results are used
    return stop - start;
}

#endif

/// One core's int8 peak in GMAC/s on the active kernel path (measured once per process); 0 on a
/// CPU without AVX2, which has no int8 multiply-accumulate instruction to measure.
inline double int8PeakGmacsPerCore()
{
    static const double peak = [] {
#ifdef VOLTSIM_BENCH_X86
        if (!workloads::kernelPathSupported(workloads::KernelPath::Avx2))
            return 0.0;
        const workloads::KernelPath path = workloads::activeKernelPath();
        const double macsPerInstruction = path == workloads::KernelPath::Vnni512 ? 64 : 32;
        double best = 1e30;
        for (int run = 0; run < 5; ++run)
            best = std::min(best, path == workloads::KernelPath::Vnni512   ? timeVpdpbusd()
                                  : path == workloads::KernelPath::AvxVnni ? timeVpdpbusd256()
                                                                           : timeVpmaddubsw());
        return double(kPeakSteps) * kPeakChains * macsPerInstruction / best * 1e-9;
#else
        return 0.0;
#endif
    }();
    return peak;
}

} // namespace voltsim::bench
