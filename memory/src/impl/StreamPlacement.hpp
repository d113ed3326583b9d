#pragma once
#include "voltsim/memory/WeightPlacement.hpp"

namespace voltsim::memory::impl {

/// `stream`: layer by layer, double-buffered. The weight SRAM is split in two halves of
/// floor(capacity / 2) bytes; step s (in execution order) lies in half s mod 2, its tiles back to
/// back from the half's first byte, so step s + 1 loads while step s computes. A layer whose
/// tensors exceed a half is split into the fewest steps of whole output channels (balanced, in
/// granules of rows whose packed codes fill whole bytes) that each fit a half.
class StreamPlacement : public IWeightPlacement {
  public:
    WeightPlan place(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                     const std::string& context) const override;
};

} // namespace voltsim::memory::impl
