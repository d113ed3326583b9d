#include "voltsim/memory/SramEnergyModel.hpp"

#include "voltsim/common/Error.hpp"

#include "ProfileCurves.hpp"

#include <cmath>
#include <sstream>

namespace voltsim::memory {
namespace {

void checkVoltage(double voltageMv, const std::string& profile)
{
    if (!(std::isfinite(voltageMv) && voltageMv > 0.0)) {
        std::ostringstream message;
        message << "profile " << profile << ": invalid voltage " << voltageMv << " mV for energy";
        throw InputError(message.str());
    }
}

} // namespace

SramEnergyModel::SramEnergyModel(const SramProfile& profile)
    : m_name(profile.name), m_vNomMv(profile.vNomMv), m_energy(profile.energy), m_leakage(profile.leakage)
{
}

double SramEnergyModel::dynamicScale(double voltageMv) const
{
    checkVoltage(voltageMv, m_name);
    if (m_energy.scaling == EnergyScaling::Table)
        return interpolateLinear(m_energy.points, voltageMv, "profile " + m_name + " energy table");
    const double ratio = voltageMv / m_vNomMv;
    return ratio * ratio;
}

double SramEnergyModel::leakageScale(double voltageMv) const
{
    checkVoltage(voltageMv, m_name);
    if (m_leakage.scaling == EnergyScaling::Table)
        return interpolateLinear(m_leakage.points, voltageMv, "profile " + m_name + " leakage table");
    return std::exp((voltageMv - m_vNomMv) / m_leakage.scaleMv);
}

double SramEnergyModel::readEnergyPj(double voltageMv, double bits) const
{
    return m_energy.readPj64 * (bits / 64.0) * dynamicScale(voltageMv);
}

double SramEnergyModel::writeEnergyPj(double voltageMv, double bits) const
{
    return m_energy.writePj64 * (bits / 64.0) * dynamicScale(voltageMv);
}

double SramEnergyModel::leakagePowerUw(double voltageMv) const
{
    return m_leakage.powerUwPerBank * leakageScale(voltageMv);
}

SramEnergy SramEnergyModel::bankEnergy(const SramStats& stats, double voltageMv, double seconds) const
{
    SramEnergy energy;
    energy.readPj = readEnergyPj(voltageMv, 8.0 * static_cast<double>(stats.bytesRead));
    energy.writePj = writeEnergyPj(voltageMv, 8.0 * static_cast<double>(stats.bytesWritten));
    energy.leakagePj = leakagePowerUw(voltageMv) * seconds * 1.0e6; // uW x s = 1e-6 J = 1e6 pJ
    return energy;
}

} // namespace voltsim::memory
