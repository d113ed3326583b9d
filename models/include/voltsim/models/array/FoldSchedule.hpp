#pragma once
// Folding a GEMM onto the array, and voltsim's native fold schedule (docs/timing.md).
// Shared by the analytic native timing model and the cycle-stepped array, which injects operands
// at exactly these cycles; the cycle model then observes when the last output leaves.
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <cstdint>
#include <vector>

namespace voltsim::models {

/// The GEMM's extents along array rows, array columns and time for one dataflow:
/// OS: (M, N, K), WS: (K, N, M), IS: (K, M, N).
struct FoldMapping {
    std::int64_t spatialRows = 0; ///< SCALE-Sim's Sr
    std::int64_t spatialCols = 0; ///< SCALE-Sim's Sc
    std::int64_t time = 0;        ///< SCALE-Sim's T: stream length of one fold
};

/// One tile of the GEMM on the array: rows [rowBase, rowBase + rowsUsed) and columns
/// [colBase, colBase + colsUsed) of the spatial extents; rowsUsed <= R, colsUsed <= C.
struct Fold {
    std::int64_t rowBase = 0;
    std::int64_t rowsUsed = 0;
    std::int64_t colBase = 0;
    std::int64_t colsUsed = 0;
};

/// Maps a GEMM to spatial rows, columns and time for a dataflow.
FoldMapping mapGemm(const workloads::GemmShape& shape, Dataflow dataflow);

/// ceil(Sr / R) and ceil(Sc / C).
std::int64_t rowFolds(const FoldMapping& mapping, const ArraySpec& spec);
std::int64_t colFolds(const FoldMapping& mapping, const ArraySpec& spec);

/// All folds in execution order: column folds outer, row folds inner (SCALE-Sim's order; with
/// WS/IS the row folds of one column fold accumulate into the same outputs back to back).
std::vector<Fold> enumerateFolds(const FoldMapping& mapping, const ArraySpec& spec);

/// Cycle (0-based, from the start of the layer) at which fold i's weight load and its operand
/// stream begin in the native schedule.
struct FoldTimes {
    std::int64_t loadStart = 0;   ///< WS/IS: first cycle of the stationary-operand load; OS: unused (0)
    std::int64_t streamStart = 0; ///< first cycle the fold's first stream element enters array row 0
};

/// voltsim's native schedule of one layer (docs/timing.md, "Native timing").
struct NativeSchedule {
    std::vector<FoldTimes> folds; ///< one entry per fold, in enumerateFolds order
    std::int64_t totalCycles = 0; ///< cycles until the last output is written back (a count, 1-based)
    std::int64_t stallCycles = 0; ///< cycles the operand stream waits between folds
};

/// Computes the native schedule. Stationary dataflows (WS, IS): L_0 = 0, S_0 = 1,
/// L_{i+1} = max(L_i + R'_i, S_{i-1} + T), S_{i+1} = max(S_i + T, L_{i+1} + 1),
/// total = S_last + T + R + C'_last - 1. OS: S_0 = 0, S_{i+1} = S_i + max(T, R'_i),
/// total = S_last + T + R'_last + C'_last - 1. Stall = sum of (S_{i+1} - S_i - T).
NativeSchedule nativeSchedule(const FoldMapping& mapping, const ArraySpec& spec);

} // namespace voltsim::models
