#include "voltsim/models/timing/impl/NativeTiming.hpp"

#include "voltsim/models/array/FoldSchedule.hpp"

namespace voltsim::models {
namespace {

/// SRAM element counts of the native design: every stationary operand is read once per fold,
/// every streamed operand once per fold, outputs of WS/IS K folds are read-modify-written in the
/// accumulator SRAM (first K fold writes, later ones read then write).
void countAccesses(const workloads::GemmShape& shape, const FoldMapping& mapping, const ArraySpec& spec,
                   LayerTiming& timing)
{
    const std::int64_t rFolds = rowFolds(mapping, spec);
    const std::int64_t cFolds = colFolds(mapping, spec);
    const std::int64_t outputs = shape.m * shape.n;
    switch (spec.dataflow) {
    case Dataflow::OS:
        timing.ifmapSramReads = cFolds * shape.m * shape.k;
        timing.filterSramReads = rFolds * shape.k * shape.n;
        timing.ofmapSramWrites = outputs;
        timing.ofmapSramReads = 0;
        return;
    case Dataflow::WS:
        timing.ifmapSramReads = cFolds * shape.m * shape.k;
        timing.filterSramReads = shape.k * shape.n;
        break;
    case Dataflow::IS:
        timing.ifmapSramReads = shape.k * shape.m;
        timing.filterSramReads = cFolds * shape.n * shape.k;
        break;
    }
    timing.ofmapSramWrites = rFolds * outputs;
    timing.ofmapSramReads = (rFolds - 1) * outputs;
}

} // namespace

LayerTiming NativeTiming::layer(const workloads::GemmShape& shape, const ArraySpec& spec) const
{
    const FoldMapping mapping = mapGemm(shape, spec.dataflow);
    const NativeSchedule schedule = nativeSchedule(mapping, spec);
    LayerTiming timing;
    timing.folds = static_cast<std::int64_t>(schedule.folds.size());
    timing.macs = shape.macs();
    timing.totalCycles = schedule.totalCycles;
    timing.stallCycles = schedule.stallCycles;
    const double pes = static_cast<double>(spec.peCount());
    const double macs = static_cast<double>(timing.macs);
    timing.overallUtil = macs / (static_cast<double>(timing.totalCycles) * pes);
    timing.mappingEfficiency = static_cast<double>(mapping.spatialRows) *
                               static_cast<double>(mapping.spatialCols) /
                               (static_cast<double>(timing.folds) * pes);
    timing.computeUtil = macs / (static_cast<double>(timing.totalCycles - timing.stallCycles) * pes);
    countAccesses(shape, mapping, spec, timing);
    return timing;
}

} // namespace voltsim::models
