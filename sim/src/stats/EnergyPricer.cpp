#include "voltsim/sim/stats/EnergyPricer.hpp"

namespace voltsim::sim {

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& other)
{
    macPj += other.macPj;
    weightSramPj += other.weightSramPj;
    weightLeakagePj += other.weightLeakagePj;
    activationSramPj += other.activationSramPj;
    accumulatorSramPj += other.accumulatorSramPj;
    dramPj += other.dramPj;
    return *this;
}

EnergyPricer::EnergyPricer(const RunConfig& config)
    : m_layerModel(config.energy.table, *config.accelerator.weightSram.profile),
      m_sram(*config.accelerator.weightSram.profile), m_table(config.energy.table),
      m_dramPjPerByte(config.energy.dramPjPerByte), m_clockMhz(config.accelerator.clockMhz),
      m_weightBanks(config.accelerator.weightSram.chip.geometry.banks),
      m_vNomMv(config.accelerator.weightSram.profile->vNomMv)
{
}

EnergyBreakdown EnergyPricer::layer(const models::LayerStats& stats, double weightVoltageMv) const
{
    EnergyBreakdown energy;
    if (stats.images == 0)
        return energy;
    const double images = static_cast<double>(stats.images);
    if (stats.shape.macs() > 0) {
        const models::LayerEnergy priced =
            m_layerModel.price(stats.timing, weightVoltageMv, stats.weightStoredBitsPerCode);
        energy.macPj = priced.macPj;
        energy.weightSramPj = priced.weightSramPj;
    }
    // Streamed tiles are written into the weight SRAM (at its voltage) for every batch.
    energy.weightSramPj +=
        static_cast<double>(stats.weightBytesLoaded) * m_sram.writeEnergyPj(weightVoltageMv, 8) / images;
    const double actBits = m_table.activationBits, accBits = m_table.accumulatorBits;
    energy.activationSramPj =
        (static_cast<double>(stats.activationReads) * m_sram.readEnergyPj(m_vNomMv, actBits) +
         static_cast<double>(stats.activationWrites) * m_sram.writeEnergyPj(m_vNomMv, actBits)) /
        images;
    energy.accumulatorSramPj =
        (static_cast<double>(stats.accumulatorReads) * m_sram.readEnergyPj(m_vNomMv, accBits) +
         static_cast<double>(stats.accumulatorWrites) * m_sram.writeEnergyPj(m_vNomMv, accBits)) /
        images;
    return energy;
}

EnergyBreakdown EnergyPricer::perInference(const models::AcceleratorStats& stats,
                                           double weightVoltageMv) const
{
    EnergyBreakdown energy;
    for (const models::LayerStats& row : stats.layers)
        energy += layer(row, weightVoltageMv);
    energy.dramPj = dramBytesPerInference(stats) * m_dramPjPerByte;
    const double seconds = cyclesPerInference(stats) / (m_clockMhz * 1e6);
    // uW x s = 1e-6 J = 1e6 pJ
    energy.weightLeakagePj = m_weightBanks * m_sram.leakagePowerUw(weightVoltageMv) * seconds * 1e6;
    return energy;
}

EnergySavings energySavings(const EnergyBreakdown& atVoltage, const EnergyBreakdown& nominal)
{
    return {1 - atVoltage.totalPj() / nominal.totalPj(),
            1 - atVoltage.weightSramTotalPj() / nominal.weightSramTotalPj()};
}

double latencyUsPerInference(const models::AcceleratorStats& stats, double clockMhz)
{
    return cyclesPerInference(stats) / clockMhz;
}

double cyclesPerInference(const models::AcceleratorStats& stats)
{
    return stats.host.images == 0
               ? 0.0
               : static_cast<double>(stats.host.inferenceCycles) / static_cast<double>(stats.host.images);
}

double dramBytesPerInference(const models::AcceleratorStats& stats)
{
    if (stats.host.images == 0)
        return 0.0;
    const double bytes =
        static_cast<double>(stats.dram.bytesRead + stats.dram.bytesWritten - stats.host.modelBytes);
    return bytes / static_cast<double>(stats.host.images);
}

} // namespace voltsim::sim
