#pragma once
// Where an SRAM operates: at the profile's nominal voltage, at a supply voltage, or at a bit error
// rate set directly (the paper's p-sweeps with the `random` model). SramChip::setOperatingPoint
// applies one to a chip (docs/profiles.md).
#include "voltsim/memory/SramProfile.hpp"

#include <limits>

namespace voltsim::memory {

class OperatingPoint {
  public:
    enum class Kind {
        Nominal, ///< the profile's V_nom (no faults)
        Voltage, ///< a supply voltage in mV (the profile's p(V))
        Rate,    ///< a bit error rate set directly; the voltage is unknown
    };

    /// Nominal.
    OperatingPoint() = default;
    static OperatingPoint nominal() { return {}; }
    static OperatingPoint atVoltage(double voltageMv) { return {Kind::Voltage, voltageMv}; }
    static OperatingPoint atRate(double ber) { return {Kind::Rate, ber}; }

    Kind kind() const { return m_kind; }
    bool byRate() const { return m_kind == Kind::Rate; }
    /// The supply in mV: as set, `profile`'s V_nom when nominal, NaN when set by rate.
    double voltageMv(const SramProfile& profile) const
    {
        switch (m_kind) {
        case Kind::Nominal:
            return profile.vNomMv;
        case Kind::Voltage:
            return m_value;
        case Kind::Rate:
            break;
        }
        return std::numeric_limits<double>::quiet_NaN();
    }
    /// The rate set directly (a fraction of bit cells in [0, 1]); NaN unless byRate().
    double ber() const { return byRate() ? m_value : std::numeric_limits<double>::quiet_NaN(); }

  private:
    OperatingPoint(Kind kind, double value) : m_kind(kind), m_value(value) {}

    Kind m_kind = Kind::Nominal;
    double m_value = 0; ///< mV for Voltage, the rate for Rate
};

} // namespace voltsim::memory
