#pragma once
// Run-time choice of the AVX2 kernels (internal to voltsim_workloads): kernels marked
// VOLTSIM_TARGET_AVX2 are compiled for AVX2 whatever the build's baseline ISA and are called only
// when cpuHasAvx2(); each has a portable twin computing the same integers.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VOLTSIM_X86_SIMD 1
#define VOLTSIM_TARGET_AVX2 __attribute__((target("avx2")))
#endif

namespace voltsim::workloads::detail {

/// True when the CPU running the program has AVX2 (always false off x86).
bool cpuHasAvx2();

} // namespace voltsim::workloads::detail
