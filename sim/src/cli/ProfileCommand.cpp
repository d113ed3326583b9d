// voltsim profile show NAME|FILE [--json] [--png FILE]
//                 sample NAME|FILE (--voltage-rel X | --voltage-mv X | --ber P) [--seed S] [--model M]
//                 [--json] import (--ibm DIR | --cells CSV) --out FILE [--name N] [--vmin-mv X] [--vnom-mv X]
//                 ... | calibrate MAP_PROFILE --out FILE [--name N] [--voltage-mv X] [--base NAME|FILE]
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"
#include "voltsim/sim/plot/PlotScript.hpp"
#include "voltsim/sim/run/RunConfig.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/JsonCursor.hpp"
#include "voltsim/memory/ClusteringCalibration.hpp"
#include "voltsim/memory/FaultMapImport.hpp"
#include "voltsim/memory/FaultModels.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/SramEnergyModel.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;
using nlohmann::json;
using namespace voltsim::memory;

const char* kUsage = "usage: voltsim profile show NAME|FILE [--json] [--png FILE]\n"
                     "       voltsim profile sample NAME|FILE (--voltage-rel X | --voltage-mv X | --ber P) "
                     "[--seed S] [--model M]\n"
                     "                              [--banks N] [--rows N] [--word-bits N] [--json]\n"
                     "       voltsim profile import (--ibm DIR | --cells CSV) --out FILE [--name NAME] "
                     "[--vmin-mv X] [--vnom-mv X]\n"
                     "                              [--energy-from NAME|FILE] [--arrays N] [--rows N] "
                     "[--columns N] [--measured-mv LIST]\n"
                     "       voltsim profile calibrate MAP_PROFILE --out FILE [--name NAME] [--voltage-mv X] "
                     "[--base NAME|FILE]";

po::options_description describeOptions()
{
    po::options_description options("voltsim profile options");
    options.add_options()("help,h", "show this help")("json", "show, sample: print one JSON object")(
        "png", po::value<std::string>(), "show: draw bit error rate and energy against voltage into FILE")(
        "voltage-rel", po::value<std::string>(), "sample: supply voltage relative to V_min")(
        "voltage-mv", po::value<std::string>(),
        "sample: supply voltage in mV; calibrate: map voltage to measure (default: its lowest)")(
        "base", po::value<std::string>(),
        "calibrate: profile whose curve, geometry and energy to keep (default: the map profile)")(
        "ber", po::value<std::string>(), "sample: bit error rate set directly")(
        "seed", po::value<std::string>(), "sample: chip seed (default 0)")(
        "model", po::value<std::string>(), "sample: fault model (default: the profile's fault_semantics)")(
        "banks", po::value<std::string>(), "sample: arrays (default: the profile's geometry)")(
        "rows", po::value<std::string>(), "sample, import --cells: rows per array")(
        "word-bits", po::value<std::string>(), "sample: bits per word")(
        "ibm", po::value<std::string>(), "import: directory of fmap_sa0_v_<V>.txt / fmap_sa1_v_<V>.txt")(
        "cells", po::value<std::string>(), "import: CSV array,row,column,failure_mv,stuck_value")(
        "out", po::value<std::string>(), "import, calibrate: profile file to write")(
        "name", po::value<std::string>(), "import, calibrate: profile name (default: --out file stem)")(
        "vmin-mv", po::value<std::string>(), "import: lowest error-free voltage")(
        "vnom-mv", po::value<std::string>(), "import: nominal voltage (default V_min)")(
        "energy-from", po::value<std::string>(),
        "import: profile to copy energy and leakage from (stutz2021-14nm)")(
        "arrays", po::value<std::string>(), "import --cells: arrays in the map (default 32)")(
        "columns", po::value<std::string>(), "import --cells: columns per array (default 64)")(
        "measured-mv", po::value<std::string>(), "import --cells: comma-separated measured voltages");
    return options;
}

