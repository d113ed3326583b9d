#include "voltsim/common/JsonCursor.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <type_traits>

namespace voltsim {
namespace {

// nlohmann::json keeps the last of two equal keys without a word, so {"chips": 10, "chips": 100}
// would silently run 100 chips: the parse callback below makes it an error naming the key.

/// Tracks the open objects/arrays during a parse to name a duplicate key by its path (a.b[2].c).
class DuplicateKeyGuard {
  public:
    explicit DuplicateKeyGuard(const std::string& fileName) : m_fileName(fileName) {}

    bool operator()(int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed)
    {
        using Event = nlohmann::json::parse_event_t;
        switch (event) {
        case Event::object_start:
        case Event::array_start:
            countElement();
            m_frames.push_back({event == Event::object_start, {}, "", -1});
            break;
        case Event::object_end:
        case Event::array_end:
            m_frames.pop_back();
            break;
        case Event::key:
            checkKey(parsed.get<std::string>());
            break;
        case Event::value:
            countElement();
            break;
        }
        return true;
    }

  private:
    struct Frame {
        bool isObject;
        std::set<std::string> keys;
        std::string currentKey;
        long index; ///< of the current element, in an array
    };

    /// Containers get no value event of their own, so every element start counts here.
    void countElement()
    {
        if (!m_frames.empty() && !m_frames.back().isObject)
            ++m_frames.back().index;
    }

    void checkKey(const std::string& key)
    {
        Frame& frame = m_frames.back();
        frame.currentKey = key;
        if (!frame.keys.insert(key).second)
            throw InputError(m_fileName + ": " + path() + ": duplicate key (each key may appear once)");
    }

    std::string path() const
    {
        std::string path;
        for (const Frame& frame : m_frames) {
            if (frame.isObject)
                path += (path.empty() ? "" : ".") + frame.currentKey;
            else
                path += "[" + std::to_string(frame.index) + "]";
        }
        return path;
    }

    std::string m_fileName;
    std::vector<Frame> m_frames;
};

std::string joinNames(const std::set<std::string>& names)
{
    std::string joined;
    for (const auto& name : names)
        joined += (joined.empty() ? "" : ", ") + name;
    return joined;
}

/// " in [min, max]", " >= min", " <= max" or "" for the bounds that limit anything.
template <typename T>
std::string boundsText(T min, T max, const std::string& minText, const std::string& maxText)
{
    const bool lower = min > std::numeric_limits<T>::lowest() && !(std::is_unsigned<T>::value && min == 0);
    const bool upper = max < std::numeric_limits<T>::max();
    if (lower && upper)
        return " in [" + minText + ", " + maxText + "]";
    if (lower)
        return " >= " + minText;
    if (upper)
        return " <= " + maxText;
    return "";
}

std::string elementCount(std::size_t count)
{
    return std::to_string(count) + (count == 1 ? " element" : " elements");
}

} // namespace

std::string briefJson(const nlohmann::json& value)
{
    std::string text = value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

std::string formatNumber(double value)
{
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char text[32];
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        std::snprintf(text, sizeof text, "%.0f", value);
        return text;
    }
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*g", precision, value);
        if (std::strtod(text, nullptr) == value)
            break;
    }
    return text;
}

JsonCursor JsonCursor::parse(const std::string& text, const std::string& source)
{
    try {
        return JsonCursor(nlohmann::json::parse(text, DuplicateKeyGuard(source)), source);
    } catch (
        const nlohmann::json::exception& error) { // parse_error, and out_of_range for numbers such as 1e999
        throw InputError(source + ": not valid JSON: " + error.what());
    }
}

JsonCursor JsonCursor::load(const std::string& path, const std::string& what)
{
    return parse(readTextFile(path, what), path);
}

JsonCursor::JsonCursor(nlohmann::json document, std::string source, std::string rootPath)
    : m_state(std::make_shared<State>(State{std::move(document), std::move(source), {}})),
      m_node(&m_state->document), m_path(std::move(rootPath))
{
}

JsonCursor::JsonCursor(std::shared_ptr<State> state, const nlohmann::json* node, std::string path)
    : m_state(std::move(state)), m_node(node), m_path(std::move(path))
{
}

std::string JsonCursor::where() const
{
    return m_path.empty() ? m_state->source : m_state->source + ": " + m_path;
}

void JsonCursor::fail(const std::string& problem) const
{
    throw InputError(where() + ": " + problem);
}

void JsonCursor::failExpected(const std::string& what) const
{
    fail("expected " + what + ", got " + briefJson(*m_node));
}

void JsonCursor::requireObject() const
{
    if (!m_node->is_object())
        failExpected("an object");
}

void JsonCursor::requireArray() const
{
    if (!m_node->is_array())
        failExpected("an array");
}

std::string JsonCursor::childPath(const std::string& key) const
{
    return m_path.empty() ? key : m_path + "." + key;
}

void JsonCursor::declare(const std::string& key) const
{
    m_state->askedKeys[m_node].insert(key);
}

bool JsonCursor::has(const std::string& key) const
{
    requireObject();
    declare(key);
    return m_node->contains(key);
}

JsonCursor JsonCursor::operator[](const std::string& key) const
{
    auto found = find(key);
    if (!found)
        JsonCursor(m_state, m_node, childPath(key)).fail("missing required key");
    return *found;
}

std::optional<JsonCursor> JsonCursor::find(const std::string& key) const
{
    requireObject();
    declare(key);
    const auto found = m_node->find(key);
    if (found == m_node->end())
        return std::nullopt;
    return JsonCursor(m_state, &*found, childPath(key));
}

