#include "voltsim/models/timing/LayerEnergy.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/StrictJson.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

namespace voltsim::models {
namespace {

const std::set<std::string> kKeys{"format",       "version",     "source",          "mac_pj",
                                  "sram_profile", "weight_bits", "activation_bits", "accumulator_bits"};

double positiveNumber(const nlohmann::json& document, const std::string& key, const std::string& file)
{
    if (!document.contains(key))
        throw InputError(file + ": " + key + ": missing");
    const auto& value = document.at(key);
    if (!value.is_number() || value.get<double>() <= 0)
        throw InputError(file + ": " + key + ": must be a positive number");
    return value.get<double>();
}

int bitWidth(const nlohmann::json& document, const std::string& key, int fallback, const std::string& file)
{
    if (!document.contains(key))
        return fallback;
    const auto& value = document.at(key);
    if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() > 64)
        throw InputError(file + ": " + key + ": must be an integer 1..64");
    return value.get<int>();
}

void checkHeader(const nlohmann::json& document, const std::string& file)
{
    if (!document.is_object())
        throw InputError(file + ": top level must be a JSON object");
    for (const auto& item : document.items())
        if (kKeys.count(item.key()) == 0)
            throw InputError(
                file + ": " + item.key() +
                ": unknown key (valid: format, version, source, mac_pj, sram_profile, weight_bits, "
                "activation_bits, accumulator_bits)");
    if (document.value("format", std::string()) != "voltsim-energy-table")
        throw InputError(file + ": format: must be \"voltsim-energy-table\"");
    if (!document.contains("version") || document.at("version") != 1)
        throw InputError(file + ": version: must be 1");
}

} // namespace

std::string defaultEnergyTablePath()
{
    return std::string(VOLTSIM_SOURCE_DIR) + "/configs/energy/default.json";
}

EnergyTable loadEnergyTable(const std::string& path)
{
    const nlohmann::json document = loadUserJsonFile(path, "energy table");
    checkHeader(document, path);
    EnergyTable table;
    table.file = path;
    table.macPj = positiveNumber(document, "mac_pj", path);
    if (!document.contains("sram_profile") || !document.at("sram_profile").is_string())
        throw InputError(path + ": sram_profile: must be a profile name or file");
    table.sramProfile = document.at("sram_profile").get<std::string>();
    table.weightBits = bitWidth(document, "weight_bits", 8, path);
    table.activationBits = bitWidth(document, "activation_bits", 8, path);
    table.accumulatorBits = bitWidth(document, "accumulator_bits", 32, path);
    return table;
}

LayerEnergyModel::LayerEnergyModel(const EnergyTable& table, const memory::SramProfile& profile)
    : m_table(table), m_sram(profile), m_vNomMv(profile.vNomMv)
{
}

LayerEnergy LayerEnergyModel::price(const LayerTiming& timing, double weightVoltageMv, unsigned weightBits) const
{
    const auto count = [](std::int64_t n) { return static_cast<double>(n); };
    const double bitsPerWeightRead = weightBits != 0 ? weightBits : m_table.weightBits;
    LayerEnergy energy;
    energy.macPj = count(timing.macs) * m_table.macPj;
    energy.weightSramPj = count(timing.filterSramReads) * m_sram.readEnergyPj(weightVoltageMv, bitsPerWeightRead);
    energy.weightSramNominalPj = count(timing.filterSramReads) * m_sram.readEnergyPj(m_vNomMv, bitsPerWeightRead);
    energy.activationSramPj =
        count(timing.ifmapSramReads) * m_sram.readEnergyPj(m_vNomMv, m_table.activationBits);
    energy.accumulatorSramPj =
        count(timing.ofmapSramWrites) * m_sram.writeEnergyPj(m_vNomMv, m_table.accumulatorBits) +
        count(timing.ofmapSramReads) * m_sram.readEnergyPj(m_vNomMv, m_table.accumulatorBits);
    return energy;
}

} // namespace voltsim::models