/// Flags each action accepts (besides --help).
const std::map<std::string, std::set<std::string>>& allowedFlags()
{
    static const std::map<std::string, std::set<std::string>> table{
        {"show", {"json", "png"}},
        {"sample",
         {"voltage-rel", "voltage-mv", "ber", "seed", "model", "banks", "rows", "word-bits", "json"}},
        {"import",
         {"ibm", "cells", "out", "name", "vmin-mv", "vnom-mv", "energy-from", "arrays", "rows", "columns",
          "measured-mv"}},
        {"calibrate", {"out", "name", "voltage-mv", "base"}},
    };
    return table;
}

struct Parsed {
    std::string action;
    std::string target;
    po::variables_map values;
};

/// Parses and checks that every flag belongs to the action; false if only help was asked for.
bool parseArgs(const Args& args, Parsed& parsed)
{
    po::options_description options = describeOptions();
    po::options_description hidden;
    hidden.add_options()("action", po::value<std::string>())("target", po::value<std::string>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("action", 1).add("target", 1);
    parsed.values = parseOptions("profile", args, all, &positional);
    if (parsed.values.count("help")) {
        std::cout << kUsage << "\n" << options;
        return false;
    }
    if (!parsed.values.count("action"))
        throw InputError("voltsim profile: missing action (show, sample, import or calibrate)");
    parsed.action = parsed.values["action"].as<std::string>();
    const auto allowed = allowedFlags().find(parsed.action);
    if (allowed == allowedFlags().end())
        throw InputError("voltsim profile: unknown action '" + parsed.action +
                         "' (valid: show, sample, import, calibrate)");
    for (const auto& entry : parsed.values)
        if (entry.first != "action" && entry.first != "target" && allowed->second.count(entry.first) == 0)
            throw InputError("voltsim profile: --" + entry.first + ": not valid with '" + parsed.action +
                             "'");
    if (parsed.values.count("target"))
        parsed.target = parsed.values["target"].as<std::string>();
    if (parsed.action != "import" && parsed.target.empty())
        throw InputError("voltsim profile " + parsed.action + ": missing profile NAME|FILE");
    if (parsed.action == "import" && !parsed.target.empty())
        throw InputError("voltsim profile import: unexpected argument '" + parsed.target + "'");
    return true;
}

/// One table voltage of `profile show` and the profile's curves there; a curve that does not reach
/// the voltage is empty (`-` in the table, null in JSON).
struct ProfilePoint {
    double voltageMv = 0;
    double voltageRel = 0;
    std::optional<double> ber;
    std::optional<double> readPj64bit;
    std::optional<double> writePj64bit;
    std::optional<double> energyRel;
    std::optional<double> leakageUwPerBank;
};

/// The value of a curve, or empty where the curve does not cover the voltage (InputError).
template <typename F> std::optional<double> curveValue(F&& compute)
{
    try {
        return compute();
    } catch (const InputError&) {
        return std::nullopt;
    }
}

/// V_nom, V_min and every table voltage, highest first.
std::vector<ProfilePoint> profilePoints(const SramProfile& profile)
{
    const SramEnergyModel energy(profile);
    std::set<double, std::greater<>> voltages{profile.vNomMv, profile.vMinMv};
    for (const auto& point : profile.berPoints)
        voltages.insert(point.voltageMv);
    std::vector<ProfilePoint> points;
    points.reserve(voltages.size());
    for (const double voltage : voltages)
        points.push_back(ProfilePoint{voltage, voltage / profile.vMinMv,
                                      curveValue([&] { return profile.bitErrorRate(voltage); }),
                                      curveValue([&] { return energy.readEnergyPj(voltage, 64); }),
                                      curveValue([&] { return energy.writeEnergyPj(voltage, 64); }),
                                      curveValue([&] { return energy.dynamicScale(voltage); }),
                                      curveValue([&] { return energy.leakagePowerUw(voltage); })});
    return points;
}

json optionalJson(const std::optional<double>& value)
{
    return value ? json(*value) : json(nullptr);
}

json describeJson(const SramProfile& profile, const std::vector<ProfilePoint>& points)
{
    json rows = json::array();
    for (const ProfilePoint& point : points)
        rows.push_back({{"voltage_mv", point.voltageMv},
                        {"voltage_rel", point.voltageRel},
                        {"ber", optionalJson(point.ber)},
                        {"read_pj_64bit", optionalJson(point.readPj64bit)},
                        {"write_pj_64bit", optionalJson(point.writePj64bit)},
                        {"energy_rel", optionalJson(point.energyRel)},
                        {"leakage_uw_per_bank", optionalJson(point.leakageUwPerBank)}});
    json out = {{"name", profile.name},
                {"file", profile.file},
                {"source", profile.source},
                {"technology", profile.technology},
                {"voltage_nom_mv", profile.vNomMv},
                {"voltage_min_mv", profile.vMinMv},
                {"geometry", geometryToJson(profile.geometry)},
                {"fault_semantics", profile.faultSemantics},
                {"stuck_at_0_share", profile.stuckAt0Share},
                {"ber_kind", profile.berKind == BerKind::Uniform ? "uniform" : "table"},
                {"max_ber", profile.maxBitErrorRate()},
                {"points", rows}};
    if (profile.berKind == BerKind::Table)
        out["interpolation"] = profile.interpolation == Interpolation::Worse ? "worse" : "log_linear";
    if (profile.faultMap)
        out["fault_map_cells"] = profile.faultMap->cells.size();
    out["clustering"] = {{"weak_row_share", profile.clustering.weakRowShare},
                         {"weak_row_factor", profile.clustering.weakRowFactor},
                         {"weak_column_share", profile.clustering.weakColumnShare},
                         {"weak_column_factor", profile.clustering.weakColumnFactor}};
    out["variation"] = {{"chip_sigma_mv", profile.variation.chipSigmaMv},
                        {"bank_sigma_mv", profile.variation.bankSigmaMv}};
    return out;
}

std::string cell(const std::optional<double>& value, int precision, bool scientific)
{
    if (!value)
        return "-";
    std::ostringstream out;
    if (scientific)
        out << std::scientific;
    else
        out << std::fixed;
    out << std::setprecision(precision) << *value;
    return out.str();
}

void printTable(const SramProfile& profile, const std::vector<ProfilePoint>& points)
{
    const ChipGeometry& geometry = profile.geometry;
    std::cout << "profile " << profile.name << " (" << profile.file << ")\n"
              << "  technology: " << profile.technology << "\n"
              << "  V_nom " << profile.vNomMv << " mV, V_min " << profile.vMinMv << " mV, geometry "
              << geometry.banks << " x " << geometry.bank.rows << " x " << geometry.bank.wordBits
              << " bits, fault semantics " << profile.faultSemantics << ", stuck-at-0 share "
              << profile.stuckAt0Share << "\n";
    if (profile.berKind == BerKind::Uniform)
        std::cout << "  bit error rate set directly (--ber P), 0 <= P <= " << profile.maxBitErrorRate()
                  << "\n";
    else
        std::cout << "  interpolation: "
                  << (profile.interpolation == Interpolation::Worse ? "worse" : "log_linear") << "\n";
    if (profile.faultMap)
        std::cout << "  fault map: " << profile.faultMap->cells.size() << " cells, placement "
                  << (profile.faultMap->placement == MapPlacement::PerSeed ? "per_seed" : "as_measured")
                  << "\n";
    if (profile.clustering.enabled())
        std::cout << "  clustering: weak rows share " << profile.clustering.weakRowShare << " (factor "
                  << profile.clustering.weakRowFactor << "), weak columns share "
                  << profile.clustering.weakColumnShare << " (factor " << profile.clustering.weakColumnFactor
                  << ")\n";
    if (profile.variation.enabled())
        std::cout << "  variation: V_min offset sigma " << profile.variation.chipSigmaMv << " mV per chip, "
                  << profile.variation.bankSigmaMv << " mV per bank\n";
    std::cout << std::setw(10) << "volt_mv" << std::setw(10) << "v_rel" << std::setw(12) << "ber"
              << std::setw(12) << "read_pj" << std::setw(12) << "write_pj" << std::setw(11) << "energy_rel"
              << std::setw(12) << "leak_uw"
              << "\n";
    for (const ProfilePoint& point : points)
        std::cout << std::setw(10) << cell(point.voltageMv, 1, false) << std::setw(10)
                  << cell(point.voltageRel, 3, false) << std::setw(12) << cell(point.ber, 2, true)
                  << std::setw(12) << cell(point.readPj64bit, 3, false) << std::setw(12)
                  << cell(point.writePj64bit, 3, false) << std::setw(11) << cell(point.energyRel, 3, false)
                  << std::setw(12) << cell(point.leakageUwPerBank, 4, false) << "\n";
}

void drawPng(const json& description, const std::string& png)
{
    const std::string input = png + ".json.tmp";
    std::ofstream(input) << description.dump();
    const std::string why = runPlotScript("profile_plot.py", {input, png});
    std::filesystem::remove(input);
    if (!why.empty())
        throw InputError("--png: drawing " + png + " failed (" + why + ")");
}

int runShow(const Parsed& parsed)
{
    const SramProfile profile = loadProfile(parsed.target);
    const std::vector<ProfilePoint> points = profilePoints(profile);
    if (parsed.values.count("json"))
        std::cout << describeJson(profile, points).dump(2) << "\n";
    else
        printTable(profile, points);
    if (parsed.values.count("png"))
        drawPng(describeJson(profile, points), parsed.values["png"].as<std::string>());
    return 0;
}

constexpr std::uint64_t kMaxSeed = std::numeric_limits<std::int64_t>::max();
// The bounds of an accelerator config's weight_sram geometry (docs/accelerator.md).
constexpr std::uint32_t kMaxBanks = 4096;
constexpr std::uint32_t kMaxRows = 1 << 20;
constexpr std::uint32_t kMaxWordBits = 4096;

/// A geometry flag: an integer in [1, max], or none when not given.
std::optional<std::uint32_t> geometryFlag(const po::variables_map& values, const std::string& name,
                                          std::uint32_t max)
{
    const auto value = unsignedFlag(values, name, 1, max);
    return value ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*value)) : std::nullopt;
}

