#include "voltsim/sim/sweep/SweepConfig.hpp"

#include "voltsim/common/DataDir.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

namespace voltsim::sim {

const char* const kDefaultVoltagesRel = "1.0:0.76:0.02";
const char* const kDefaultAcceleratorConfig = "configs/accelerator/default.json";

const char* axisKey(SweepAxis axis)
{
    switch (axis) {
    case SweepAxis::VoltageRel:
        return "voltages_rel";
    case SweepAxis::VoltageMv:
        return "voltages_mv";
    case SweepAxis::Ber:
        return "bers";
    }
    return "";
}

std::vector<std::string> splitList(const std::string& text, const std::string& where)
{
    const auto emptyItem = [&] {
        return InputError(where + ": '" + text + "': empty item (expected A,B,...)");
    };
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        items.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (items.back().empty())
            throw emptyItem();
        if (comma == std::string::npos)
            return items;
        start = comma + 1;
    }
}

namespace {

double parseNumber(const std::string& text, const std::string& where)
{
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || !std::isfinite(value))
        throw InputError(where + ": '" + text + "' is not a number");
    return value;
}

/// Grid values are rounded to 1e-9 so 1.0 - 12 * 0.02 is 0.76, not 0.7599999999999998.
double roundGrid(double value)
{
    return std::round(value * 1e9) / 1e9;
}

std::vector<double> parseGrid(const std::string& text, const std::string& where)
{
    const auto first = text.find(':');
    const auto second = text.find(':', first + 1);
    if (second == std::string::npos || text.find(':', second + 1) != std::string::npos)
        throw InputError(where + ": '" + text + "': expected START:STOP:STEP");
    const double start = parseNumber(text.substr(0, first), where);
    const double stop = parseNumber(text.substr(first + 1, second - first - 1), where);
    const double step = parseNumber(text.substr(second + 1), where);
    if (step <= 0)
        throw InputError(where + ": '" + text + "': STEP must be positive (the direction is START to STOP)");
    const double span = std::abs(stop - start);
    const auto count = static_cast<std::size_t>(std::floor(span / step + 1e-9)) + 1;
    if (count > 100000)
        throw InputError(where + ": '" + text + "' has more than 100000 points");
    const double sign = stop < start ? -1.0 : 1.0;
    std::vector<double> values;
    for (std::size_t i = 0; i < count; ++i)
        values.push_back(roundGrid(start + sign * static_cast<double>(i) * step));
    return values;
}

/// InputError "<where>: <value> appears twice" at the first repeated value of a list key: a list
/// names each model or operating point once.
template <typename T> void requireDistinct(const std::vector<T>& values, const std::string& where)
{
    std::set<T> seen;
    for (const T& value : values)
        if (!seen.insert(value).second)
            throw InputError(where + ": " + briefJson(nlohmann::json(value)) +
                             " appears twice (each value may appear once)");
}

/// An axis: a JSON array of numbers >= 0, or a grid "START:STOP:STEP".
std::vector<double> readAxisValues(const JsonCursor& cursor)
{
    if (cursor.json().is_string()) {
        const std::string grid = cursor.asString();
        if (grid.find(':') == std::string::npos)
            cursor.fail("expected an array of numbers or a grid \"START:STOP:STEP\", got " +
                        briefJson(cursor.json()));
        return parseAxisValues(grid, cursor.where());
    }
    return cursor.asDoubleArray(0, std::numeric_limits<double>::max());
}

nlohmann::json axisJson(const std::optional<std::vector<double>>& values)
{
    return values ? nlohmann::json(*values) : nlohmann::json(nullptr);
}

void readAxis(ConfigNode& root, SweepConfig& config)
{
    std::optional<std::vector<double>> rel = parseAxisValues(kDefaultVoltagesRel, "voltages_rel");
    std::optional<std::vector<double>> mv;
    std::optional<std::vector<double>> bers;
    root.custom("voltages_rel", rel, readAxisValues, axisJson,
                "supply voltages relative to the profile's V_min: a list or a grid \"START:STOP:STEP\"");
    root.custom("voltages_mv", mv, readAxisValues, axisJson,
                "supply voltages in mV (list or grid); replaces voltages_rel when set");
    root.custom("bers", bers, readAxisValues, axisJson,
                "bit error rates set directly (list or grid), the paper's p-sweep; replaces the voltage axis "
                "when set");
    const std::pair<const char*, const std::optional<std::vector<double>>*> axes[] = {
        {"voltages_rel", &rel}, {"voltages_mv", &mv}, {"bers", &bers}};
    for (const auto& [key, values] : axes)
        if (*values)
            requireDistinct(**values, root.where(key));
    if (mv && bers)
        throw InputError(root.where("voltages_mv") + ": voltages_mv and bers are exclusive");
    if (!rel && !mv && !bers)
        throw InputError(root.where("voltages_rel") + ": no axis: set voltages_rel, voltages_mv or bers");
    config.axis = bers ? SweepAxis::Ber : mv ? SweepAxis::VoltageMv : SweepAxis::VoltageRel;
    config.axisWhere = root.where(axisKey(config.axis));
    config.axisValues = bers ? *bers : mv ? *mv : *rel;
}

/// A relative path that does not exist from the current directory is looked up in the data
/// directory (whose configs/ mirrors the repository's).
std::string resolveDataPath(const std::string& path)
{
    namespace fs = std::filesystem;
    const fs::path given(path);
    std::error_code error;
    if (given.is_absolute() || fs::exists(given, error))
        return path;
    const std::string shipped = dataPath(path);
    return fs::exists(shipped, error) ? shipped : path;
}

