#include "voltsim/sim/stats/EnergyPricer.hpp"

#include <algorithm>

namespace voltsim::sim {
namespace {

/// uW x s = 1e-6 J = 1e6 pJ
constexpr double kPjPerUwSecond = 1e6;

} // namespace

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& other)
{
    macPj += other.macPj;
    weightSramPj += other.weightSramPj;
    weightLeakagePj += other.weightLeakagePj;
    activationSramPj += other.activationSramPj;
    accumulatorSramPj += other.accumulatorSramPj;
    dramPj += other.dramPj;
    activationLeakagePj += other.activationLeakagePj;
    accumulatorLeakagePj += other.accumulatorLeakagePj;
    return *this;
}

EnergyBreakdown& EnergyBreakdown::operator/=(double divisor)
{
    for (double* part : {&macPj, &weightSramPj, &weightLeakagePj, &activationSramPj, &accumulatorSramPj,
                         &dramPj, &activationLeakagePj, &accumulatorLeakagePj})
        *part /= divisor;
    return *this;
}

EnergyPricer::EnergyPricer(const RunConfig& config)
    : m_layerModel(config.energy.table, *config.accelerator.weightSram.profile),
      m_sram(*config.accelerator.weightSram.profile), m_table(config.energy.table),
      m_specs(config.accelerator), m_dramPjPerByte(config.energy.dramPjPerByte),
      m_vNomMv(config.accelerator.weightSram.profile->vNomMv),
      m_vMinMv(config.accelerator.weightSram.profile->vMinMv)
{
}

double EnergyPricer::railVoltage(const std::string& rail, double weightRailMv) const
{
    if (rail == m_specs.weightSram.rail)
        return weightRailMv;
    const models::RailSpecs* found = findRail(m_specs, rail);
    return found && found->voltageMv ? *found->voltageMv : m_vNomMv;
}

SramVoltages EnergyPricer::voltages(double weightRailMv) const
{
    return {weightRailMv, railVoltage(m_specs.activationSram.rail, weightRailMv),
            railVoltage(m_specs.accumulatorSram.rail, weightRailMv)};
}

SramVoltages EnergyPricer::nominal() const
{
    return {m_vNomMv, m_vNomMv, m_vNomMv, true};
}

const memory::ProtectionSpec& EnergyPricer::protectionAt(const SramVoltages& volts) const
{
    static const memory::ProtectionSpec kNone;
    return volts.withoutProtection ? kNone : m_specs.weightSram.layout.protection;
}

double EnergyPricer::weightReadsPj(const models::LayerStats& stats, const SramVoltages& volts) const
{
    const memory::ProtectionSpec& protection = protectionAt(volts);
    const double weightMv = volts.weightMv;
    const auto reads = static_cast<double>(stats.timing.filterSramReads); // per image
    const double bits =
        stats.weightStoredBitsPerCode != 0 ? stats.weightStoredBitsPerCode : m_table.weightBits;
    if (protection.scheme == memory::ProtectionScheme::Msb) {
        const double reliable = std::min<double>(protection.msbBits, bits);
        return reads *
               (m_sram.readEnergyPj(weightMv, bits - reliable) + m_sram.readEnergyPj(m_vNomMv, reliable));
    }
    const double codewordsDecoded = protection.storesCodewords() ? reads * bits / protection.dataBits : 0.0;
    return reads * m_sram.readEnergyPj(weightMv, bits * protection.storedBitsPerDataBit()) +
           codewordsDecoded * protection.decoderGates() * m_table.xorGatePj;
}

double EnergyPricer::reliableCellShare(const models::AcceleratorStats& stats, const SramVoltages& volts) const
{
    const memory::ProtectionSpec& protection = protectionAt(volts);
    if (protection.scheme != memory::ProtectionScheme::Msb)
        return 0.0;
    for (const models::LayerStats& layer : stats.layers)
        if (layer.weightStoredBitsPerCode != 0)
            return std::min(1.0, protection.msbBits / static_cast<double>(layer.weightStoredBitsPerCode));
    return 0.0;
}

