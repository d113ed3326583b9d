#pragma once
// Energy of an accelerator run: action counts (AcceleratorStats) x energy per action (the energy
// table for MACs, the weight SRAM's profile for every SRAM's accesses against voltage and for
// leakage, dram.energy_pj_per_byte for DRAM). Each SRAM runs at the voltage of its rail: the
// weight SRAM's rail at the operating point, the other rails at their configured voltage
// (docs/accelerator.md, "Voltage rails").
#include "voltsim/memory/SramEnergyModel.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/timing/LayerEnergy.hpp"
#include "voltsim/sim/run/RunConfig.hpp"

#include <string>
#include <vector>

namespace voltsim::sim {

/// Energy by component, pJ (per inference where returned by EnergyPricer).
struct EnergyBreakdown {
    double macPj = 0;
    double weightSramPj = 0;    ///< dynamic weight SRAM reads and streamed-tile writes at its voltage
    double weightLeakagePj = 0; ///< weight SRAM leakage over the inference's latency
    double activationSramPj = 0;
    double accumulatorSramPj = 0;
    double dramPj = 0;
    double activationLeakagePj = 0;  ///< activation SRAM leakage (0 unless leakage_uw_per_kib is set)
    double accumulatorLeakagePj = 0; ///< accumulator SRAM leakage (0 unless leakage_uw_per_kib is set)

    double totalPj() const
    {
        return macPj + weightSramPj + weightLeakagePj + activationSramPj + accumulatorSramPj + dramPj +
               activationLeakagePj + accumulatorLeakagePj;
    }
    double weightSramTotalPj() const { return weightSramPj + weightLeakagePj; }
    double activationSramTotalPj() const { return activationSramPj + activationLeakagePj; }
    double accumulatorSramTotalPj() const { return accumulatorSramPj + accumulatorLeakagePj; }
    EnergyBreakdown& operator+=(const EnergyBreakdown& other);
    /// Every component divided by `divisor`.
    EnergyBreakdown& operator/=(double divisor);
};

/// The supply of each SRAM, mV, and whether the weight SRAM's protection is priced.
struct SramVoltages {
    double weightMv = 0;
    double activationMv = 0;
    double accumulatorMv = 0;
    /// True for the reference design the savings compare against: the weight SRAM without its
    /// protection (no check bits, no decoder, no reliable cells).
    bool withoutProtection = false;
};

/// One supply rail at an operating point: its SRAMs ("weight_sram", ...) and their energy, pJ.
struct RailEnergy {
    std::string name;
    double voltageMv = 0;
    std::vector<std::string> srams;
    double dynamicPj = 0;
    double leakagePj = 0;

    double totalPj() const { return dynamicPj + leakagePj; }
};

class EnergyPricer {
  public:
    explicit EnergyPricer(const RunConfig& config);

    /// The SRAMs' supplies with the weight SRAM's rail at `weightRailMv`: buffers on that rail
    /// share it, the others take their rail's voltage (V_nom when it sets none).
    SramVoltages voltages(double weightRailMv) const;
    /// The reference of the savings: every SRAM at the profile's V_nom, the weight SRAM without
    /// protection (docs/energy.md, "Protection").
    SramVoltages nominal() const;

    /// One layer, per inference: MACs, weight SRAM reads and the writes of streamed tiles,
    /// activation and accumulator accesses (no DRAM, no leakage).
    EnergyBreakdown layer(const models::LayerStats& stats, const SramVoltages& volts) const;

    /// One inference of the run (layers + DRAM traffic of inputs, logits and streamed weight tiles +
    /// SRAM leakage); the one-off model load of resident weights is not included.
    EnergyBreakdown perInference(const models::AcceleratorStats& stats, const SramVoltages& volts) const;

    /// `energy` (priced at `volts`) split by rail, the weight SRAM's rail first, then config order.
    std::vector<RailEnergy> byRail(const EnergyBreakdown& energy, const SramVoltages& volts) const;

    double nominalVoltageMv() const { return m_vNomMv; }

  private:
    double railVoltage(const std::string& rail, double weightRailMv) const;
    /// The weight SRAM reads of one layer per inference through the protection (docs/energy.md,
    /// "Protection"): codewords read their check bits and switch the decoder; MSB-protected bits
    /// are read from reliable cells at V_nom.
    double weightReadsPj(const models::LayerStats& stats, const SramVoltages& volts) const;
    /// The share of the weight SRAM's cells that are reliable (MSB protection) in `stats`' layers.
    double reliableCellShare(const models::AcceleratorStats& stats, const SramVoltages& volts) const;
    /// The weight SRAM's protection as priced at `volts` (none for the reference design).
    const memory::ProtectionSpec& protectionAt(const SramVoltages& volts) const;

    models::LayerEnergyModel m_layerModel;
    memory::SramEnergyModel m_sram;
    models::EnergyTable m_table;
    models::AcceleratorSpecs m_specs;
    double m_dramPjPerByte;
    double m_vNomMv;
    double m_vMinMv;
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