ChipOptions sampleGeometry(const Parsed& parsed, const SramProfile& profile)
{
    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = profile.geometry;
    options.geometry.banks = geometryFlag(parsed.values, "banks", kMaxBanks).value_or(options.geometry.banks);
    options.geometry.bank.rows =
        geometryFlag(parsed.values, "rows", kMaxRows).value_or(options.geometry.bank.rows);
    options.geometry.bank.wordBits =
        geometryFlag(parsed.values, "word-bits", kMaxWordBits).value_or(options.geometry.bank.wordBits);
    try {
        validateGeometry(options.geometry);
    } catch (const std::invalid_argument& error) {
        throw InputError(std::string("--banks/--rows/--word-bits: ") + error.what());
    }
    if (parsed.values.count("model")) {
        options.faultModel = parsed.values["model"].as<std::string>();
        faultModels().check(options.faultModel, "--model");
    }
    return options;
}

/// What `profile sample` reports about one chip at one operating point.
struct ChipSample {
    std::string profile;
    std::string faultModel;
    std::uint64_t seed = 0;
    std::optional<double> voltageMv;  ///< empty with --ber
    std::optional<double> voltageRel; ///< empty with --ber
    double ber = 0;                   ///< the chip's configured rate p at the point
    ChipGeometry geometry;
    FaultCounts counts;
    double chipOffsetMv = 0; ///< the chip's V_min offset (profile variation)
};

