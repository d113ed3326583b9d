#include "voltsim/models/timing/LayerEnergy.hpp"

#include "voltsim/common/DataDir.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/common/JsonCursor.hpp"

namespace voltsim::models {
namespace {

/// An optional bit width: @p width keeps its default when the key is absent.
void readBitWidth(const JsonCursor& table, const std::string& key, int& width)
{
    if (const auto value = table.find(key))
        width = static_cast<int>(value->asInt(1, 64));
}

} // namespace

std::string defaultEnergyTablePath()
{
    return dataPath("configs/energy/default.json");
}

EnergyTable loadEnergyTable(const std::string& path)
{
    const JsonCursor document = JsonCursor::load(path, "energy table");
    document["format"].asChoice({"voltsim-energy-table"});
    document["version"].asInt(1, 1);
    if (const auto source = document.find("source")) // provenance, for readers of the file
        source->asString();
    EnergyTable table;
    table.file = path;
    table.macPj = document["mac_pj"].asPositive();
    table.sramProfile = document["sram_profile"].asNonEmptyString();
    readBitWidth(document, "weight_bits", table.weightBits);
    readBitWidth(document, "activation_bits", table.activationBits);
    readBitWidth(document, "accumulator_bits", table.accumulatorBits);
    if (const auto xor_ = document.find("xor_gate_pj"))
        table.xorGatePj = xor_->asPositive();
    document.finish();
    return table;
}

LayerEnergyModel::LayerEnergyModel(const EnergyTable& table, const memory::SramProfile& profile)
    : m_table(table), m_sram(profile), m_vNomMv(profile.vNomMv)
{
}

LayerEnergy LayerEnergyModel::price(const LayerTiming& timing, double weightVoltageMv,
                                    unsigned weightBits) const
{
    const auto count = [](std::int64_t n) { return static_cast<double>(n); };
    const double bitsPerWeightRead = weightBits != 0 ? weightBits : m_table.weightBits;
    LayerEnergy energy;
    energy.macPj = count(timing.macs) * m_table.macPj;
    energy.weightSramPj =
        count(timing.filterSramReads) * m_sram.readEnergyPj(weightVoltageMv, bitsPerWeightRead);
    energy.weightSramNominalPj =
        count(timing.filterSramReads) * m_sram.readEnergyPj(m_vNomMv, bitsPerWeightRead);
    energy.activationSramPj =
        count(timing.ifmapSramReads) * m_sram.readEnergyPj(m_vNomMv, m_table.activationBits);
    energy.accumulatorSramPj =
        count(timing.ofmapSramWrites) * m_sram.writeEnergyPj(m_vNomMv, m_table.accumulatorBits) +
        count(timing.ofmapSramReads) * m_sram.readEnergyPj(m_vNomMv, m_table.accumulatorBits);
    return energy;
}

} // namespace voltsim::models
