#pragma once
// Text helpers shared by the SCALE-Sim file readers.
#include <algorithm>
#include <cctype>
#include <string>

namespace voltsim::workloads::text {

/// `value` without leading and trailing white space (spaces, tabs, CR).
inline std::string trim(const std::string& value)
{
    const auto isSpace = [](unsigned char c) { return std::isspace(c) != 0; };
    auto first = std::find_if_not(value.begin(), value.end(), isSpace);
    auto last = std::find_if_not(value.rbegin(), value.rend(), isSpace).base();
    return first < last ? std::string(first, last) : std::string();
}

/// ASCII lower case.
inline std::string lower(std::string value)
{
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return value;
}

/// ASCII upper case.
inline std::string upper(std::string value)
{
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    return value;
}

/// True if `value` is non-empty and all decimal digits.
inline bool isDigits(const std::string& value)
{
    return !value.empty() &&
           std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); });
}

} // namespace voltsim::workloads::text