std::vector<std::string> JsonCursor::keys() const
{
    requireObject();
    std::vector<std::string> keys;
    for (const auto& item : m_node->items()) {
        declare(item.key());
        keys.push_back(item.key());
    }
    return keys;
}

void JsonCursor::finish() const
{
    requireObject();
    const std::set<std::string>& valid = m_state->askedKeys[m_node];
    for (const auto& item : m_node->items()) {
        if (valid.count(item.key()) != 0)
            continue;
        JsonCursor(m_state, &item.value(), childPath(item.key()))
            .fail(valid.empty() ? "unknown key (this object takes none)"
                                : "unknown key (valid: " + joinNames(valid) + ")");
    }
}

std::size_t JsonCursor::size() const
{
    requireArray();
    return m_node->size();
}

JsonCursor JsonCursor::operator[](std::size_t index) const
{
    if (index >= size())
        fail("expected at least " + elementCount(index + 1) + ", got " + std::to_string(m_node->size()));
    return JsonCursor(m_state, &(*m_node)[index], m_path + "[" + std::to_string(index) + "]");
}

std::vector<JsonCursor> JsonCursor::elements(std::size_t minSize, std::size_t maxSize) const
{
    const std::size_t count = size();
    if (count < minSize || count > maxSize) {
        if (minSize == maxSize)
            fail("expected an array of " + elementCount(minSize) + ", got " + std::to_string(count));
        if (maxSize == std::numeric_limits<std::size_t>::max())
            fail(minSize == 1 ? std::string("expected a non-empty array")
                              : "expected an array of at least " + elementCount(minSize) + ", got " +
                                    std::to_string(count));
        fail("expected an array of " + std::to_string(minSize) + " to " + elementCount(maxSize) + ", got " +
             std::to_string(count));
    }
    std::vector<JsonCursor> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        out.push_back((*this)[i]);
    return out;
}

void JsonCursor::requireLength(std::size_t length) const
{
    if (length == 0)
        elements(1);
    else
        elements(length, length);
}

std::int64_t JsonCursor::asInt(std::int64_t min, std::int64_t max) const
{
    const std::string what = "an integer" + boundsText(min, max, std::to_string(min), std::to_string(max));
    if (!m_node->is_number_integer())
        failExpected(what);
    if (m_node->is_number_unsigned() && m_node->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        failExpected(what);
    const auto value = m_node->get<std::int64_t>();
    if (value < min || value > max)
        failExpected(what);
    return value;
}

std::uint64_t JsonCursor::asUint64(std::uint64_t min, std::uint64_t max) const
{
    const std::string what = (min == 0 ? std::string("a non-negative integer") : std::string("an integer")) +
                             boundsText(min, max, std::to_string(min), std::to_string(max));
    if (!m_node->is_number_integer() || (!m_node->is_number_unsigned() && m_node->get<std::int64_t>() < 0))
        failExpected(what);
    const auto value = m_node->get<std::uint64_t>();
    if (value < min || value > max)
        failExpected(what);
    return value;
}

double JsonCursor::asDouble(double min, double max) const
{
    const std::string what = "a number" + boundsText(min, max, formatNumber(min), formatNumber(max));
    if (!m_node->is_number())
        failExpected(what);
    const auto value = m_node->get<double>();
    if (!std::isfinite(value) || value < min || value > max)
        failExpected(what);
    return value;
}

double JsonCursor::asPositive(double max) const
{
    const std::string what =
        "a number > 0" +
        (max < std::numeric_limits<double>::infinity() ? " and <= " + formatNumber(max) : "");
    if (!m_node->is_number())
        failExpected(what);
    const auto value = m_node->get<double>();
    if (!std::isfinite(value) || !(value > 0) || value > max)
        failExpected(what);
    return value;
}

bool JsonCursor::asBool() const
{
    if (!m_node->is_boolean())
        failExpected("true or false");
    return m_node->get<bool>();
}

std::string JsonCursor::asString() const
{
    if (!m_node->is_string())
        failExpected("a string");
    return m_node->get<std::string>();
}

std::string JsonCursor::asNonEmptyString() const
{
    if (!m_node->is_string() || m_node->get<std::string>().empty())
        failExpected("a non-empty string");
    return m_node->get<std::string>();
}

std::string JsonCursor::asChoice(const std::vector<std::string>& allowed) const
{
    std::string names;
    for (const auto& name : allowed)
        names += (names.empty() ? "\"" : ", \"") + name + "\"";
    if (m_node->is_string())
        for (const auto& name : allowed)
            if (m_node->get<std::string>() == name)
                return name;
    failExpected("one of " + names);
}

std::vector<std::int64_t> JsonCursor::asIntArray(std::int64_t min, std::int64_t max, std::size_t length) const
{
    requireLength(length);
    std::vector<std::int64_t> values;
    for (const auto& element : elements())
        values.push_back(element.asInt(min, max));
    return values;
}

std::vector<double> JsonCursor::asDoubleArray(double min, double max, std::size_t length) const
{
    requireLength(length);
    std::vector<double> values;
    for (const auto& element : elements())
        values.push_back(element.asDouble(min, max));
    return values;
}

std::vector<std::string> JsonCursor::asStringArray(std::size_t length) const
{
    requireLength(length);
    std::vector<std::string> values;
    for (const auto& element : elements())
        values.push_back(element.asString());
    return values;
}

} // namespace voltsim
