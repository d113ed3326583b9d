#include "voltsim/sim/config/ConfigNode.hpp"

#include "voltsim/common/Error.hpp"

namespace voltsim::sim {
namespace {

std::string joinPath(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + "." + key;
}

/// Whether @p path is @p key or a value inside it ("a.b" is inside "a", "a[0]" too).
bool isWithin(const std::string& path, const std::string& key)
{
    return path.compare(0, key.size(), key) == 0 &&
           (path.size() == key.size() || path[key.size()] == '.' || path[key.size()] == '[');
}

/// The origin of the innermost key holding @p path, or "".
std::string originOf(const ValueOrigins* origins, const std::string& path)
{
    std::string origin;
    std::size_t longest = 0;
    if (origins)
        for (const auto& [key, from] : *origins)
            if (isWithin(path, key) && key.size() >= longest) {
                longest = key.size();
                origin = from;
            }
    return origin;
}

} // namespace

ConfigNode::ConfigNode(nlohmann::json json, const std::string& source, const std::string& path,
                       std::shared_ptr<const ValueOrigins> origins)
    : ConfigNode(json.is_null() ? std::nullopt
                                : std::optional<JsonCursor>(JsonCursor(std::move(json), source, path)),
                 source, path, std::move(origins))
{
}

ConfigNode::ConfigNode(std::optional<JsonCursor> cursor, std::string source, std::string path,
                       std::shared_ptr<const ValueOrigins> origins)
    : m_cursor(std::move(cursor)), m_source(std::move(source)), m_path(std::move(path)),
      m_origins(std::move(origins))
{
    if (m_cursor)
        m_cursor->requireObject();
}

std::string ConfigNode::where(const std::string& key) const
{
    const std::string path = joinPath(m_path, key);
    const std::string origin = originOf(m_origins.get(), path);
    return (origin.empty() ? m_source : origin) + ": " + path;
}

void ConfigNode::rethrowAt(const std::string& key, const InputError& error) const
{
    const std::string origin = originOf(m_origins.get(), joinPath(m_path, key));
    const std::string message = error.what();
    const std::string prefix = m_source + ": ";
    if (origin.empty() || message.compare(0, prefix.size(), prefix) != 0)
        throw error;
    throw InputError(origin + ": " + message.substr(prefix.size()));
}

std::optional<JsonCursor> ConfigNode::find(const std::string& key) const
{
    return m_cursor ? m_cursor->find(key) : std::nullopt;
}

void ConfigNode::record(const std::string& key, nlohmann::json value, std::string defaultValue,
                        const std::string& description)
{
    m_resolved[key] = std::move(value);
    m_params.push_back({joinPath(m_path, key), std::move(defaultValue), description});
}

void ConfigNode::number(const std::string& key, double& value, double min, double max,
                        const std::string& description)
{
    custom(
        key, value, [&](const JsonCursor& cursor) { return cursor.asDouble(min, max); },
        [](double v) { return nlohmann::json(v); }, description);
}

void ConfigNode::positive(const std::string& key, std::optional<double>& value, double max,
                          const std::string& description)
{
    custom(
        key, value, [&](const JsonCursor& cursor) { return cursor.asPositive(max); },
        detail::optionalJson<double>, description);
}

void ConfigNode::number(const std::string& key, std::optional<double>& value, double min, double max,
                        const std::string& description)
{
    custom(
        key, value, [&](const JsonCursor& cursor) { return cursor.asDouble(min, max); },
        detail::optionalJson<double>, description);
}

void ConfigNode::flag(const std::string& key, bool& value, const std::string& description)
{
    custom(
        key, value, [](const JsonCursor& cursor) { return cursor.asBool(); },
        [](bool v) { return nlohmann::json(v); }, description);
}

void ConfigNode::text(const std::string& key, std::string& value, const std::string& description)
{
    custom(
        key, value, [](const JsonCursor& cursor) { return cursor.asString(); },
        [](const std::string& v) { return nlohmann::json(v); }, description);
}

void ConfigNode::text(const std::string& key, std::optional<std::string>& value,
                      const std::string& description)
{
    custom(
        key, value, [](const JsonCursor& cursor) { return cursor.asNonEmptyString(); },
        detail::optionalJson<std::string>, description);
}

namespace {

std::vector<std::string> parseTextList(const JsonCursor& cursor)
{
    std::vector<std::string> items;
    for (const auto& element : cursor.elements(1))
        items.push_back(element.asNonEmptyString());
    return items;
}

} // namespace

void ConfigNode::textList(const std::string& key, std::vector<std::string>& value,
                          const std::string& description)
{
    custom(
        key, value, parseTextList, [](const std::vector<std::string>& v) { return nlohmann::json(v); },
        description);
}

void ConfigNode::textList(const std::string& key, std::optional<std::vector<std::string>>& value,
                          const std::string& description)
{
    custom(
        key, value, parseTextList,
        [](const std::optional<std::vector<std::string>>& v) {
            return v ? nlohmann::json(*v) : nlohmann::json();
        },
        description);
}

ConfigNode& ConfigNode::child(const std::string& key, const std::string& description)
{
    for (auto& [name, node] : m_children)
        if (name == key)
            return *node;
    std::optional<JsonCursor> found = find(key);
    if (found && found->isNull())
        found.reset();
    m_params.push_back({joinPath(m_path, key), "{}", description});
    m_children.emplace_back(key, std::unique_ptr<ConfigNode>(new ConfigNode(
                                     std::move(found), m_source, joinPath(m_path, key), m_origins)));
    return *m_children.back().second;
}

std::optional<std::vector<std::string>> ConfigNode::keys() const
{
    if (!m_cursor)
        return std::nullopt;
    return m_cursor->keys();
}

void ConfigNode::finish() const
{
    if (m_cursor)
        m_cursor->finish();
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
    const JsonCursor config = JsonCursor::load(path, "config file");
    config.requireObject();
    return config.json();
}

void recordOrigin(ValueOrigins& origins, const std::string& key, const std::string& origin)
{
    for (auto it = origins.begin(); it != origins.end();)
        it = isWithin(it->first, key) ? origins.erase(it) : std::next(it);
    origins[key] = origin;
}

void applyOverride(nlohmann::json& config, const std::string& assignment, ValueOrigins* origins,
                   const std::string& origin)
{
    const auto error = [&](const std::string& problem) {
        return InputError("--set " + assignment + ": " + problem);
    };
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
        throw error("expected key=value, e.g. accelerator.array.rows=32");
    const std::string key = assignment.substr(0, equals);
    const std::string text = assignment.substr(equals + 1);
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded())
        value = text;

    nlohmann::json* node = &config;
    std::size_t start = 0;
    while (true) {
        const auto dot = key.find('.', start);
        const std::string part =
            key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty())
            throw error("empty component in key '" + key + "'");
        if (!node->is_object())
            throw error("'" + key.substr(0, start - 1) + "' is not an object");
        if (dot == std::string::npos) {
            (*node)[part] = value;
            if (origins)
                recordOrigin(*origins, key, origin.empty() ? "--set " + assignment : origin);
            return;
        }
        node = &(*node)[part];
        if (node->is_null())
            *node = nlohmann::json::object();
        start = dot + 1;
    }
}

} // namespace voltsim::sim
