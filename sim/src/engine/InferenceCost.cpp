#include "voltsim/sim/engine/InferenceCost.hpp"

#include "voltsim/models/timing/ITimingModel.hpp"

namespace voltsim::sim {

std::vector<workloads::GemmShape> networkGemms(const workloads::Network& network)
{
    std::vector<workloads::GemmShape> gemms;
    for (const auto& layer : network.layers) {
        if (!layer.hasParameters())
            continue;
        const std::int64_t n = layer.outShape.front();
        const std::int64_t pixels = layer.type == workloads::LayerType::Conv2d ? layer.outShape[1] * layer.outShape[2] : 1;
        gemms.push_back({pixels, layer.fanIn(), n});
    }
    return gemms;
}

InferenceCostModel::InferenceCostModel(const workloads::Network& network, const models::ArraySpec& spec,
                                       const std::string& timingName, const models::EnergyTable& table,
                                       const memory::SramProfile& profile, double clockMhz)
    : m_energy(table, profile), m_clockMhz(clockMhz)
{
    const auto timing = models::makeTimingModel(timingName, "timing");
    for (const auto& gemm : networkGemms(network))
        m_layers.push_back(timing->layer(gemm, spec));
}

InferenceCost InferenceCostModel::at(double weightVoltageMv) const
{
    InferenceCost cost;
    for (const auto& layer : m_layers) {
        const models::LayerEnergy energy = m_energy.price(layer, weightVoltageMv);
        cost.cycles += layer.totalCycles;
        cost.energyPj += energy.totalPj();
        cost.weightSramPj += energy.weightSramPj;
    }
    cost.latencyUs = static_cast<double>(cost.cycles) / m_clockMhz;
    return cost;
}

} // namespace voltsim::sim
