#pragma once
#include "voltsim/memory/WeightPlacement.hpp"

namespace voltsim::memory::impl {

/// `resident`: every tensor is one tile, placed back to back from linear address 0 in tensor
/// order and loaded once at model load; an error if they do not fit the weight SRAM.
class ResidentPlacement : public IWeightPlacement {
  public:
    WeightPlan place(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                     const std::string& context) const override;
    /// Bytes the tensors take back to back.
    static std::uint64_t bytesNeeded(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout);
};

} // namespace voltsim::memory::impl
