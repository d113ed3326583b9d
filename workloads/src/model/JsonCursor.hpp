#pragma once
// Strict, path-tracking access to a parsed JSON document: every failure throws one
// voltsim::InputError line "<file>: <json path>: <problem>".
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace voltsim::workloads::detail {

/// A position in a JSON document. Holds a reference to the node: the document must outlive it.
class JsonCursor {
public:
    JsonCursor(const nlohmann::json& node, std::string file, std::string path);

    /// Requires an object whose keys are exactly `required` plus any of `optional`.
    void expectKeys(std::initializer_list<const char*> required, std::initializer_list<const char*> optional = {}) const;
    /// Requires an object containing `required`; other keys are allowed.
    void expectKeysAtLeast(std::initializer_list<const char*> required) const;

    bool has(const std::string& key) const;
    JsonCursor operator[](const std::string& key) const; ///< required member of an object
    JsonCursor operator[](std::size_t index) const;      ///< element of an array
    std::size_t arraySize() const;                       ///< requires an array

    std::int64_t asInt(std::int64_t min, std::int64_t max) const; ///< integer in [min, max]
    double asFinite() const;                                      ///< any finite number
    double asPositive() const;                                    ///< finite number > 0
    std::string asString() const;
    bool asBool() const;
    /// Array of integers, each in [min, max]; `length` 0 means any non-zero length.
    std::vector<std::int64_t> asIntArray(std::int64_t min, std::int64_t max, std::size_t length = 0) const;
    std::string asOneOf(std::initializer_list<const char*> allowed) const;

    const nlohmann::json& node() const { return m_node; }
    const std::string& file() const { return m_file; }
    /// The JSON path of this node, e.g. "layers[2].weight.bits" ("(root)" for the document).
    std::string path() const { return m_path.empty() ? "(root)" : m_path; }
    [[noreturn]] void fail(const std::string& problem) const;

private:
    void requireObject() const;
    void requireArray() const;

    const nlohmann::json& m_node;
    std::string m_file;
    std::string m_path;
};

/// The whole content of the file at `path`. @throws voltsim::InputError naming the file if unreadable.
std::string readTextFile(const std::string& path);

/// Renders a JSON value for an error message, shortened to a few dozen characters.
std::string brief(const nlohmann::json& value);

} // namespace voltsim::workloads::detail
