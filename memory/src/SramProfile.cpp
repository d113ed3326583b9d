#include "voltsim/memory/SramProfile.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/StrictJson.hpp"
#include "voltsim/common/InputFile.hpp"
#include "voltsim/memory/FaultModelRegistry.hpp"

#include "JsonReader.hpp"
#include "ProfileCurves.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace voltsim::memory {
namespace {

using detail::JsonObject;
using nlohmann::json;

constexpr const char* kFormat = "voltsim-sram-profile";
constexpr double kMaxMv = 1.0e5;

std::string formatMv(double mv)
{
    std::ostringstream out;
    out << mv << " mV";
    return out.str();
}

/// Reads [[voltage_mv, value], ...], sorts it by descending voltage and checks that the values
/// never fall as the voltage falls (`rising` false: never rise, for energies).
std::vector<CurvePoint> readCurve(JsonObject& parent, const std::string& key, double maxValue, bool risingWhenLower)
{
    const auto& array = parent.required(key);
    const std::string path = parent.pathOf(key);
    if (!array.is_array() || array.empty())
        detail::failAt(parent.file(), path, "expected a non-empty array of [voltage_mv, value] pairs");
    std::vector<CurvePoint> points;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string at = path + "/" + std::to_string(i);
        if (!array[i].is_array() || array[i].size() != 2)
            detail::failAt(parent.file(), at, "expected a pair [voltage_mv, value]");
        points.push_back({detail::numberAt(array[i][0], parent.file(), at + "/0", 0.0, kMaxMv),
                          detail::numberAt(array[i][1], parent.file(), at + "/1", 0.0, maxValue)});
    }
    std::vector<std::size_t> order(points.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return points[a].voltageMv > points[b].voltageMv; });
    std::vector<CurvePoint> sorted;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const auto& point = points[order[k]];
        if (k > 0) {
            const auto& higher = sorted.back();
            const std::string at = path + "/" + std::to_string(order[k]);
            if (point.voltageMv == higher.voltageMv)
                detail::failAt(parent.file(), at, "voltage " + formatMv(point.voltageMv) + " listed twice");
            const bool monotone = risingWhenLower ? point.value >= higher.value : point.value <= higher.value;
            if (!monotone)
                detail::failAt(parent.file(), at + "/1",
                               std::string("non-monotone curve: the value must ") +
                                   (risingWhenLower ? "not fall" : "not rise") + " as the voltage falls");
        }
        sorted.push_back(point);
    }
    return sorted;
}

void readGeometry(JsonObject& top, SramProfile& profile)
{
    auto geometry = top.object("geometry");
    profile.geometry.banks = static_cast<std::uint32_t>(geometry.unsignedInteger("arrays", 1, 1u << 16));
    profile.geometry.bank.rows = static_cast<std::uint32_t>(geometry.unsignedInteger("rows", 1, 1u << 24));
    profile.geometry.bank.wordBits = static_cast<std::uint32_t>(geometry.unsignedInteger("word_bits", 8, 4096));
    if (profile.geometry.bank.wordBits % 8 != 0)
        geometry.fail("word_bits", "must be a multiple of 8");
    if (profile.geometry.bank.bits() % 64 != 0)
        geometry.fail("rows", "rows x word_bits must be a multiple of 64");
    geometry.finish({"arrays", "rows", "word_bits"});
}

void readBitErrorRate(JsonObject& top, SramProfile& profile)
{
    auto ber = top.object("bit_error_rate");
    const std::string kind = ber.choice("kind", {"table", "uniform"});
    if (kind == "uniform") {
        profile.berKind = BerKind::Uniform;
        profile.uniformMaxBer = ber.number("max_ber", 0.0, 1.0);
        if (profile.uniformMaxBer <= 0.0)
            ber.fail("max_ber", "must be greater than 0");
        ber.finish({"kind", "max_ber"});
        return;
    }
    profile.berKind = BerKind::Table;
    profile.interpolation =
        ber.choice("interpolation", {"worse", "log_linear"}) == "worse" ? Interpolation::Worse : Interpolation::LogLinear;
    profile.berPoints = readCurve(ber, "points", 1.0, true);
    for (std::size_t i = 0; i < profile.berPoints.size(); ++i) {
        const auto& point = profile.berPoints[i];
        if (point.voltageMv >= profile.vMinMv && point.value != 0.0)
            ber.fail("points", "rate " + std::to_string(point.value) + " at " + formatMv(point.voltageMv) +
                                   " but voltage_min_mv " + formatMv(profile.vMinMv) +
                                   " is by definition error-free");
    }
    ber.finish({"kind", "interpolation", "points"});
}

