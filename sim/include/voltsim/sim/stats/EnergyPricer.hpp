#pragma once
// Energy of an accelerator run: action counts (AcceleratorStats) x energy per action (the energy
// table for MACs, the weight SRAM's profile for SRAM accesses against voltage and for leakage,
// dram.energy_pj_per_byte for DRAM). Only the weight SRAM runs at the reduced voltage; the
// activation and accumulator SRAMs are reliable and priced at V_nom.
#include "voltsim/memory/SramEnergyModel.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/timing/LayerEnergy.hpp"
#include "voltsim/sim/run/RunConfig.hpp"

namespace voltsim::sim {

/// Energy by component, pJ (per inference where returned by EnergyPricer).
struct EnergyBreakdown {
    double macPj = 0;
    double weightSramPj = 0;    ///< dynamic weight SRAM reads and streamed-tile writes at its voltage
    double weightLeakagePj = 0; ///< weight SRAM leakage over the inference's latency
    double activationSramPj = 0;
    double accumulatorSramPj = 0;
    double dramPj = 0;

    double totalPj() const
    {
        return macPj + weightSramPj + weightLeakagePj + activationSramPj + accumulatorSramPj + dramPj;
    }
    double weightSramTotalPj() const { return weightSramPj + weightLeakagePj; }
    EnergyBreakdown& operator+=(const EnergyBreakdown& other);
};

class EnergyPricer {
  public:
    explicit EnergyPricer(const RunConfig& config);

    /// One layer, per inference, with the weight SRAM at `weightVoltageMv`: MACs, weight SRAM reads
    /// and the writes of streamed tiles, activation and accumulator accesses (no DRAM, no leakage).
    EnergyBreakdown layer(const models::LayerStats& stats, double weightVoltageMv) const;

    /// One inference of the run (layers + DRAM traffic of inputs, logits and streamed weight tiles +
    /// weight SRAM leakage); the one-off model load of resident weights is not included.
    EnergyBreakdown perInference(const models::AcceleratorStats& stats, double weightVoltageMv) const;

    double nominalVoltageMv() const { return m_vNomMv; }

  private:
    models::LayerEnergyModel m_layerModel;
    memory::SramEnergyModel m_sram;
    models::EnergyTable m_table;
    double m_dramPjPerByte;
    double m_clockMhz;
    std::uint32_t m_weightBanks;
    double m_vNomMv;
};

/// 1 - E(V) / E(V_nom): of the whole inference, and of the weight SRAM (dynamic + leakage, the
/// figure comparable to the paper's). The savings `voltsim run` and `voltsim sweep` report.
struct EnergySavings {
    double total = 0;
    double weightSram = 0;
};
EnergySavings energySavings(const EnergyBreakdown& atVoltage, const EnergyBreakdown& nominal);

/// Cycles of one inference (input DMA, layers, logit DMA).
double cyclesPerInference(const models::AcceleratorStats& stats);
/// Latency of one inference in microseconds: cyclesPerInference / clock.
double latencyUsPerInference(const models::AcceleratorStats& stats, double clockMhz);
/// DRAM bytes of one inference: images, logits and streamed weight tiles (the model load excluded).
double dramBytesPerInference(const models::AcceleratorStats& stats);

} // namespace voltsim::sim
