#include "voltsim/workloads/inference/KernelPath.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <array>
#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace voltsim::workloads {
namespace {

constexpr std::array<KernelPath, 4> kPaths{KernelPath::Portable, KernelPath::Avx2, KernelPath::AvxVnni,
                                           KernelPath::Vnni512};

/// The widest supported path, or the one VOLTSIM_KERNELS names.
KernelPath initialPath()
{
    const char* name = std::getenv("VOLTSIM_KERNELS");
    if (name == nullptr || *name == '\0')
        return supportedKernelPaths().back();
    const KernelPath path = parseKernelPath(name);
    if (!kernelPathSupported(path))
        throw std::invalid_argument(std::string("VOLTSIM_KERNELS: this CPU lacks the instructions of '") +
                                    name + "'");
    return path;
}

#if defined(__x86_64__) || defined(__i386__)
/// AVX-VNNI: CPUID leaf 7, subleaf 1, EAX bit 4 (read directly: not every compiler's
/// __builtin_cpu_supports knows it; the OS's support of the ymm state comes with AVX2's).
bool cpuHasAvxVnni()
{
    unsigned eax = 0;
    unsigned ebx = 0;
    unsigned ecx = 0;
    unsigned edx = 0;
    return __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) != 0 && (eax & (1u << 4)) != 0;
}
#endif

/// -1 until the first activeKernelPath() or setKernelPath(), then the path's index.
std::atomic<int> g_path{-1};

} // namespace

const char* kernelPathName(KernelPath path)
{
    switch (path) {
    case KernelPath::Portable:
        return "portable";
    case KernelPath::Avx2:
        return "avx2";
    case KernelPath::AvxVnni:
        return "avxvnni";
    case KernelPath::Vnni512:
        return "vnni512";
    }
    return "?";
}

KernelPath parseKernelPath(const std::string& name)
{
    std::string valid;
    for (const KernelPath path : kPaths) {
        if (name == kernelPathName(path))
            return path;
        valid += (valid.empty() ? "" : ", ") + std::string(kernelPathName(path));
    }
    throw std::invalid_argument("VOLTSIM_KERNELS: unknown kernel path '" + name + "' (valid: " + valid + ")");
}

bool kernelPathSupported(KernelPath path)
{
#if defined(__x86_64__) || defined(__i386__)
    switch (path) {
    case KernelPath::Portable:
        return true;
    case KernelPath::Avx2:
        return __builtin_cpu_supports("avx2");
    case KernelPath::AvxVnni:
        return __builtin_cpu_supports("avx2") && cpuHasAvxVnni();
    case KernelPath::Vnni512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
    }
    return false;
#else
    return path == KernelPath::Portable;
#endif
}

std::vector<KernelPath> supportedKernelPaths()
{
    std::vector<KernelPath> supported;
    for (const KernelPath path : kPaths)
        if (kernelPathSupported(path))
            supported.push_back(path);
    return supported;
}

KernelPath activeKernelPath()
{
    int path = g_path.load(std::memory_order_relaxed);
    if (path < 0) {
        path = static_cast<int>(initialPath());
        int unset = -1;
        // A concurrent setKernelPath wins over the environment.
        if (!g_path.compare_exchange_strong(unset, path))
            path = unset;
    }
    return static_cast<KernelPath>(path);
}

void setKernelPath(KernelPath path)
{
    if (!kernelPathSupported(path))
        throw std::invalid_argument(std::string("kernel path '") + kernelPathName(path) +
                                    "' needs instructions this CPU lacks");
    g_path.store(static_cast<int>(path), std::memory_order_relaxed);
}

} // namespace voltsim::workloads
