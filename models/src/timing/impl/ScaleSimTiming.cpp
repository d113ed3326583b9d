#include "voltsim/models/timing/impl/ScaleSimTiming.hpp"

#include "voltsim/models/array/FoldSchedule.hpp"

namespace voltsim::models {
namespace {

/// SCALE-Sim's per-fold cycles: OS T + R + C - 2; WS/IS 2R + C + T - 2 (R preload cycles).
std::int64_t cyclesPerFold(const FoldMapping& mapping, const ArraySpec& spec)
{
    const std::int64_t base = mapping.time + spec.rows + spec.cols - 2;
    return spec.dataflow == Dataflow::OS ? base : base + spec.rows;
}

/// The per-fold cycle count SCALE-Sim's compute-utilisation formula divides by: its demand
/// matrix height plus width minus one, i.e. T + R + C - 2 for OS and 2R + 2C + T - 3 for WS/IS.
std::int64_t utilisationCyclesPerFold(const FoldMapping& mapping, const ArraySpec& spec)
{
    return spec.dataflow == Dataflow::OS ? cyclesPerFold(mapping, spec)
                                         : cyclesPerFold(mapping, spec) + spec.cols - 1;
}

/// SRAM element counts as systolic_compute_{os,ws,is}.py accumulate them.
void countAccesses(const workloads::GemmShape& shape, const FoldMapping& mapping, const ArraySpec& spec,
                   LayerTiming& timing)
{
    const std::int64_t rFolds = rowFolds(mapping, spec);
    const std::int64_t cFolds = colFolds(mapping, spec);
    switch (spec.dataflow) {
    case Dataflow::OS:
        timing.ifmapSramReads = cFolds * shape.m * shape.k;
        timing.filterSramReads = rFolds * shape.k * shape.n;
        // SCALE-Sim also adds R + C per fold to its OFMAP write count (systolic_compute_os.py).
        timing.ofmapSramWrites = shape.m * shape.n + timing.folds * (spec.rows + spec.cols);
        break;
    case Dataflow::WS:
        timing.ifmapSramReads = cFolds * shape.m * shape.k;
        timing.filterSramReads = shape.k * shape.n;
        timing.ofmapSramWrites = rFolds * shape.m * shape.n;
        break;
    case Dataflow::IS:
        timing.ifmapSramReads = shape.k * shape.m;
        timing.filterSramReads = cFolds * shape.n * shape.k;
        timing.ofmapSramWrites = rFolds * shape.m * shape.n;
        break;
    }
}

} // namespace

std::string ScaleSimTiming::acceleratorMismatch() const
{
    return "SCALE-Sim's accounting runs folds in series, each filling and draining the array, with no "
           "accumulator SRAM, while the accelerator overlaps folds and accumulates partial sums across K "
           "folds (docs/timing.md); use it with 'voltsim layers --timing scalesim'";
}

LayerTiming ScaleSimTiming::layer(const workloads::GemmShape& shape, const ArraySpec& spec) const
{
    const FoldMapping mapping = mapGemm(shape, spec.dataflow);
    LayerTiming timing;
    timing.folds = rowFolds(mapping, spec) * colFolds(mapping, spec);
    timing.macs = shape.macs();
    timing.totalCycles = timing.folds * cyclesPerFold(mapping, spec) - 1;
    timing.stallCycles = 0;
    const double pes = static_cast<double>(spec.peCount());
    const double usedPeFolds =
        static_cast<double>(mapping.spatialRows) * static_cast<double>(mapping.spatialCols);
    timing.overallUtil = static_cast<double>(timing.macs) / (static_cast<double>(timing.totalCycles) * pes);
    // Sum over folds of used rows x used cols is Sr x Sc, so the per-fold means have closed forms.
    timing.mappingEfficiency = usedPeFolds / (static_cast<double>(timing.folds) * pes);
    timing.computeUtil = usedPeFolds * static_cast<double>(mapping.time) /
                         (static_cast<double>(timing.folds) * pes *
                          static_cast<double>(utilisationCyclesPerFold(mapping, spec)));
    countAccesses(shape, mapping, spec, timing);
    return timing;
}

} // namespace voltsim::models
