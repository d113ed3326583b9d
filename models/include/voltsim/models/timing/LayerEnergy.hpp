#pragma once
// Energy of one layer: action counts from a timing model times energy per action
// (configs/energy/*.json for MACs, the memory/ SRAM profile for SRAM accesses against voltage).
#include "voltsim/memory/SramEnergyModel.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"

#include <string>

namespace voltsim::models {

/// The energy-per-action table (configs/energy/default.json documents every key).
struct EnergyTable {
    std::string file;         ///< where it was loaded from
    double macPj = 0;         ///< one uint8 x uint8 -> int32 multiply-accumulate, pJ
    std::string sramProfile;  ///< memory/ profile (name or file) pricing SRAM accesses vs voltage
    int weightBits = 8;       ///< bits per weight-SRAM access (one code)
    int activationBits = 8;   ///< bits per activation-SRAM access
    int accumulatorBits = 32; ///< bits per accumulator/output-SRAM access
    /// One two-input XOR switching in a protection decoder, pJ (docs/energy.md, "Protection").
    double xorGatePj = kDefaultXorGatePj;

    /// Horowitz (45 nm): an 8-bit add, 0.03 pJ, over the 16 XORs of its 8 full adders (an upper
    /// bound: the carry logic is charged to the XORs).
    static constexpr double kDefaultXorGatePj = 0.03 / 16;
};

/// Path of the shipped default table: configs/energy/default.json of voltsim::dataDir().
std::string defaultEnergyTablePath();

/// Loads and validates a table; unknown or missing keys and bad values throw voltsim::InputError
/// "<file>: <key>: <problem>".
EnergyTable loadEnergyTable(const std::string& path);

/// Energy of one layer by component, pJ.
struct LayerEnergy {
    double macPj = 0;
    double weightSramPj = 0;        ///< weight SRAM reads at the chosen voltage
    double activationSramPj = 0;    ///< input-activation SRAM reads at V_nom
    double accumulatorSramPj = 0;   ///< output/accumulator SRAM reads and writes at V_nom
    double weightSramNominalPj = 0; ///< the same weight reads at V_nom (for the saving)

    double totalPj() const { return macPj + weightSramPj + activationSramPj + accumulatorSramPj; }
};

/// Prices LayerTiming counts. Only the weight SRAM runs at the chosen (possibly reduced) voltage;
/// activations and accumulators stay at V_nom (they are reliable, docs/datapath.md). Leakage is
/// not included (it needs the run time and clock of a full accelerator run).
class LayerEnergyModel {
  public:
    LayerEnergyModel(const EnergyTable& table, const memory::SramProfile& profile);

    double nominalVoltageMv() const { return m_vNomMv; }

    /// Energy of `timing`'s action counts with the weight SRAM at `weightVoltageMv`; a weight read
    /// costs `weightBits` bits of SRAM access (0: the table's weight_bits, for topologies without a
    /// model; a model's packed 4-bit codes cost half an 8-bit read).
    LayerEnergy price(const LayerTiming& timing, double weightVoltageMv, unsigned weightBits = 0) const;

  private:
    EnergyTable m_table;
    memory::SramEnergyModel m_sram;
    double m_vNomMv;
};

} // namespace voltsim::models
