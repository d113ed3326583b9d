// Throughput of the SystemC accelerator (voltsim run's inner loop): images per second in fast
// mode (whole batches per fold) and in cycle mode (the array stepped per clock), on the shipped
// randbet-8bit package at a faulty operating point.
#include "voltsim/models/accelerator/Accelerator.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace {

using namespace voltsim;

const workloads::ModelPackage& package()
{
    static const workloads::ModelPackage loaded =
        workloads::ModelPackage::load(workloads::resolveModelDir("randbet-8bit"));
    return loaded;
}

const workloads::Dataset& dataset()
{
    static const workloads::Dataset loaded =
        workloads::Dataset::fashionMnist(workloads::Dataset::defaultFashionMnistDir(), false);
    return loaded;
}

models::AcceleratorSpecs specs(const std::string& arrayEngine)
{
    models::AcceleratorSpecs s;
    s.arrayEngine = arrayEngine;
    s.weightSram.profile = std::make_shared<const memory::SramProfile>(memory::loadProfile("stutz2021-14nm"));
    s.weightSram.chip.geometry = s.weightSram.profile->geometry;
    s.weightSram.operatingPoint = memory::OperatingPoint::atVoltage(690);
    return s;
}

void runImages(benchmark::State& state, const std::string& arrayEngine)
{
    const auto images = static_cast<std::size_t>(state.range(0));
    const models::AcceleratorSpecs config = specs(arrayEngine);
    for (auto _ : state) {
        models::SimContextScope context;
        models::Accelerator accelerator("accelerator", config, package(), 1);
        benchmark::DoNotOptimize(accelerator.run(dataset().pixels().data(), images).data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(images));
}

void fastMode(benchmark::State& state)
{
    runImages(state, "fast");
}
void cycleMode(benchmark::State& state)
{
    runImages(state, "cycle");
}

} // namespace

BENCHMARK(fastMode)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(cycleMode)->Arg(4)->Unit(benchmark::kMillisecond)->UseRealTime();

// SystemC needs sc_main; main() switches the banner off first (as sim/main.cpp does).
int sc_main(int argc, char* argv[])
{
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

int main(int argc, char* argv[])
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