json sampleJson(const ChipSample& sample)
{
    return {{"profile", sample.profile},
            {"fault_model", sample.faultModel},
            {"seed", sample.seed},
            {"voltage_mv", optionalJson(sample.voltageMv)},
            {"voltage_rel", optionalJson(sample.voltageRel)},
            {"ber", sample.ber},
            {"geometry", geometryToJson(sample.geometry)},
            {"chip_offset_mv", sample.chipOffsetMv},
            {"cells", sample.counts.cells},
            {"faulty_cells", sample.counts.faultyCells},
            {"stuck_at_0", sample.counts.stuckAt0},
            {"stuck_at_1", sample.counts.stuckAt1},
            {"flipping", sample.counts.flipping},
            {"fault_rate", sample.counts.faultRate()}};
}

void printSample(const ChipSample& sample)
{
    const auto optional = [](const std::optional<double>& value) {
        return value ? json(*value).dump() : "-";
    };
    std::cout << "profile " << sample.profile << ", fault model " << sample.faultModel << ", seed "
              << sample.seed << "\n"
              << "voltage_mv " << optional(sample.voltageMv) << ", voltage_rel "
              << optional(sample.voltageRel) << ", ber " << json(sample.ber).dump() << ", chip_offset_mv "
              << json(sample.chipOffsetMv).dump() << "\n"
              << "geometry " << sample.geometry.banks << " x " << sample.geometry.bank.rows << " x "
              << sample.geometry.bank.wordBits << " bits: " << sample.counts.cells << " cells\n"
              << "faulty_cells " << sample.counts.faultyCells << " (fault_rate "
              << json(sample.counts.faultRate()).dump() << "): stuck_at_0 " << sample.counts.stuckAt0
              << ", stuck_at_1 " << sample.counts.stuckAt1 << ", flipping " << sample.counts.flipping << "\n";
}