void readClustering(JsonObject& top, SramProfile& profile)
{
    if (!top.has("clustering"))
        return;
    auto clustering = top.object("clustering");
    auto& c = profile.clustering;
    c.weakRowShare = clustering.number("weak_row_share", 0.0, 1.0);
    c.weakRowFactor = clustering.number("weak_row_factor", 1.0, 1.0e6);
    c.weakColumnShare = clustering.number("weak_column_share", 0.0, 1.0);
    c.weakColumnFactor = clustering.number("weak_column_factor", 1.0, 1.0e6);
    if (c.weakRowShare * c.weakRowFactor > 1.0)
        clustering.fail("weak_row_factor", "weak_row_share x weak_row_factor must not exceed 1 (mean rate p)");
    if (c.weakColumnShare * c.weakColumnFactor > 1.0)
        clustering.fail("weak_column_factor", "weak_column_share x weak_column_factor must not exceed 1 (mean rate p)");
    clustering.finish({"weak_row_share", "weak_row_factor", "weak_column_share", "weak_column_factor"});
}

/// A relative table must hold V_nom with value 1.
void checkRelativeTable(JsonObject& section, const std::vector<CurvePoint>& points, double vNomMv)
{
    for (const auto& point : points)
        if (point.voltageMv == vNomMv) {
            if (point.value != 1.0)
                section.fail("points", "the value at voltage_nom_mv must be 1 (values are relative to V_nom)");
            return;
        }
    section.fail("points", "must contain voltage_nom_mv " + formatMv(vNomMv) + " with value 1");
}

void readEnergy(JsonObject& top, SramProfile& profile)
{
    auto energy = top.object("energy");
    auto& e = profile.energy;
    e.readPj64 = energy.number("read_pj_64bit", 0.0, 1.0e9);
    e.writePj64 = energy.number("write_pj_64bit", 0.0, 1.0e9);
    if (energy.choice("scaling", {"v2", "table"}) == "table") {
        e.scaling = EnergyScaling::Table;
        e.points = readCurve(energy, "points", 1.0e6, false);
        checkRelativeTable(energy, e.points, profile.vNomMv);
        energy.finish({"read_pj_64bit", "write_pj_64bit", "scaling", "points"});
        return;
    }
    e.scaling = EnergyScaling::V2;
    energy.finish({"read_pj_64bit", "write_pj_64bit", "scaling"});
}

void readLeakage(JsonObject& top, SramProfile& profile)
{
    auto leakage = top.object("leakage");
    auto& l = profile.leakage;
    l.powerUwPerBank = leakage.number("power_uw_per_bank", 0.0, 1.0e9);
    if (leakage.choice("scaling", {"exponential", "table"}) == "table") {
        l.scaling = EnergyScaling::Table;
        l.points = readCurve(leakage, "points", 1.0e6, false);
        checkRelativeTable(leakage, l.points, profile.vNomMv);
        leakage.finish({"power_uw_per_bank", "scaling", "points"});
        return;
    }
    l.scaling = EnergyScaling::Exponential;
    l.scaleMv = leakage.number("scale_mv", 0.0, kMaxMv);
    if (l.scaleMv <= 0.0)
        leakage.fail("scale_mv", "must be greater than 0");
    leakage.finish({"power_uw_per_bank", "scaling", "scale_mv"});
}

MeasuredCell readCell(const json& value, const FaultMap& map, const std::string& file, const std::string& path)
{
    if (!value.is_array() || value.size() != 5)
        detail::failAt(file, path, "expected [array, row, column, failure_mv, stuck_value]");
    const double limits[] = {map.arrays - 1.0, map.rows - 1.0, map.columns - 1.0, kMaxMv, 1.0};
    double numbers[5];
    for (std::size_t i = 0; i < 5; ++i) {
        const std::string at = path + "/" + std::to_string(i);
        numbers[i] = detail::numberAt(value[i], file, at, 0.0, limits[i]);
        if (i != 3 && numbers[i] != std::floor(numbers[i]))
            detail::failAt(file, at, "expected an integer");
    }
    return {static_cast<std::uint32_t>(numbers[0]), static_cast<std::uint32_t>(numbers[1]),
            static_cast<std::uint32_t>(numbers[2]), numbers[3], static_cast<std::uint8_t>(numbers[4])};
}