EnergyBreakdown EnergyPricer::layer(const models::LayerStats& stats, const SramVoltages& volts) const
{
    EnergyBreakdown energy;
    if (stats.images == 0)
        return energy;
    const double images = static_cast<double>(stats.images);
    if (stats.shape.macs() > 0) {
        const models::LayerEnergy priced =
            m_layerModel.price(stats.timing, volts.weightMv, stats.weightStoredBitsPerCode);
        energy.macPj = priced.macPj;
        energy.weightSramPj = weightReadsPj(stats, volts);
    }
    // Streamed tiles are written into the weight SRAM (at its voltage) for every batch; the loaded
    // bytes hold the protection's check bits, which the reference design does not store.
    const double storedPerDataBit =
        volts.withoutProtection ? m_specs.weightSram.layout.protection.storedBitsPerDataBit() : 1.0;
    energy.weightSramPj += static_cast<double>(stats.weightBytesLoaded) / storedPerDataBit *
                           m_sram.writeEnergyPj(volts.weightMv, 8) / images;
    const double actBits = m_table.activationBits, accBits = m_table.accumulatorBits;
    energy.activationSramPj =
        (static_cast<double>(stats.activationReads) * m_sram.readEnergyPj(volts.activationMv, actBits) +
         static_cast<double>(stats.activationWrites) * m_sram.writeEnergyPj(volts.activationMv, actBits)) /
        images;
    energy.accumulatorSramPj =
        (static_cast<double>(stats.accumulatorReads) * m_sram.readEnergyPj(volts.accumulatorMv, accBits) +
         static_cast<double>(stats.accumulatorWrites) * m_sram.writeEnergyPj(volts.accumulatorMv, accBits)) /
        images;
    return energy;
}

EnergyBreakdown EnergyPricer::perInference(const models::AcceleratorStats& stats,
                                           const SramVoltages& volts) const
{
    EnergyBreakdown energy;
    for (const models::LayerStats& row : stats.layers)
        energy += layer(row, volts);
    energy.dramPj = dramBytesPerInference(stats) * m_dramPjPerByte;
    const double seconds = cyclesPerInference(stats) / (m_specs.clockMhz * 1e6);
    // MSB-protected cells are reliable cells at V_nom (docs/energy.md, "Protection").
    const double reliable = reliableCellShare(stats, volts);
    const double leakageUw =
        (1.0 - reliable) * m_sram.leakagePowerUw(volts.weightMv) + reliable * m_sram.leakagePowerUw(m_vNomMv);
    energy.weightLeakagePj = m_specs.weightSram.chip.geometry.banks * leakageUw * seconds * kPjPerUwSecond;
    // A buffer's leakage: its KiB x uW per KiB at V_nom x the profile's leakage law at its voltage.
    const auto bufferLeakage = [&](const models::BufferSpecs& buffer, double voltageMv) {
        const double kib = static_cast<double>(buffer.sizeBytes) / 1024.0;
        return kib * buffer.leakageUwPerKib * m_sram.leakageScale(voltageMv) * seconds * kPjPerUwSecond;
    };
    energy.activationLeakagePj = bufferLeakage(m_specs.activationSram, volts.activationMv);
    energy.accumulatorLeakagePj = bufferLeakage(m_specs.accumulatorSram, volts.accumulatorMv);
    return energy;
}

std::vector<RailEnergy> EnergyPricer::byRail(const EnergyBreakdown& energy, const SramVoltages& volts) const
{
    std::vector<RailEnergy> rails{{m_specs.weightSram.rail,
                                   volts.weightMv,
                                   {"weight_sram"},
                                   energy.weightSramPj,
                                   energy.weightLeakagePj}};
    for (const models::RailSpecs& rail : m_specs.rails)
        rails.push_back({rail.name, rail.voltageMv.value_or(m_vNomMv), {}, 0, 0});
    const auto add = [&](const models::BufferSpecs& buffer, const char* name, double dynamicPj,
                         double leakagePj) {
        for (RailEnergy& rail : rails)
            if (rail.name == buffer.rail) {
                rail.srams.emplace_back(name);
                rail.dynamicPj += dynamicPj;
                rail.leakagePj += leakagePj;
            }
    };
    add(m_specs.activationSram, "activation_sram", energy.activationSramPj, energy.activationLeakagePj);
    add(m_specs.accumulatorSram, "accumulator_sram", energy.accumulatorSramPj, energy.accumulatorLeakagePj);
    return rails;
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