int runSample(const Parsed& parsed)
{
    const int pointFlags = static_cast<int>(parsed.values.count("voltage-rel") +
                                            parsed.values.count("voltage-mv") + parsed.values.count("ber"));
    if (pointFlags != 1)
        throw InputError("voltsim profile sample: give exactly one of --voltage-rel, --voltage-mv, --ber");
    auto profile = std::make_shared<const SramProfile>(loadProfile(parsed.target));
    ChipSample sample;
    sample.seed = unsignedFlag(parsed.values, "seed", 0, kMaxSeed).value_or(0);
    SramChip chip(profile, sample.seed, sampleGeometry(parsed, *profile));
    if (const auto ber = numberFlag(parsed.values, "ber", 0, 1)) {
        chip.setOperatingPoint(memory::OperatingPoint::atRate(*ber));
    } else {
        const auto mv = positiveFlag(parsed.values, "voltage-mv", kMaxVoltageMv);
        const double voltage =
            mv ? *mv
               : profile->voltageFromRelative(*positiveFlag(parsed.values, "voltage-rel", kMaxVoltageRel));
        chip.setOperatingPoint(memory::OperatingPoint::atVoltage(voltage));
        sample.voltageMv = voltage;
        sample.voltageRel = voltage / profile->vMinMv;
    }
    sample.profile = profile->name;
    sample.faultModel = chip.faultModel().name();
    sample.ber = chip.bitErrorRate();
    sample.geometry = chip.geometry();
    sample.counts = chip.faultCounts();
    sample.chipOffsetMv = chip.chipOffsetMv();
    if (parsed.values.count("json"))
        std::cout << sampleJson(sample).dump(2) << "\n";
    else
        printSample(sample);
    return 0;
}

std::vector<double> parseVoltageList(const std::string& text)
{
    std::vector<double> voltages;
    std::stringstream stream(text);
    std::string field;
    while (std::getline(stream, field, ',')) {
        char* end = nullptr;
        const double value = std::strtod(field.c_str(), &end);
        if (field.empty() || *end != '\0' || !std::isfinite(value) || value <= 0.0)
            throw InputError("--measured-mv: '" + field + "' is not a positive voltage in mV");
        voltages.push_back(value);
    }
    std::sort(voltages.begin(), voltages.end(), std::greater<>());
    const auto repeated = std::adjacent_find(voltages.begin(), voltages.end());
    if (repeated != voltages.end())
        throw InputError("--measured-mv: " + briefJson(*repeated) +
                         " appears twice (each value may appear once)");
    return voltages;
}

/// The profile JSON with one fault-map cell per line.
std::string formatProfile(json document)
{
    json cells = json::array();
    if (document.contains("fault_map")) {
        cells = document["fault_map"]["cells"];
        document["fault_map"]["cells"] = "@cells@";
    }
    std::string text = document.dump(2);
    std::string list = "[";
    for (std::size_t i = 0; i < cells.size(); ++i)
        list += std::string(i == 0 ? "" : ",") + "\n      " + cells[i].dump();
    list += cells.empty() ? "]" : "\n    ]";
    const auto at = text.find("\"@cells@\"");
    if (at != std::string::npos)
        text.replace(at, 9, list);
    return text + "\n";
}

