#include "voltsim/models/array/FoldSchedule.hpp"

#include <algorithm>
#include <limits>

namespace voltsim::models {
namespace {

std::int64_t ceilDiv(std::int64_t a, std::int64_t b)
{
    return (a + b - 1) / b;
}

/// WS/IS: each PE has two weight slots; fold i+1's operands are written into the idle slot one
/// array row per cycle (column c skewed by c cycles) while fold i streams.
NativeSchedule stationarySchedule(const std::vector<Fold>& folds, const FoldMapping& mapping,
                                  const ArraySpec& spec)
{
    const std::int64_t t = mapping.time;
    NativeSchedule schedule;
    schedule.folds.resize(folds.size());
    schedule.folds[0] = FoldTimes{0, 1};
    for (std::size_t i = 0; i + 1 < folds.size(); ++i) {
        const FoldTimes& current = schedule.folds[i];
        FoldTimes& next = schedule.folds[i + 1];
        const std::int64_t slotFree =
            i == 0 ? std::numeric_limits<std::int64_t>::min() : schedule.folds[i - 1].streamStart + t;
        next.loadStart = std::max(current.loadStart + folds[i].rowsUsed, slotFree);
        next.streamStart = std::max(current.streamStart + t, next.loadStart + 1);
        schedule.stallCycles += next.streamStart - current.streamStart - t;
    }
    schedule.totalCycles = schedule.folds.back().streamStart + t + spec.rows + folds.back().colsUsed - 1;
    return schedule;
}

/// OS: a fold's results leave on a per-column output bus, one row per cycle, so the next fold
/// may start once the stream is done and the bus will be free.
NativeSchedule outputStationarySchedule(const std::vector<Fold>& folds, const FoldMapping& mapping)
{
    const std::int64_t t = mapping.time;
    NativeSchedule schedule;
    schedule.folds.resize(folds.size());
    for (std::size_t i = 0; i + 1 < folds.size(); ++i) {
        const std::int64_t step = std::max(t, folds[i].rowsUsed);
        schedule.folds[i + 1].streamStart = schedule.folds[i].streamStart + step;
        schedule.stallCycles += step - t;
    }
    schedule.totalCycles =
        schedule.folds.back().streamStart + t + folds.back().rowsUsed + folds.back().colsUsed - 1;
    return schedule;
}

} // namespace

FoldMapping mapGemm(const workloads::GemmShape& shape, Dataflow dataflow)
{
    switch (dataflow) {
    case Dataflow::OS:
        return FoldMapping{shape.m, shape.n, shape.k};
    case Dataflow::WS:
        return FoldMapping{shape.k, shape.n, shape.m};
    case Dataflow::IS:
        return FoldMapping{shape.k, shape.m, shape.n};
    }
    return {};
}

std::int64_t rowFolds(const FoldMapping& mapping, const ArraySpec& spec)
{
    return ceilDiv(mapping.spatialRows, spec.rows);
}

std::int64_t colFolds(const FoldMapping& mapping, const ArraySpec& spec)
{
    return ceilDiv(mapping.spatialCols, spec.cols);
}

std::vector<Fold> enumerateFolds(const FoldMapping& mapping, const ArraySpec& spec)
{
    std::vector<Fold> folds;
    folds.reserve(static_cast<std::size_t>(rowFolds(mapping, spec) * colFolds(mapping, spec)));
    for (std::int64_t col = 0; col < mapping.spatialCols; col += spec.cols)
        for (std::int64_t row = 0; row < mapping.spatialRows; row += spec.rows)
            folds.push_back(Fold{row, std::min(spec.rows, mapping.spatialRows - row), col,
                                 std::min(spec.cols, mapping.spatialCols - col)});
    return folds;
}

NativeSchedule nativeSchedule(const FoldMapping& mapping, const ArraySpec& spec)
{
    const std::vector<Fold> folds = enumerateFolds(mapping, spec);
    return spec.dataflow == Dataflow::OS ? outputStationarySchedule(folds, mapping)
                                         : stationarySchedule(folds, mapping, spec);
}

} // namespace voltsim::models
