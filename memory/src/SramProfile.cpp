#include "voltsim/memory/SramProfile.hpp"

#include "voltsim/common/DataDir.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"
#include "voltsim/common/JsonCursor.hpp"
#include "voltsim/memory/FaultModels.hpp"

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
std::vector<CurvePoint> readCurve(const JsonCursor& curve, double maxValue, bool risingWhenLower)
{
    const auto pairs = curve.elements(1);
    std::vector<CurvePoint> points;
    for (const auto& pair : pairs) {
        const auto values = pair.elements(2, 2);
        points.push_back({values[0].asDouble(0.0, kMaxMv), values[1].asDouble(0.0, maxValue)});
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
            const JsonCursor& at = pairs[order[k]];
            if (point.voltageMv == higher.voltageMv)
                at.fail("voltage " + formatMv(point.voltageMv) + " listed twice");
            const bool monotone = risingWhenLower ? point.value >= higher.value : point.value <= higher.value;
            if (!monotone)
                at[1].fail(std::string("non-monotone curve: the value must ") +
                           (risingWhenLower ? "not fall" : "not rise") + " as the voltage falls");
        }
        sorted.push_back(point);
    }
    return sorted;
}

void readGeometry(const JsonCursor& geometry, SramProfile& profile)
{
    profile.geometry.banks = static_cast<std::uint32_t>(geometry["arrays"].asUint64(1, 1u << 16));
    profile.geometry.bank.rows = static_cast<std::uint32_t>(geometry["rows"].asUint64(1, 1u << 24));
    profile.geometry.bank.wordBits = static_cast<std::uint32_t>(geometry["word_bits"].asUint64(8, 4096));
    if (profile.geometry.bank.wordBits % 8 != 0)
        geometry["word_bits"].fail("must be a multiple of 8");
    if (profile.geometry.bank.bits() % 64 != 0)
        geometry["rows"].fail("rows x word_bits must be a multiple of 64");
    geometry.finish();
}

void readBitErrorRate(const JsonCursor& ber, SramProfile& profile)
{
    if (ber["kind"].asChoice({"table", "uniform"}) == "uniform") {
        profile.berKind = BerKind::Uniform;
        profile.uniformMaxBer = ber["max_ber"].asPositive(1.0);
        ber.finish();
        return;
    }
    profile.berKind = BerKind::Table;
    profile.interpolation = ber["interpolation"].asChoice({"worse", "log_linear"}) == "worse"
                                ? Interpolation::Worse
                                : Interpolation::LogLinear;
    profile.berPoints = readCurve(ber["points"], 1.0, true);
    for (const auto& point : profile.berPoints)
        if (point.voltageMv >= profile.vMinMv && point.value != 0.0)
            ber["points"].fail("rate " + std::to_string(point.value) + " at " + formatMv(point.voltageMv) +
                               " but voltage_min_mv " + formatMv(profile.vMinMv) +
                               " is by definition error-free");
    ber.finish();
}

void readClustering(const JsonCursor& clustering, SramProfile& profile)
{
    auto& c = profile.clustering;
    c.weakRowShare = clustering["weak_row_share"].asDouble(0.0, 1.0);
    c.weakRowFactor = clustering["weak_row_factor"].asDouble(1.0, 1.0e6);
    c.weakColumnShare = clustering["weak_column_share"].asDouble(0.0, 1.0);
    c.weakColumnFactor = clustering["weak_column_factor"].asDouble(1.0, 1.0e6);
    if (c.weakRowShare * c.weakRowFactor > 1.0)
        clustering["weak_row_factor"].fail(
            "weak_row_share x weak_row_factor must not exceed 1 (mean rate p)");
    if (c.weakColumnShare * c.weakColumnFactor > 1.0)
        clustering["weak_column_factor"].fail(
            "weak_column_share x weak_column_factor must not exceed 1 (mean rate p)");
    clustering.finish();
}

void readVariation(const JsonCursor& variation, SramProfile& profile)
{
    profile.variation.chipSigmaMv = variation["chip_sigma_mv"].asDouble(0.0, Variation::kMaxSigmaMv);
    profile.variation.bankSigmaMv = variation["bank_sigma_mv"].asDouble(0.0, Variation::kMaxSigmaMv);
    if (profile.variation.enabled() && profile.berKind == BerKind::Uniform)
        variation.fail("needs a bit_error_rate table: a uniform profile has no voltage axis to shift");
    variation.finish();
}

