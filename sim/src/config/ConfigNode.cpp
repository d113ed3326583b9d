#include "voltsim/sim/config/ConfigNode.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/StrictJson.hpp"
#include "voltsim/common/InputFile.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace voltsim::sim {
namespace {

std::string joinPath(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

} // namespace

ConfigNode::ConfigNode(nlohmann::json json, std::string source, std::string path)
    : m_json(json.is_null() ? nlohmann::json::object() : std::move(json)),
      m_source(std::move(source)),
      m_path(std::move(path))
{
    if (!m_json.is_object())
        throw InputError(m_source + ": " + (m_path.empty() ? "<top>" : m_path) + ": must be an object");
}

std::string ConfigNode::where(const std::string& key) const
{
    return m_source + ": " + joinPath(m_path, key);
}

const nlohmann::json* ConfigNode::find(const std::string& key) const
{
    const auto it = m_json.find(key);
    return it == m_json.end() ? nullptr : &*it;
}

bool ConfigNode::has(const std::string& key) const { return find(key) != nullptr; }

void ConfigNode::record(const std::string& key, const nlohmann::json& value,
                        const std::string& defaultValue, const std::string& description)
{
    if (std::find(m_readKeys.begin(), m_readKeys.end(), key) == m_readKeys.end())
        m_readKeys.push_back(key);
    m_resolved[key] = value;
    m_params.push_back({joinPath(m_path, key), defaultValue, description});
}

std::int64_t ConfigNode::getInt(const std::string& key, std::int64_t defaultValue, std::int64_t min,
                                std::int64_t max, const std::string& description)
{
    std::int64_t value = defaultValue;
    if (const auto* json = find(key)) {
        if (!json->is_number_integer())
            throw InputError(where(key) + ": must be an integer, got " + json->dump());
        value = json->get<std::int64_t>();
    }
    if (value < min || value > max)
        throw InputError(where(key) + ": must be in " + std::to_string(min) + ".." + std::to_string(max) +
                         ", got " + std::to_string(value));
    record(key, value, std::to_string(defaultValue), description);
    return value;
}

double ConfigNode::getDouble(const std::string& key, double defaultValue, double min, double max,
                             const std::string& description)
{
    double value = defaultValue;
    if (const auto* json = find(key)) {
        if (!json->is_number())
            throw InputError(where(key) + ": must be a number, got " + json->dump());
        value = json->get<double>();
    }
    if (!std::isfinite(value) || value < min || value > max) {
        std::ostringstream message;
        message << where(key) << ": must be in [" << min << ", " << max << "], got " << value;
        throw InputError(message.str());
    }
    record(key, value, nlohmann::json(defaultValue).dump(), description);
    return value;
}

bool ConfigNode::getBool(const std::string& key, bool defaultValue, const std::string& description)
{
    bool value = defaultValue;
    if (const auto* json = find(key)) {
        if (!json->is_boolean())
            throw InputError(where(key) + ": must be true or false, got " + json->dump());
        value = json->get<bool>();
    }
    record(key, value, defaultValue ? "true" : "false", description);
    return value;
}

std::string ConfigNode::getString(const std::string& key, const std::string& defaultValue,
                                  const std::string& description)
{
    std::string value = defaultValue;
    if (const auto* json = find(key)) {
        if (!json->is_string())
            throw InputError(where(key) + ": must be a string, got " + json->dump());
        value = json->get<std::string>();
    }
    record(key, value, "\"" + defaultValue + "\"", description);
    return value;
}

std::string ConfigNode::getChoice(const std::string& key, const std::string& defaultValue,
                                  const std::vector<std::string>& allowed, const std::string& description)
{
    const std::string value = getString(key, defaultValue, description + " (" + joinNames(allowed) + ")");
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        throw InputError(where(key) + ": must be one of " + joinNames(allowed) + ", got \"" + value + "\"");
    return value;
}

nlohmann::json ConfigNode::getJson(const std::string& key, const nlohmann::json& defaultValue,
                                   const std::string& description)
{
    const auto* json = find(key);
    nlohmann::json value = json ? *json : defaultValue;
    record(key, value, defaultValue.dump(), description);
    return value;
}

ConfigNode& ConfigNode::child(const std::string& key, const std::string& description)
{
    for (auto& [name, node] : m_children)
        if (name == key)
            return *node;
    const auto* json = find(key);
    if (json && !json->is_object())
        throw InputError(where(key) + ": must be an object, got " + json->dump());
    m_readKeys.push_back(key);
    m_params.push_back({joinPath(m_path, key), "{}", description});
    m_children.emplace_back(key, std::make_unique<ConfigNode>(json ? *json : nlohmann::json::object(),
                                                              m_source, joinPath(m_path, key)));
    return *m_children.back().second;
}

void ConfigNode::finish() const
{
    for (const auto& item : m_json.items()) {
        if (std::find(m_readKeys.begin(), m_readKeys.end(), item.key()) == m_readKeys.end()) {
            std::vector<std::string> valid = m_readKeys;
            std::sort(valid.begin(), valid.end());
            throw InputError(where(item.key()) + ": unknown key (valid: " + joinNames(valid) + ")");
        }
    }
    for (const auto& [name, node] : m_children)
        node->finish();
}

nlohmann::json ConfigNode::resolved() const
{
    nlohmann::json out = m_resolved;
    for (const auto& [name, node] : m_children)
        out[name] = node->resolved();
    return out;
}

std::vector<ParamInfo> ConfigNode::describe() const
{
    std::vector<ParamInfo> out = m_params;
    for (const auto& [name, node] : m_children) {
        const auto inner = node->describe();
        out.insert(out.end(), inner.begin(), inner.end());
    }
    return out;
}

nlohmann::json loadConfigFile(const std::string& path)
{
    const nlohmann::json json = loadUserJsonFile(path, "config file");
    if (!json.is_object())
        throw InputError(path + ": the top level must be a JSON object");
    return json;
}

void applyOverride(nlohmann::json& config, const std::string& assignment)
{
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
        throw InputError("--set " + assignment + ": expected key=value, e.g. accelerator.array.rows=32");
    const std::string key = assignment.substr(0, equals);
    const std::string text = assignment.substr(equals + 1);
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded())
        value = text;

    nlohmann::json* node = &config;
    std::size_t start = 0;
    while (true) {
        const auto dot = key.find('.', start);
        const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty())
            throw InputError("--set " + assignment + ": empty component in key '" + key + "'");
        if (!node->is_object())
            throw InputError("--set " + assignment + ": '" + key.substr(0, start - 1) + "' is not an object");
        if (dot == std::string::npos) {
            (*node)[part] = value;
            return;
        }
        node = &(*node)[part];
        if (node->is_null())
            *node = nlohmann::json::object();
        start = dot + 1;
    }
}

} // namespace voltsim::sim
