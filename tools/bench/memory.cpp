// Benchmarks of voltsim_memory: building chips (drawing persistent fault maps), switching the
// operating point, and reading through the faulty read path.
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/memory/WeightMemory.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

using namespace voltsim::memory;

namespace {

std::shared_ptr<const SramProfile> profile(const char* name)
{
    static const auto stutz = std::make_shared<const SramProfile>(loadProfile("stutz2021-14nm"));
    static const auto uniform = std::make_shared<const SramProfile>(loadProfile("uniform"));
    static const auto salami = std::make_shared<const SramProfile>(loadProfile("salami2018-vc707"));
    const std::string wanted = name;
    return wanted == "uniform" ? uniform : wanted == "salami" ? salami : stutz;
}

/// Default geometry of each profile: build the chip and set one operating point (voltage in mV,
/// or a rate for `uniform`): stutz at 676 mV (p = 1 %, cells drawn up to 20 %), uniform at 1 %
/// (cells up to 10 %), salami at 540 mV (6.2e-4).
void chipBuild(benchmark::State& state, const char* name, double point)
{
    std::uint64_t seed = 0;
    for (auto _ : state) {
        SramChip chip(profile(name), seed++);
        if (std::string(name) == "uniform")
            chip.setOperatingPoint(OperatingPoint::atRate(point));
        else
            chip.setOperatingPoint(OperatingPoint::atVoltage(point));
        benchmark::DoNotOptimize(chip.bank(0).hasFaults());
    }
}
BENCHMARK_CAPTURE(chipBuild, stutz, "stutz", 676.0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(chipBuild, uniform, "uniform", 0.01)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(chipBuild, salami, "salami", 540.0)->Unit(benchmark::kMillisecond);

/// Switching voltage on a built chip (what a voltage sweep does per point).
void setVoltage(benchmark::State& state)
{
    SramChip chip(profile("stutz"), 1);
    const double voltages[] = {720.0, 704.0, 676.0};
    std::size_t i = 0;
    for (auto _ : state)
        chip.setOperatingPoint(OperatingPoint::atVoltage(voltages[i++ % 3]));
}
BENCHMARK(setVoltage)->Unit(benchmark::kMicrosecond);

/// Reading one whole 4 KiB bank through the fault masks (state.range(0) = 1: faults active).
void readBank(benchmark::State& state)
{
    SramChip chip(profile("stutz"), 1);
    if (state.range(0) != 0)
        chip.setOperatingPoint(OperatingPoint::atVoltage(676.0));
    SramArray& bank = chip.bank(0);
    std::vector<std::uint8_t> out(bank.sizeBytes());
    for (auto _ : state) {
        bank.read(0, out.data(), out.size());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bank.sizeBytes()));
}
BENCHMARK(readBank)->Arg(0)->Arg(1);

/// Writing every 4-bit code of a 128 KiB weight memory (interleave 8) and reading it back through
/// the fault path: the functional engine's WeightMemory::readBack per chip.
void readWeightCodes(benchmark::State& state)
{
    SramChip chip(profile("stutz"), 1);
    WeightMemory memory(chip, {0, 8, Packing::Packed});
    std::vector<std::uint8_t> codes(chip.geometry().bytes() * 2, 5);
    chip.setOperatingPoint(OperatingPoint::atVoltage(676.0));
    for (auto _ : state)
        benchmark::DoNotOptimize(memory.readBack({{codes.data(), codes.size(), 4}}));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * codes.size()));
}
BENCHMARK(readWeightCodes)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
