#pragma once
// Energy of SRAM accesses against supply voltage, from a profile (Timeloop/Accelergy style:
// counts x energy per action). Dynamic energy is linear in the access width, so a bank's
// SramStats suffice to re-price a run offline at any voltage.
#include "voltsim/memory/SramArray.hpp"
#include "voltsim/memory/SramProfile.hpp"

namespace voltsim::memory {

/// Energy of one bank over a run, in pJ.
struct SramEnergy {
    double readPj = 0.0;
    double writePj = 0.0;
    double leakagePj = 0.0;

    double totalPj() const { return readPj + writePj + leakagePj; }
};

class SramEnergyModel {
  public:
    /// Copies what it needs from `profile`.
    explicit SramEnergyModel(const SramProfile& profile);

    /// Dynamic energy scale at `voltageMv` relative to V_nom: (V/V_nom)^2 or the profile's table.
    /// InputError for a voltage <= 0 or outside the table.
    double dynamicScale(double voltageMv) const;
    /// Leakage scale relative to V_nom: exp((V - V_nom) / scale_mv) or the profile's table.
    double leakageScale(double voltageMv) const;

    /// pJ of one read (write) access of `bits` bits at `voltageMv`.
    double readEnergyPj(double voltageMv, double bits) const;
    double writeEnergyPj(double voltageMv, double bits) const;
    /// Leakage power of one bank at `voltageMv`, in uW.
    double leakagePowerUw(double voltageMv) const;

    /// Prices one bank's counters at `voltageMv`, with leakage over `seconds` of run time.
    SramEnergy bankEnergy(const SramStats& stats, double voltageMv, double seconds) const;

  private:
    std::string m_name;
    double m_vNomMv;
    EnergySpec m_energy;
    LeakageSpec m_leakage;
};

} // namespace voltsim::memory