void readFaultMap(JsonObject& top, SramProfile& profile)
{
    if (!top.has("fault_map")) {
        if (profile.faultSemantics == "map")
            top.fail("fault_map", "missing required key (fault_semantics is 'map')");
        return;
    }
    auto section = top.object("fault_map");
    FaultMap map;
    map.arrays = static_cast<std::uint32_t>(section.unsignedInteger("arrays", 1, 1u << 16));
    map.rows = static_cast<std::uint32_t>(section.unsignedInteger("rows", 1, 1u << 24));
    map.columns = static_cast<std::uint32_t>(section.unsignedInteger("columns", 1, 1u << 16));
    const auto& measured = section.required("measured_voltages_mv");
    if (!measured.is_array() || measured.empty())
        section.fail("measured_voltages_mv", "expected a non-empty array of voltages");
    for (std::size_t i = 0; i < measured.size(); ++i) {
        const std::string at = section.pathOf("measured_voltages_mv") + "/" + std::to_string(i);
        map.measuredMv.push_back(detail::numberAt(measured[i], section.file(), at, 0.0, kMaxMv));
        if (i > 0 && map.measuredMv[i] >= map.measuredMv[i - 1])
            detail::failAt(section.file(), at, "measured voltages must be strictly descending");
    }
    const auto& cells = section.required("cells");
    if (!cells.is_array())
        section.fail("cells", "expected an array of [array, row, column, failure_mv, stuck_value]");
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string at = section.pathOf("cells") + "/" + std::to_string(i);
        map.cells.push_back(readCell(cells[i], map, section.file(), at));
        if (map.cells.back().failureMv >= profile.vMinMv)
            detail::failAt(section.file(), at + "/3", "failure voltage at or above voltage_min_mv");
    }
    if (map.measuredMv.front() > profile.vMinMv)
        section.fail("measured_voltages_mv", "measured voltages above voltage_min_mv");
    section.finish({"arrays", "rows", "columns", "measured_voltages_mv", "cells"});
    profile.faultMap = std::move(map);
}

json curveToJson(const std::vector<CurvePoint>& points)
{
    json array = json::array();
    for (const auto& point : points)
        array.push_back({point.voltageMv, point.value});
    return array;
}

} // namespace

std::string shippedProfileDir() { return std::string(VOLTSIM_SOURCE_DIR) + "/memory/profiles"; }

std::string resolveProfilePath(const std::string& nameOrFile)
{
    namespace fs = std::filesystem;
    const bool looksLikePath = nameOrFile.find('/') != std::string::npos || fs::path(nameOrFile).has_extension();
    if (looksLikePath) {
        rejectDirectory(nameOrFile, "a profile file");
        if (!fs::is_regular_file(nameOrFile))
            throw InputError(nameOrFile + ": profile file not found");
        return nameOrFile;
    }
    const std::string shipped = shippedProfileDir() + "/" + nameOrFile + ".json";
    if (fs::is_regular_file(shipped))
        return shipped;
    std::string valid;
    for (const auto& name : shippedProfileNames())
        valid += (valid.empty() ? "" : ", ") + name;
    throw InputError("unknown profile '" + nameOrFile + "' (shipped: " + valid + "; or give a path to a .json file)");
}

std::vector<std::string> shippedProfileNames()
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(shippedProfileDir()))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
            names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

SramProfile loadProfile(const std::string& nameOrFile)
{
    const std::string path = resolveProfilePath(nameOrFile);
    return parseProfile(loadUserJsonFile(path, "profile"), path);
}

SramProfile parseProfile(const json& document, const std::string& file)
{
    JsonObject top(document, file, "");
    if (top.string("format") != kFormat)
        top.fail("format", std::string("expected \"") + kFormat + "\"");
    top.unsignedInteger("version", 1, 1);
    SramProfile profile;
    profile.file = file;
    profile.name = top.string("name");
    profile.source = top.string("source");
    profile.technology = top.string("technology");
    profile.vNomMv = top.number("voltage_nom_mv", 0.0, kMaxMv);
    profile.vMinMv = top.number("voltage_min_mv", 0.0, kMaxMv);
    if (profile.vMinMv <= 0.0)
        top.fail("voltage_min_mv", "must be greater than 0");
    if (profile.vNomMv < profile.vMinMv)
        top.fail("voltage_nom_mv", "must not be below voltage_min_mv");
    readGeometry(top, profile);
    readBitErrorRate(top, profile);
    profile.faultSemantics = top.choice("fault_semantics", FaultModelRegistry::builtIn().names());
    profile.stuckAt0Share = top.number("stuck_at_0_share", 0.0, 1.0);
    readClustering(top, profile);
    readEnergy(top, profile);
    readLeakage(top, profile);
    readFaultMap(top, profile);
    top.finish({"format", "version", "name", "source", "technology", "voltage_nom_mv", "voltage_min_mv", "geometry",
                "bit_error_rate", "fault_semantics", "stuck_at_0_share", "clustering", "energy", "leakage",
                "fault_map"});
    return profile;
}

