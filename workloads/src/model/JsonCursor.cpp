#include "JsonCursor.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/StrictJson.hpp"
#include "voltsim/common/InputFile.hpp"

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

namespace voltsim::workloads::detail {
namespace {

std::string typeName(const nlohmann::json& value)
{
    if (value.is_number_integer())
        return "integer";
    if (value.is_number_float())
        return "number";
    return value.type_name();
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string joined;
    for (const auto& name : names)
        joined += (joined.empty() ? "" : ", ") + name;
    return joined;
}

} // namespace

JsonCursor::JsonCursor(const nlohmann::json& node, std::string file, std::string path)
    : m_node(node), m_file(std::move(file)), m_path(std::move(path))
{
}

void JsonCursor::fail(const std::string& problem) const
{
    throw InputError(m_file + ": " + path() + ": " + problem);
}

void JsonCursor::requireObject() const
{
    if (!m_node.is_object())
        fail("must be an object, got " + typeName(m_node));
}

void JsonCursor::requireArray() const
{
    if (!m_node.is_array())
        fail("must be an array, got " + typeName(m_node));
}

void JsonCursor::expectKeysAtLeast(std::initializer_list<const char*> required) const
{
    requireObject();
    for (const char* key : required)
        if (!m_node.contains(key))
            fail(std::string("missing key '") + key + "'");
}

void JsonCursor::expectKeys(std::initializer_list<const char*> required, std::initializer_list<const char*> optional) const
{
    expectKeysAtLeast(required);
    std::set<std::string> valid(required.begin(), required.end());
    valid.insert(optional.begin(), optional.end());
    for (const auto& item : m_node.items())
        if (!valid.count(item.key()))
            fail("unknown key '" + item.key() + "' (valid: " + joinNames({valid.begin(), valid.end()}) + ")");
}

bool JsonCursor::has(const std::string& key) const
{
    requireObject();
    return m_node.contains(key);
}

JsonCursor JsonCursor::operator[](const std::string& key) const
{
    requireObject();
    const auto found = m_node.find(key);
    if (found == m_node.end())
        fail("missing key '" + key + "'");
    return JsonCursor(*found, m_file, m_path.empty() ? key : m_path + "." + key);
}

JsonCursor JsonCursor::operator[](std::size_t index) const
{
    requireArray();
    if (index >= m_node.size())
        fail("needs an element " + std::to_string(index) + ", has " + std::to_string(m_node.size()));
    return JsonCursor(m_node[index], m_file, path() + "[" + std::to_string(index) + "]");
}

std::size_t JsonCursor::arraySize() const
{
    requireArray();
    return m_node.size();
}

std::int64_t JsonCursor::asInt(std::int64_t min, std::int64_t max) const
{
    if (!m_node.is_number_integer())
        fail("must be an integer, got " + typeName(m_node) + " " + brief(m_node));
    if (m_node.is_number_unsigned() && m_node.get<std::uint64_t>() > std::uint64_t(max))
        fail("must be in " + std::to_string(min) + ".." + std::to_string(max) + ", got " + brief(m_node));
    const auto value = m_node.get<std::int64_t>();
    if (value < min || value > max)
        fail("must be in " + std::to_string(min) + ".." + std::to_string(max) + ", got " + std::to_string(value));
    return value;
}

double JsonCursor::asFinite() const
{
    if (!m_node.is_number())
        fail("must be a number, got " + typeName(m_node) + " " + brief(m_node));
    const auto value = m_node.get<double>();
    if (!std::isfinite(value))
        fail("must be finite, got " + brief(m_node));
    return value;
}

double JsonCursor::asPositive() const
{
    const double value = asFinite();
    if (!(value > 0))
        fail("must be > 0, got " + brief(m_node));
    return value;
}

std::string JsonCursor::asString() const
{
    if (!m_node.is_string())
        fail("must be a string, got " + typeName(m_node) + " " + brief(m_node));
    return m_node.get<std::string>();
}

bool JsonCursor::asBool() const
{
    if (!m_node.is_boolean())
        fail("must be true or false, got " + typeName(m_node) + " " + brief(m_node));
    return m_node.get<bool>();
}

std::vector<std::int64_t> JsonCursor::asIntArray(std::int64_t min, std::int64_t max, std::size_t length) const
{
    const std::size_t size = arraySize();
    if (length != 0 && size != length)
        fail("must have " + std::to_string(length) + " elements, got " + std::to_string(size));
    if (length == 0 && size == 0)
        fail("must not be empty");
    std::vector<std::int64_t> values;
    values.reserve(size);
    for (std::size_t i = 0; i < size; ++i)
        values.push_back((*this)[i].asInt(min, max));
    return values;
}

std::string JsonCursor::asOneOf(std::initializer_list<const char*> allowed) const
{
    const std::string value = asString();
    std::vector<std::string> names;
    for (const char* name : allowed) {
        if (value == name)
            return value;
        names.emplace_back(std::string("'") + name + "'");
    }
    fail("must be one of " + joinNames(names) + ", got '" + value + "'");
}

std::string readTextFile(const std::string& path)
{
    rejectDirectory(path, "a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path + ": cannot open file");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string brief(const nlohmann::json& value)
{
    std::string text = value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

} // namespace voltsim::workloads::detail
