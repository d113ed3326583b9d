#pragma once
// Kernels for instruction sets beyond the build's baseline (internal to voltsim_workloads): a
// function marked VOLTSIM_TARGET_AVX2, VOLTSIM_TARGET_AVXVNNI or VOLTSIM_TARGET_VNNI512 is compiled for those
// instructions whatever the build's baseline ISA and runs only when activeKernelPath() selects its path
// (KernelPath.hpp), which it does only where the CPU has them.
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VOLTSIM_X86_SIMD 1
#define VOLTSIM_TARGET_AVX2 __attribute__((target("avx2")))
#define VOLTSIM_TARGET_AVXVNNI __attribute__((target("avx2,avxvnni")))
#define VOLTSIM_TARGET_VNNI512 __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")))
#endif
