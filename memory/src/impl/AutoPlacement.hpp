#pragma once
#include "ResidentPlacement.hpp"
#include "StreamPlacement.hpp"

namespace voltsim::memory::impl {

/// `auto`: `resident` if the tensors fit the weight SRAM, `stream` otherwise.
class AutoPlacement : public IWeightPlacement {
  public:
    WeightPlan place(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                     const std::string& context) const override
    {
        if (ResidentPlacement::bytesNeeded(tensors, layout) <= layout.capacityBytes())
            return ResidentPlacement().place(tensors, layout, context);
        return StreamPlacement().place(tensors, layout, context);
    }
};

} // namespace voltsim::memory::impl
