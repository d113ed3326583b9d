#pragma once
// Strict, self-describing configuration reading (Ramulator 2 / DRAMSys style).
//
// A ConfigNode wraps one JSON object of a config file. Components read their parameters through
// it, each with a default, a valid range and a description; the node records what was read so
// that (1) a key nobody read is an error listing the valid keys, (2) the resolved configuration,
// defaults included, can be written beside every result, and (3) `--describe` can list every
// parameter. Errors are voltsim::InputError with the file and the JSON path.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::sim {

/// One documented parameter, as read: path, default, description (for --describe and docs).
struct ParamInfo {
    std::string path;
    std::string defaultValue;
    std::string description;
};

class ConfigNode {
public:
    /// @param json    an object (or null, treated as empty); copied
    /// @param source  the file the values came from, for error messages ("<command line>" allowed)
    /// @param path    JSON path of this node ("" for the root)
    ConfigNode(nlohmann::json json, std::string source, std::string path = "");

    std::int64_t getInt(const std::string& key, std::int64_t defaultValue, std::int64_t min,
                        std::int64_t max, const std::string& description);
    double getDouble(const std::string& key, double defaultValue, double min, double max,
                     const std::string& description);
    bool getBool(const std::string& key, bool defaultValue, const std::string& description);
    std::string getString(const std::string& key, const std::string& defaultValue,
                          const std::string& description);
    /// A string that must be one of @p allowed.
    std::string getChoice(const std::string& key, const std::string& defaultValue,
                          const std::vector<std::string>& allowed, const std::string& description);
    /// The value under @p key as it is (or @p defaultValue), for a key whose type the caller checks
    /// (e.g. a file name or an inline object); recorded like every other parameter.
    nlohmann::json getJson(const std::string& key, const nlohmann::json& defaultValue, const std::string& description);
    /// True if the key is present in the file (for optional parameters without a default).
    bool has(const std::string& key) const;

    /// The child object under @p key (an empty object if absent); must be finish()ed too.
    ConfigNode& child(const std::string& key, const std::string& description);

    /// Throws InputError for the first key present in the file but never read (here or in a
    /// child), listing the valid keys.
    void finish() const;

    /// The resolved values: every parameter read, defaults filled in, children nested.
    nlohmann::json resolved() const;

    /// Every parameter read so far (recursively), for --describe.
    std::vector<ParamInfo> describe() const;

    /// "file: path.key" for messages about @p key.
    std::string where(const std::string& key) const;
    /// The file the values came from (as given to the constructor).
    const std::string& source() const { return m_source; }

private:
    const nlohmann::json* find(const std::string& key) const;
    void record(const std::string& key, const nlohmann::json& value, const std::string& defaultValue,
                const std::string& description);

    nlohmann::json m_json;
    std::string m_source;
    std::string m_path;
    nlohmann::json m_resolved = nlohmann::json::object();
    std::vector<std::string> m_readKeys;
    std::vector<ParamInfo> m_params;
    std::vector<std::pair<std::string, std::unique_ptr<ConfigNode>>> m_children;
};

/// Loads a JSON config file (an object at the top), or InputError naming the file.
nlohmann::json loadConfigFile(const std::string& path);

/// Applies one `--set a.b.c=value` override to @p config: value is parsed as JSON when it is
/// valid JSON (numbers, true/false, quoted strings, arrays), else taken as a plain string.
/// Intermediate objects are created. InputError on a malformed override.
void applyOverride(nlohmann::json& config, const std::string& assignment);

} // namespace voltsim::sim