/// Writes `profile` to `out` (one fault-map cell per line); InputError naming --out on failure.
void writeProfileFile(const std::string& out, const SramProfile& profile)
{
    std::ofstream file(out);
    if (!file)
        throw InputError("--out: cannot write " + out);
    file << formatProfile(profileToJson(profile));
    if (!file)
        throw InputError("--out: writing " + out + " failed");
}

int runCalibrate(const Parsed& parsed)
{
    const auto& values = parsed.values;
    if (!values.count("out"))
        throw InputError("voltsim profile calibrate: --out FILE is required");
    const std::string out = values["out"].as<std::string>();
    const SramProfile measured = loadProfile(parsed.target);
    const SramProfile base = values.count("base") ? loadProfile(values["base"].as<std::string>()) : measured;
    const std::optional<double> voltage = positiveFlag(values, "voltage-mv", kMaxVoltageMv);
    const std::string name =
        values.count("name") ? values["name"].as<std::string>() : std::filesystem::path(out).stem().string();
    const SramProfile profile = calibrateOnMap(measured, base, voltage, name);
    writeProfileFile(out, profile);
    const Clustering& c = profile.clustering;
    std::cout << "wrote " << out << ": profile " << profile.name << " (stuck_at), stuck_at_0_share "
              << profile.stuckAt0Share << ", weak_row_share " << c.weakRowShare << ", weak_column_share "
              << c.weakColumnShare << "\n  " << profile.source.substr(0, profile.source.find(". Curve"))
              << "\n";
    return 0;
}

int runImport(const Parsed& parsed)
{
    const auto& values = parsed.values;
    if (values.count("ibm") + values.count("cells") != 1)
        throw InputError("voltsim profile import: give exactly one of --ibm DIR, --cells CSV");
    if (!values.count("out"))
        throw InputError("voltsim profile import: --out FILE is required");
    if (values.count("ibm") && (values.count("arrays") || values.count("rows") || values.count("columns") ||
                                values.count("measured-mv")))
        throw InputError(
            "voltsim profile import: --arrays/--rows/--columns/--measured-mv: only valid with --cells");
    const std::string out = values["out"].as<std::string>();
    ImportOptions options;
    options.name =
        values.count("name") ? values["name"].as<std::string>() : std::filesystem::path(out).stem().string();
    if (values.count("energy-from"))
        options.energyFrom = values["energy-from"].as<std::string>();
    options.vMinMv = positiveFlag(values, "vmin-mv", kMaxVoltageMv);
    options.vNomMv = positiveFlag(values, "vnom-mv", kMaxVoltageMv);
    options.arrays = geometryFlag(values, "arrays", kMaxBanks).value_or(options.arrays);
    options.rows = geometryFlag(values, "rows", kMaxRows).value_or(options.rows);
    options.columns = geometryFlag(values, "columns", kMaxWordBits).value_or(options.columns);
    if (values.count("measured-mv"))
        options.measuredMv = parseVoltageList(values["measured-mv"].as<std::string>());
    const SramProfile profile = values.count("ibm")
                                    ? importIbmMaps(values["ibm"].as<std::string>(), options)
                                    : importCellCsv(values["cells"].as<std::string>(), options);
    writeProfileFile(out, profile);
    std::cout << "wrote " << out << ": profile " << profile.name << ", " << profile.faultMap->cells.size()
              << " faulty cells, " << profile.faultMap->measuredMv.size() << " measured voltages, V_min "
              << profile.vMinMv << " mV\n";
    return 0;
}

} // namespace

int runProfileCommand(const Args& args)
{
    Parsed parsed;
    if (!parseArgs(args, parsed))
        return 0;
    if (parsed.action == "show")
        return runShow(parsed);
    if (parsed.action == "sample")
        return runSample(parsed);
    if (parsed.action == "calibrate")
        return runCalibrate(parsed);
    return runImport(parsed);
}

} // namespace voltsim::sim