/// The accelerator config as the sweep reads it: its `run` section (`voltsim run`'s) dropped, its
/// operating point cleared (the axis sets it, as run's voltage flags clear it), and the sweep's
/// profile and fault model, when set, put into weight_sram.
nlohmann::json forSweep(nlohmann::json document, const std::optional<std::string>& profile,
                        const std::optional<std::string>& faultModel)
{
    document.erase("run");
    nlohmann::json& sram = document["weight_sram"];
    if (sram.is_null())
        sram = nlohmann::json::object();
    if (!sram.is_object())
        return document; // readAcceleratorConfig reports it
    sram["voltage_mv"] = nullptr;
    sram["voltage_rel"] = nullptr;
    sram["ber"] = nullptr;
    if (profile)
        sram["profile"] = *profile;
    if (faultModel)
        sram["fault_model"] = *faultModel;
    return document;
}

/// Reads the accelerator the `accelerator` key names (a file) or holds (inline); returns its
/// resolved config for the echo.
nlohmann::json readAccelerator(ConfigNode& root, SweepConfig& config,
                               const std::optional<std::string>& profile,
                               const std::optional<std::string>& faultModel)
{
    nlohmann::json value = kDefaultAcceleratorConfig;
    root.custom(
        "accelerator", value, [](const JsonCursor& cursor) { return cursor.json(); },
        [](const nlohmann::json& v) { return v; },
        "accelerator config file (docs/accelerator.md; relative: current directory, then the data directory) "
        "or the config inline");
    std::string source = root.source();
    std::string path = "accelerator";
    nlohmann::json document = value;
    if (value.is_string()) {
        source = resolveDataPath(value.get<std::string>());
        config.acceleratorFile = source;
        path.clear();
        document = loadAcceleratorFile(value.get<std::string>(), root.where("accelerator"));
    } else if (!value.is_object()) {
        throw InputError(root.where("accelerator") + ": expected a file name or an object, got " +
                         briefJson(value));
    }
    // an inline accelerator's values may come from the command line (--set accelerator.KEY=VALUE)
    ConfigNode node(forSweep(std::move(document), profile, faultModel), source, path,
                    path.empty() ? nullptr : root.origins());
    config.accelerator = readAcceleratorConfig(node);
    return node.resolved();
}

} // namespace

nlohmann::json loadAcceleratorFile(const std::string& path, const std::string& where)
{
    try {
        return loadConfigFile(resolveDataPath(path));
    } catch (const InputError& error) {
        throw InputError(where + ": " + error.what());
    }
}

void inlineAcceleratorFile(nlohmann::json& config, const std::string& source)
{
    nlohmann::json& value = config["accelerator"];
    if (value.is_null())
        value = kDefaultAcceleratorConfig;
    if (value.is_string())
        value = loadAcceleratorFile(value.get<std::string>(), source + ": accelerator");
}

std::vector<double> parseAxisValues(const std::string& text, const std::string& where)
{
    std::vector<double> values;
    if (text.find(':') != std::string::npos)
        values = parseGrid(text, where);
    else
        for (const auto& item : splitList(text, where))
            values.push_back(parseNumber(item, where));
    for (const double value : values)
        if (value < 0)
            throw InputError(where + ": " + briefJson(nlohmann::json(value)) + " is negative");
    return values;
}

SweepConfig readSweepConfig(ConfigNode& root)
{
    SweepConfig config;
    root.textList("models", config.models,
                  "model packages: shipped names (workloads/models/NAME) or directories");
    requireDistinct(config.models, root.where("models"));
    std::optional<std::string> profile;
    std::optional<std::string> faultModel;
    root.text("profile", profile,
              "SRAM profile, shipped name or JSON file (null: the accelerator's weight_sram.profile)");
    root.text("fault_model", faultModel,
              "fault model name (null: the accelerator's weight_sram.fault_model)");
    const nlohmann::json accelerator = readAccelerator(root, config, profile, faultModel);
    readAxis(root, config);
    root.integer<std::uint64_t>("chips", config.chips, 1, 100000, "simulated chips per point");
    root.integer<std::uint64_t>("seed", config.seed, 0, std::numeric_limits<std::int64_t>::max(),
                                "run seed; chip i has seed chipSeed(seed, i)");
    root.integer<std::uint64_t>("images", config.images, 1, kMaxSweepImages,
                                "first N test images (null: the whole test set)");
    root.number("max_loss_pp", config.maxLossPp, 0.0, 100.0,
                "allowed RErr above the reference, percentage points");
    root.text("reference", config.reference, "reference model name (null: each model's own clean error)");
    root.text("dataset", config.dataset, "dataset: fashion-mnist, idx:DIR or npz:FILE (docs/datasets.md)");
    root.textList(
        "protections", config.protections,
        "weight SRAM protections to compare, each model swept with each: none, secded:64, secded:32, "
        "parity:N, msb:K (null: the accelerator's weight_sram.protection)");
    if (config.protections) {
        requireDistinct(*config.protections, root.where("protections"));
        for (const std::string& protection : *config.protections)
            memory::ProtectionSpec::parse(protection, root.where("protections"));
    }
    root.finish();
    config.resolved = root.resolved();
    config.resolved["accelerator"] = accelerator;
    return config;
}

} // namespace voltsim::sim