double SramProfile::bitErrorRate(double voltageMv) const
{
    if (!std::isfinite(voltageMv) || voltageMv < 0.0)
        throw InputError("profile " + name + ": invalid voltage " + formatMv(voltageMv));
    if (voltageMv >= vMinMv)
        return 0.0;
    if (berKind == BerKind::Uniform)
        throw InputError("profile " + name + " (" + file +
                         ") sets the bit error rate directly (--ber P); it has no rate below voltage_min_mv");
    if (voltageMv < berPoints.back().voltageMv)
        throw InputError("profile " + name + " (" + file + "): voltage " + formatMv(voltageMv) +
                         " is below its lowest table point " + formatMv(berPoints.back().voltageMv) +
                         " (no extrapolation)");
    return interpolateRate(berPoints, vMinMv, voltageMv, interpolation);
}

double SramProfile::voltageFromRelative(double relative) const
{
    return std::round(relative * vMinMv * 1.0e6) / 1.0e6;
}

double SramProfile::maxBitErrorRate() const
{
    return berKind == BerKind::Uniform ? uniformMaxBer : berPoints.back().value;
}

double SramProfile::lowestVoltageMv() const
{
    return berKind == BerKind::Uniform ? vMinMv : std::min(vMinMv, berPoints.back().voltageMv);
}

json geometryToJson(const ChipGeometry& geometry)
{
    return {{"arrays", geometry.banks}, {"rows", geometry.bank.rows}, {"word_bits", geometry.bank.wordBits}};
}

json profileToJson(const SramProfile& profile)
{
    json out = {{"format", kFormat},
                {"version", 1},
                {"name", profile.name},
                {"source", profile.source},
                {"technology", profile.technology},
                {"voltage_nom_mv", profile.vNomMv},
                {"voltage_min_mv", profile.vMinMv},
                {"geometry", geometryToJson(profile.geometry)}};
    if (profile.berKind == BerKind::Uniform)
        out["bit_error_rate"] = {{"kind", "uniform"}, {"max_ber", profile.uniformMaxBer}};
    else
        out["bit_error_rate"] = {{"kind", "table"},
                                 {"interpolation", profile.interpolation == Interpolation::Worse ? "worse" : "log_linear"},
                                 {"points", curveToJson(profile.berPoints)}};
    out["fault_semantics"] = profile.faultSemantics;
    out["stuck_at_0_share"] = profile.stuckAt0Share;
    if (profile.clustering.enabled())
        out["clustering"] = {{"weak_row_share", profile.clustering.weakRowShare},
                             {"weak_row_factor", profile.clustering.weakRowFactor},
                             {"weak_column_share", profile.clustering.weakColumnShare},
                             {"weak_column_factor", profile.clustering.weakColumnFactor}};
    const auto& e = profile.energy;
    out["energy"] = {{"read_pj_64bit", e.readPj64}, {"write_pj_64bit", e.writePj64},
                     {"scaling", e.scaling == EnergyScaling::Table ? "table" : "v2"}};
    if (e.scaling == EnergyScaling::Table)
        out["energy"]["points"] = curveToJson(e.points);
    const auto& l = profile.leakage;
    out["leakage"] = {{"power_uw_per_bank", l.powerUwPerBank},
                      {"scaling", l.scaling == EnergyScaling::Table ? "table" : "exponential"}};
    if (l.scaling == EnergyScaling::Table)
        out["leakage"]["points"] = curveToJson(l.points);
    else
        out["leakage"]["scale_mv"] = l.scaleMv;
    if (profile.faultMap) {
        const auto& map = *profile.faultMap;
        json cells = json::array();
        for (const auto& cell : map.cells)
            cells.push_back({cell.array, cell.row, cell.column, cell.failureMv, cell.stuckValue});
        out["fault_map"] = {{"arrays", map.arrays},
                            {"rows", map.rows},
                            {"columns", map.columns},
                            {"measured_voltages_mv", map.measuredMv},
                            {"cells", cells}};
    }
    return out;
}

} // namespace voltsim::memory
