#include "voltsim/sim/sweep/SweepConfig.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

namespace voltsim::sim {

const char* const kDefaultSweepModels = "normal-8bit,rquant-8bit,clipping-8bit,randbet-8bit,clipping-4bit,randbet-4bit";
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

std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> items;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
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
double roundGrid(double value) { return std::round(value * 1e9) / 1e9; }

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

std::string readList(ConfigNode& root, const char* key, const std::string& defaultValue, const char* description)
{
    return root.getString(key, defaultValue, description);
}

std::string joinJsonList(const nlohmann::json& value)
{
    std::string text;
    for (const auto& item : value) {
        text += text.empty() ? "" : ",";
        text += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return text;
}

void readAxis(ConfigNode& root, SweepConfig& config)
{
    const std::string rel = readList(root, "voltages_rel", kDefaultVoltagesRel,
                                     "supply voltages relative to the profile's V_min: START:STOP:STEP or a list A,B,...");
    const std::string mv = readList(root, "voltages_mv", "", "supply voltages in mV (START:STOP:STEP or list); "
                                                             "replaces voltages_rel when set");
    const std::string bers = readList(root, "bers", "", "bit error rates set directly (list or grid), the paper's "
                                                        "p-sweep; replaces the voltage axis when set");
    if (!mv.empty() && !bers.empty())
        throw InputError(root.where("voltages_mv") + ": voltages_mv and bers are exclusive");
    config.axis = !bers.empty() ? SweepAxis::Ber : !mv.empty() ? SweepAxis::VoltageMv : SweepAxis::VoltageRel;
    const std::string& text = !bers.empty() ? bers : !mv.empty() ? mv : rel;
    config.axisWhere = root.where(axisKey(config.axis));
    config.axisValues = parseAxisValues(text, config.axisWhere);
}

/// A relative path that does not exist from the current directory is looked up in the repository.
std::string resolveRepositoryPath(const std::string& path)
{
    namespace fs = std::filesystem;
    const fs::path given(path);
    const fs::path shipped = fs::path(VOLTSIM_SOURCE_DIR) / given;
    std::error_code error;
    if (given.is_relative() && !fs::exists(given, error) && fs::exists(shipped, error))
        return shipped.string();
    return path;
}

/// The accelerator config as the sweep reads it: its `run` section (`voltsim run`'s) dropped, its
/// operating point cleared (the axis sets it, as run's voltage flags clear it), and the sweep's
/// profile and fault model, when set, put into weight_sram.
nlohmann::json forSweep(nlohmann::json document, const std::string& profile, const std::string& faultModel)
{
    document.erase("run");
    nlohmann::json& sram = document["weight_sram"];
    if (sram.is_null())
        sram = nlohmann::json::object();
    if (!sram.is_object())
        return document; // readAcceleratorConfig reports it
    sram["voltage_mv"] = 0;
    sram["voltage_rel"] = 0;
    sram["ber"] = -1;
    if (!profile.empty())
        sram["profile"] = profile;
    if (!faultModel.empty())
        sram["fault_model"] = faultModel;
    return document;
}

/// Reads the accelerator the `accelerator` key names (a file) or holds (inline); returns its
/// resolved config for the echo.
nlohmann::json readAccelerator(ConfigNode& root, SweepConfig& config, const std::string& profile,
                               const std::string& faultModel)
{
    const nlohmann::json value = root.getJson(
        "accelerator", kDefaultAcceleratorConfig,
        "accelerator config file (docs/accelerator.md; relative: current directory, then the repository) or the config inline");
    std::string source = root.source();
    std::string path = "accelerator";
    nlohmann::json document = value;
    if (value.is_string()) {
        source = resolveRepositoryPath(value.get<std::string>());
        path.clear();
        document = loadAcceleratorFile(value.get<std::string>(), root.where("accelerator"));
    } else if (!value.is_object()) {
        throw InputError(root.where("accelerator") + ": must be a file name or an object, got " + value.dump());
    }
    ConfigNode node(forSweep(std::move(document), profile, faultModel), source, path);
    config.accelerator = readAcceleratorConfig(node);
    return node.resolved();
}

} // namespace

nlohmann::json loadAcceleratorFile(const std::string& path, const std::string& where)
{
    try {
        return loadConfigFile(resolveRepositoryPath(path));
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
        for (const auto& item : splitList(text))
            values.push_back(parseNumber(item, where));
    if (values.empty())
        throw InputError(where + ": no values");
    for (const double value : values)
        if (value < 0)
            throw InputError(where + ": " + std::to_string(value) + " is negative");
    return values;
}

std::string resolveModelDir(const std::string& nameOrDir)
{
    namespace fs = std::filesystem;
    if (fs::exists(fs::path(nameOrDir) / "manifest.json"))
        return nameOrDir;
    const std::string shipped = std::string(VOLTSIM_SOURCE_DIR) + "/workloads/models/" + nameOrDir;
    if (nameOrDir.find('/') == std::string::npos && fs::exists(fs::path(shipped) / "manifest.json"))
        return shipped;
    throw InputError("models: '" + nameOrDir + "' is neither a model package directory nor a shipped model (" + shipped + ")");
}

void normaliseListKeys(nlohmann::json& config)
{
    if (!config.is_object())
        return;
    for (const char* key : {"models", "voltages_rel", "voltages_mv", "bers"}) {
        const auto found = config.find(key);
        if (found == config.end())
            continue;
        if (found->is_array())
            *found = joinJsonList(*found);
        else if (found->is_number())
            *found = found->dump();
    }
}

SweepConfig readSweepConfig(ConfigNode& root)
{
    SweepConfig config;
    config.models = splitList(root.getString("models", kDefaultSweepModels,
                                             "model packages: shipped names (workloads/models/NAME) or directories"));
    if (config.models.empty())
        throw InputError(root.where("models") + ": no models");
    const std::string profile = root.getString(
        "profile", "", "SRAM profile, shipped name or JSON file ('': the accelerator's weight_sram.profile)");
    const std::string faultModel =
        root.getString("fault_model", "", "fault model name ('': the accelerator's weight_sram.fault_model)");
    const nlohmann::json accelerator = readAccelerator(root, config, profile, faultModel);
    readAxis(root, config);
    config.chips = static_cast<std::uint64_t>(root.getInt("chips", 10, 1, 100000, "simulated chips per point"));
    config.seed = static_cast<std::uint64_t>(root.getInt("seed", 1, 0, std::numeric_limits<std::int64_t>::max(),
                                                         "run seed; chip i has seed chipSeed(seed, i)"));
    config.images = static_cast<std::uint64_t>(root.getInt("images", 0, 0, 100000000,
                                                           "first N test images (0: the whole test set)"));
    config.maxLossPp = root.getDouble("max_loss_pp", 1.0, 0.0, 100.0, "allowed RErr above the reference, percentage points");
    config.reference = root.getString("reference", "", "reference model name (empty: each model's own clean error)");
    config.datasetDir = root.getString("dataset_dir", workloads::Dataset::defaultFashionMnistDir(),
                                       "directory of the Fashion-MNIST IDX files");
    root.finish();
    config.resolved = root.resolved();
    config.resolved["accelerator"] = accelerator;
    return config;
}

} // namespace voltsim::sim
