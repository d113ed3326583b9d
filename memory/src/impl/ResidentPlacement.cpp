#include "ResidentPlacement.hpp"

#include "PlacementSteps.hpp"
#include "voltsim/common/Error.hpp"

namespace voltsim::memory::impl {

std::uint64_t ResidentPlacement::bytesNeeded(const std::vector<CodeTensorView>& tensors,
                                             const WeightLayout& layout)
{
    std::uint64_t bytes = 0;
    for (const CodeTensorView& tensor : tensors)
        bytes += layout.tensorBytes(tensor.count, tensor.bits);
    return bytes;
}

WeightPlan ResidentPlacement::place(const std::vector<CodeTensorView>& tensors, const WeightLayout& layout,
                                    const std::string& context) const
{
    const std::vector<TensorGroup> groups = groupsOf(tensors, context);
    const std::uint64_t needed = bytesNeeded(tensors, layout);
    if (needed > layout.capacityBytes())
        throw InputError(context + ": resident weights need " + std::to_string(needed) +
                         " bytes but the weight SRAM holds " + std::to_string(layout.capacityBytes()) +
                         " (stream or auto streams them through it)");
    WeightPlan plan;
    std::uint64_t address = 0;
    for (const TensorGroup& group : groups)
        address = addStep(plan, group, tensors, layout, 0, group.rows, address);
    assignDramOffsets(plan);
    return plan;
}

} // namespace voltsim::memory::impl
