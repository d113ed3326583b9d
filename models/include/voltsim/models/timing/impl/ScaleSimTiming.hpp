#pragma once
#include "voltsim/models/timing/ITimingModel.hpp"

namespace voltsim::models {

/// SCALE-Sim v2's accounting in its stall-free (bandwidth-estimate) mode, reproduced exactly:
/// folds run back to back without overlap, each OS fold takes T + R + C - 2 cycles and each WS/IS
/// fold 2R + C + T - 2 (R preload cycles), and the reported Total Cycles is the zero-based index
/// of the last cycle, folds * cycles_per_fold - 1. Utilisations and SRAM counts follow its
/// systolic_compute_{os,ws,is}.py, including their quirks (docs/timing.md).
class ScaleSimTiming : public ITimingModel {
  public:
    std::string name() const override { return "scalesim"; }
    LayerTiming layer(const workloads::GemmShape& shape, const ArraySpec& spec) const override;
    std::string acceleratorMismatch() const override;
};

} // namespace voltsim::models