/// A relative table must hold V_nom with value 1.
void checkRelativeTable(const JsonCursor& points, const std::vector<CurvePoint>& curve, double vNomMv)
{
    for (const auto& point : curve)
        if (point.voltageMv == vNomMv) {
            if (point.value != 1.0)
                points.fail("the value at voltage_nom_mv must be 1 (values are relative to V_nom)");
            return;
        }
    points.fail("must contain voltage_nom_mv " + formatMv(vNomMv) + " with value 1");
}

/// A curve of values relative to V_nom, under "points".
std::vector<CurvePoint> readRelativeTable(const JsonCursor& section, double vNomMv)
{
    const JsonCursor points = section["points"];
    auto curve = readCurve(points, 1.0e6, false);
    checkRelativeTable(points, curve, vNomMv);
    return curve;
}

void readEnergy(const JsonCursor& energy, SramProfile& profile)
{
    auto& e = profile.energy;
    e.readPj64 = energy["read_pj_64bit"].asDouble(0.0, 1.0e9);
    e.writePj64 = energy["write_pj_64bit"].asDouble(0.0, 1.0e9);
    if (energy["scaling"].asChoice({"v2", "table"}) == "table") {
        e.scaling = EnergyScaling::Table;
        e.points = readRelativeTable(energy, profile.vNomMv);
    } else {
        e.scaling = EnergyScaling::V2;
    }
    energy.finish();
}

void readLeakage(const JsonCursor& leakage, SramProfile& profile)
{
    auto& l = profile.leakage;
    l.powerUwPerBank = leakage["power_uw_per_bank"].asDouble(0.0, 1.0e9);
    if (leakage["scaling"].asChoice({"exponential", "table"}) == "table") {
        l.scaling = EnergyScaling::Table;
        l.points = readRelativeTable(leakage, profile.vNomMv);
    } else {
        l.scaling = EnergyScaling::Exponential;
        l.scaleMv = leakage["scale_mv"].asPositive(kMaxMv);
    }
    leakage.finish();
}

/// [array, row, column, failure_mv, stuck_value], each index inside the map.
MeasuredCell readCell(const JsonCursor& cell, const FaultMap& map)
{
    const auto fields = cell.elements(5, 5);
    const auto index = [&](std::size_t i, std::uint32_t count) {
        return static_cast<std::uint32_t>(fields[i].asUint64(0, count - 1));
    };
    return {index(0, map.arrays), index(1, map.rows), index(2, map.columns), fields[3].asDouble(0.0, kMaxMv),
            static_cast<std::uint8_t>(fields[4].asUint64(0, 1))};
}

