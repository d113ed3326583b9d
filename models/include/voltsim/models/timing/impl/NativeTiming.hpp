#pragma once
#include "voltsim/models/timing/ITimingModel.hpp"

namespace voltsim::models {

/// voltsim's own timing: the schedule the cycle-stepped array executes (FoldSchedule.hpp,
/// docs/timing.md): double-buffered stationary operands loaded while the previous fold streams,
/// partial sums accumulated across K folds in an accumulator SRAM, totalCycles a 1-based count
/// up to the write-back of the last output.
class NativeTiming : public ITimingModel {
  public:
    std::string name() const override { return "native"; }
    LayerTiming layer(const workloads::GemmShape& shape, const ArraySpec& spec) const override;
    std::string acceleratorMismatch() const override { return ""; }
};

} // namespace voltsim::models
