#pragma once
// What a timing model reports for one layer (SCALE-Sim's COMPUTE/BANDWIDTH/DETAILED report items).
#include <cstdint>

namespace voltsim::models {

/// Per-layer timing and SRAM access counts. Access counts are in operand elements (one byte per
/// input/weight code; output accesses are per output element). Fractions are 0..1.
struct LayerTiming {
    std::int64_t totalCycles = 0;     ///< as the model reports it (SCALE-Sim: zero-based last cycle)
    std::int64_t stallCycles = 0;     ///< cycles the array waited (SCALE-Sim stall-free mode: 0)
    std::int64_t folds = 0;           ///< tiles the GEMM was cut into
    std::int64_t macs = 0;            ///< useful multiply-accumulates, M * K * N
    double overallUtil = 0;           ///< macs / (totalCycles * R * C)
    double mappingEfficiency = 0;     ///< mean over folds of used PEs / (R * C)
    double computeUtil = 0;           ///< model-specific busy-time utilisation (docs/timing.md)
    std::int64_t ifmapSramReads = 0;  ///< input-activation SRAM reads
    std::int64_t filterSramReads = 0; ///< weight SRAM reads
    std::int64_t ofmapSramWrites = 0; ///< output / accumulator SRAM writes
    std::int64_t ofmapSramReads = 0;  ///< accumulator SRAM reads (read-modify-write across K folds)
};

} // namespace voltsim::models
