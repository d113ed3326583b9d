#pragma once
// Strict reader of one JSON object: every key must be known, required keys must be present, and
// every problem is an InputError "<file>: <json path>: <problem>".
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace voltsim::memory::detail {

/// Throws InputError "<file>: <path>: <message>" (path "/" for the document root).
[[noreturn]] void failAt(const std::string& file, const std::string& path, const std::string& message);

/// A view of one JSON object. Reading a key marks it known; finish() rejects unknown keys.
class JsonObject {
public:
    /// `value` must outlive the reader; throws unless it is an object.
    JsonObject(const nlohmann::json& value, std::string file, std::string path);

    bool has(const std::string& key) const { return m_value.contains(key); }
    const nlohmann::json& required(const std::string& key);
    std::string string(const std::string& key);
    /// A finite number; `minimum` is inclusive.
    double number(const std::string& key, double minimum, double maximum);
    std::uint64_t unsignedInteger(const std::string& key, std::uint64_t minimum, std::uint64_t maximum);
    /// One of `choices`.
    std::string choice(const std::string& key, const std::vector<std::string>& choices);
    /// A nested object reader.
    JsonObject object(const std::string& key);

    /// Throws for the first key that was never read, listing the valid ones.
    void finish(const std::vector<std::string>& validKeys) const;

    const std::string& file() const { return m_file; }
    std::string pathOf(const std::string& key) const { return m_path + "/" + key; }
    [[noreturn]] void fail(const std::string& key, const std::string& message) const;

private:
    const nlohmann::json& m_value;
    std::string m_file;
    std::string m_path;
    std::set<std::string> m_seen;
};

/// Checks that `value` is a finite number in [minimum, maximum].
double numberAt(const nlohmann::json& value, const std::string& file, const std::string& path, double minimum,
                double maximum);

} // namespace voltsim::memory::detail