void readFaultMap(const JsonCursor& top, SramProfile& profile)
{
    const auto section = top.find("fault_map");
    if (!section) {
        if (profile.faultSemantics == "map")
            top.fail("fault_map: missing required key (fault_semantics is \"map\")"); // top is the root
        return;
    }
    FaultMap map;
    if (const auto placement = section->find("placement"))
        map.placement = placement->asChoice({"per_seed", "as_measured"}) == "per_seed"
                            ? MapPlacement::PerSeed
                            : MapPlacement::AsMeasured;
    map.arrays = static_cast<std::uint32_t>((*section)["arrays"].asUint64(1, 1u << 16));
    map.rows = static_cast<std::uint32_t>((*section)["rows"].asUint64(1, 1u << 24));
    map.columns = static_cast<std::uint32_t>((*section)["columns"].asUint64(1, 1u << 16));
    const JsonCursor measured = (*section)["measured_voltages_mv"];
    for (const auto& voltage : measured.elements(1)) {
        map.measuredMv.push_back(voltage.asDouble(0.0, kMaxMv));
        if (map.measuredMv.size() > 1 && map.measuredMv.back() >= map.measuredMv[map.measuredMv.size() - 2])
            voltage.fail("measured voltages must be strictly descending");
    }
    for (const auto& cell : (*section)["cells"].elements()) {
        map.cells.push_back(readCell(cell, map));
        if (map.cells.back().failureMv >= profile.vMinMv)
            cell[3].fail("failure voltage at or above voltage_min_mv");
    }
    if (map.measuredMv.front() > profile.vMinMv)
        measured.fail("measured voltages above voltage_min_mv");
    section->finish();
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

std::string resolveProfilePath(const std::string& nameOrFile)
{
    namespace fs = std::filesystem;
    const bool looksLikePath =
        nameOrFile.find('/') != std::string::npos || fs::path(nameOrFile).has_extension();
    if (looksLikePath) {
        checkInputFile(nameOrFile, "a profile file");
        if (!fs::is_regular_file(nameOrFile))
            throw InputError(nameOrFile + ": profile file not found");
        return nameOrFile;
    }
    std::string shipped = dataPath("profiles/" + nameOrFile + ".json");
    if (fs::is_regular_file(shipped))
        return shipped;
    std::string valid;
    for (const auto& name : shippedProfileNames())
        valid += (valid.empty() ? "" : ", ") + name;
    throw InputError("unknown profile '" + nameOrFile + "' (shipped: " + valid +
                     "; or give a path to a .json file)");
}

std::vector<std::string> shippedProfileNames()
{
    return dataFileNames("profiles", ".json");
}

SramProfile loadProfile(const std::string& nameOrFile)
{
    const std::string path = resolveProfilePath(nameOrFile);
    return parseProfile(JsonCursor::load(path, "profile").json(), path);
}

SramProfile parseProfile(const json& document, const std::string& file)
{
    const JsonCursor top(document, file);
    if (top["format"].asString() != kFormat)
        top["format"].fail(std::string("expected \"") + kFormat + "\", got " +
                           briefJson(top["format"].json()));
    top["version"].asUint64(1, 1);
    SramProfile profile;
    profile.file = file;
    profile.name = top["name"].asNonEmptyString();
    profile.source = top["source"].asNonEmptyString();
    profile.technology = top["technology"].asNonEmptyString();
    profile.vNomMv = top["voltage_nom_mv"].asDouble(0.0, kMaxMv);
    profile.vMinMv = top["voltage_min_mv"].asPositive(kMaxMv);
    if (profile.vNomMv < profile.vMinMv)
        top["voltage_nom_mv"].fail("must not be below voltage_min_mv");
    readGeometry(top["geometry"], profile);
    readBitErrorRate(top["bit_error_rate"], profile);
    profile.faultSemantics = top["fault_semantics"].asChoice(faultModels().names());
    profile.stuckAt0Share = top["stuck_at_0_share"].asDouble(0.0, 1.0);
    if (const auto clustering = top.find("clustering"))
        readClustering(*clustering, profile);
    if (const auto variation = top.find("variation"))
        readVariation(*variation, profile);
    readEnergy(top["energy"], profile);
    readLeakage(top["leakage"], profile);
    readFaultMap(top, profile);
    top.finish();
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
        out["bit_error_rate"] = {
            {"kind", "table"},
            {"interpolation", profile.interpolation == Interpolation::Worse ? "worse" : "log_linear"},
            {"points", curveToJson(profile.berPoints)}};
    out["fault_semantics"] = profile.faultSemantics;
    out["stuck_at_0_share"] = profile.stuckAt0Share;
    if (profile.clustering.enabled())
        out["clustering"] = {{"weak_row_share", profile.clustering.weakRowShare},
                             {"weak_row_factor", profile.clustering.weakRowFactor},
                             {"weak_column_share", profile.clustering.weakColumnShare},
                             {"weak_column_factor", profile.clustering.weakColumnFactor}};
    if (profile.variation.enabled())
        out["variation"] = {{"chip_sigma_mv", profile.variation.chipSigmaMv},
                            {"bank_sigma_mv", profile.variation.bankSigmaMv}};
    const auto& e = profile.energy;
    out["energy"] = {{"read_pj_64bit", e.readPj64},
                     {"write_pj_64bit", e.writePj64},
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
        out["fault_map"] = {
            {"placement", map.placement == MapPlacement::PerSeed ? "per_seed" : "as_measured"},
            {"arrays", map.arrays},
            {"rows", map.rows},
            {"columns", map.columns},
            {"measured_voltages_mv", map.measuredMv},
            {"cells", cells}};
    }
    return out;
}

} // namespace voltsim::memory
