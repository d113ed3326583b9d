#include "JsonReader.hpp"

#include "voltsim/common/Error.hpp"

#include <cmath>
#include <sstream>

namespace voltsim::memory::detail {

void failAt(const std::string& file, const std::string& path, const std::string& message)
{
    throw InputError(file + ": " + (path.empty() ? std::string("/") : path) + ": " + message);
}

double numberAt(const nlohmann::json& value, const std::string& file, const std::string& path, double minimum,
                double maximum)
{
    if (!value.is_number())
        failAt(file, path, "expected a number, got " + value.dump());
    const double number = value.get<double>();
    if (!std::isfinite(number))
        failAt(file, path, "expected a finite number");
    if (number < minimum || number > maximum) {
        std::ostringstream message;
        message << "value " << number << " outside [" << minimum << ", " << maximum << "]";
        failAt(file, path, message.str());
    }
    return number;
}

JsonObject::JsonObject(const nlohmann::json& value, std::string file, std::string path)
    : m_value(value), m_file(std::move(file)), m_path(std::move(path))
{
    if (!m_value.is_object())
        failAt(m_file, m_path, "expected a JSON object");
}

void JsonObject::fail(const std::string& key, const std::string& message) const
{
    failAt(m_file, pathOf(key), message);
}

const nlohmann::json& JsonObject::required(const std::string& key)
{
    if (!m_value.contains(key))
        fail(key, "missing required key");
    m_seen.insert(key);
    return m_value.at(key);
}

std::string JsonObject::string(const std::string& key)
{
    const auto& value = required(key);
    if (!value.is_string() || value.get<std::string>().empty())
        fail(key, "expected a non-empty string");
    return value.get<std::string>();
}

double JsonObject::number(const std::string& key, double minimum, double maximum)
{
    return numberAt(required(key), m_file, pathOf(key), minimum, maximum);
}

std::uint64_t JsonObject::unsignedInteger(const std::string& key, std::uint64_t minimum, std::uint64_t maximum)
{
    const auto& value = required(key);
    if (!value.is_number_integer() || (value.is_number_integer() && !value.is_number_unsigned() && value.get<std::int64_t>() < 0))
        fail(key, "expected a non-negative integer, got " + value.dump());
    const auto number = value.get<std::uint64_t>();
    if (number < minimum || number > maximum)
        fail(key, "value " + std::to_string(number) + " outside [" + std::to_string(minimum) + ", " +
                      std::to_string(maximum) + "]");
    return number;
}

std::string JsonObject::choice(const std::string& key, const std::vector<std::string>& choices)
{
    const std::string value = string(key);
    std::string valid;
    for (const auto& option : choices) {
        if (option == value)
            return value;
        valid += (valid.empty() ? "" : ", ") + option;
    }
    fail(key, "unknown value '" + value + "' (valid: " + valid + ")");
}

JsonObject JsonObject::object(const std::string& key)
{
    return JsonObject(required(key), m_file, pathOf(key));
}

void JsonObject::finish(const std::vector<std::string>& validKeys) const
{
    for (const auto& item : m_value.items()) {
        if (m_seen.count(item.key()) != 0)
            continue;
        std::string valid;
        for (const auto& key : validKeys)
            valid += (valid.empty() ? "" : ", ") + key;
        fail(item.key(), "unknown key (valid: " + valid + ")");
    }
}

} // namespace voltsim::memory::detail
