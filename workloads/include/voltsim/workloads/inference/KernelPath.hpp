#pragma once
// The one place that chooses which instructions the integer reference's kernels use
// (docs/sweep.md, "Speed"). Every path computes the same integers (docs/datapath.md); they differ in
// speed only.
#include <string>
#include <vector>

namespace voltsim::workloads {

/// A set of kernels of the integer reference, from the narrowest to the widest.
enum class KernelPath {
    Portable, ///< plain C++ on int16 pairs (any CPU, any compiler target)
    Avx2,     ///< AVX2 vpmaddwd on int16 pairs
    AvxVnni,  ///< AVX-VNNI vpdpbusd on uint8 x int8 quads, 256-bit (CPUs with AVX-VNNI but no AVX-512)
    Vnni512,  ///< AVX-512 VNNI vpdpbusd on uint8 x int8 quads, 512-bit (with AVX-512 F, BW and VL)
};

/// The path's name: "portable", "avx2", "avxvnni" or "vnni512".
const char* kernelPathName(KernelPath path);

/// The path named `name`. @throws std::invalid_argument for any other name (listing the valid ones).
KernelPath parseKernelPath(const std::string& name);

/// True when the CPU running the program has the instructions `path` needs.
bool kernelPathSupported(KernelPath path);

/// The supported paths, narrowest first.
std::vector<KernelPath> supportedKernelPaths();

/// The path the kernels use: set by setKernelPath, else named by the environment variable
/// VOLTSIM_KERNELS, else the widest supported one. Read once per inference call.
/// @throws std::invalid_argument if VOLTSIM_KERNELS names no path or an unsupported one.
KernelPath activeKernelPath();

/// Makes every later inference call use `path` (tests and benchmarks compare paths this way).
/// @throws std::invalid_argument if the CPU does not support it.
void setKernelPath(KernelPath path);

} // namespace voltsim::workloads
