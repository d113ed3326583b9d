#pragma once
// Cycles, latency and energy of one inference (one image) of a network on the systolic array:
// per-layer counts of a timing model (native by default) priced by LayerEnergyModel with the
// weight SRAM at a chosen voltage. The same counts the accelerator reports per layer.
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/models/timing/LayerEnergy.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"
#include "voltsim/workloads/model/Network.hpp"
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::sim {

/// One inference at one weight-SRAM voltage.
struct InferenceCost {
    std::int64_t cycles = 0;   ///< sum of the layers' totalCycles (layers run one after another)
    double latencyUs = 0;      ///< cycles / clock
    double energyPj = 0;       ///< MACs + weight, activation and accumulator SRAM (no leakage)
    double weightSramPj = 0;   ///< weight-SRAM reads only
};

/// The GEMM a conv2d (M = output pixels, K = C Fh Fw, N = filters) or linear layer (M = 1 image)
/// lowers to; layers without parameters have none.
std::vector<workloads::GemmShape> networkGemms(const workloads::Network& network);

class InferenceCostModel {
public:
    /// @param timingName registry name of the timing model ("native", "scalesim")
    /// @param clockMhz   array clock, MHz (> 0)
    InferenceCostModel(const workloads::Network& network, const models::ArraySpec& spec, const std::string& timingName,
                       const models::EnergyTable& table, const memory::SramProfile& profile, double clockMhz);

    /// Cost with the weight SRAM at `weightVoltageMv` (InputError outside the profile's range).
    InferenceCost at(double weightVoltageMv) const;
    /// Cost at the profile's V_nom.
    InferenceCost nominal() const { return at(m_energy.nominalVoltageMv()); }

    const std::vector<models::LayerTiming>& layers() const { return m_layers; }

private:
    std::vector<models::LayerTiming> m_layers;
    models::LayerEnergyModel m_energy;
    double m_clockMhz;
};

} // namespace voltsim::sim
