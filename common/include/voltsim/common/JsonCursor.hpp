#pragma once
// The one strict reader of JSON files (docs/hardening.md, "Reading JSON"): a cursor is a position
// in a parsed document that knows its source file and its path (`layers[2].weight.bits`). Every
// problem is one voltsim::InputError line worded one way per kind of problem:
//
//   <source>: <path>: expected an integer in [2, 8], got 9
//   <source>: <path>: missing required key
//   <source>: <path>: unknown key (valid: a, b, c)
//
// (the path is left out at the document root). Reading a key, required or optional, declares it
// valid; finish() then rejects every other key of the object.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace voltsim {

class JsonCursor {
  public:
    /// Parses @p text, the content of @p source. InputError "<source>: not valid JSON: ..." on a
    /// syntax error, "<source>: <path>: duplicate key (each key may appear once)" on a repeated key
    /// (nlohmann::json alone would keep the last value silently).
    static JsonCursor parse(const std::string& text, const std::string& source);
    /// Reads and parses the file @p path; @p what names the expected file in errors ("config file").
    static JsonCursor load(const std::string& path, const std::string& what);

    /// The root of @p document (copied), read from @p source (a file name, "<command line>", ...).
    /// @p rootPath places the document inside a larger one in messages ("accelerator" for a config
    /// given inline under that key); "" for a whole file.
    JsonCursor(nlohmann::json document, std::string source, std::string rootPath = "");

    const std::string& source() const { return m_state->source; }
    /// The path from the root, e.g. "layers[2].weight.bits" ("" at the root).
    const std::string& path() const { return m_path; }
    /// "<source>: <path>", or "<source>" at the root: the prefix of every message about this node.
    std::string where() const;
    /// Throws InputError "<where()>: <problem>".
    [[noreturn]] void fail(const std::string& problem) const;
    /// The value here as parsed; the node stays owned by the cursor's document.
    const nlohmann::json& json() const { return *m_node; }

    bool isNull() const { return m_node->is_null(); }
    bool isObject() const { return m_node->is_object(); }
    bool isArray() const { return m_node->is_array(); }
    /// Throws "expected an object, got ..." unless the value here is an object.
    void requireObject() const;
    /// Throws "expected an array, got ..." unless the value here is an array.
    void requireArray() const;

    /// @name Objects (each requires an object here)
    /// @{
    /// Whether the object has @p key; declares @p key valid.
    bool has(const std::string& key) const;
    /// The value under @p key, which must be present ("missing required key").
    JsonCursor operator[](const std::string& key) const;
    /// The value under @p key if present; declares @p key valid either way.
    std::optional<JsonCursor> find(const std::string& key) const;
    /// Every key of the object in order, each declared valid (for maps keyed by name).
    std::vector<std::string> keys() const;
    /// Throws "unknown key (valid: ...)" at the first key never read, listing the keys read.
    void finish() const;
    /// @}

    /// @name Arrays (each requires an array here)
    /// @{
    std::size_t size() const;
    /// Element @p index, which must exist.
    JsonCursor operator[](std::size_t index) const;
    /// Every element; requires between @p minSize and @p maxSize of them.
    std::vector<JsonCursor> elements(std::size_t minSize = 0,
                                     std::size_t maxSize = std::numeric_limits<std::size_t>::max()) const;
    /// @}

    /// @name Values; bounds are inclusive and an unbounded side is left out of the message.
    /// @{
    std::int64_t asInt(std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
    std::uint64_t asUint64(std::uint64_t min = 0,
                           std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) const;
    /// A finite number in [min, max].
    double asDouble(double min = -std::numeric_limits<double>::infinity(),
                    double max = std::numeric_limits<double>::infinity()) const;
    /// A finite number > 0 and <= @p max.
    double asPositive(double max = std::numeric_limits<double>::infinity()) const;
    bool asBool() const;
    std::string asString() const;
    std::string asNonEmptyString() const;
    /// A string that is one of @p allowed.
    std::string asChoice(const std::vector<std::string>& allowed) const;
    /// Arrays of @p length elements (0: any non-zero length), each read as by the scalar readers.
    std::vector<std::int64_t> asIntArray(std::int64_t min, std::int64_t max, std::size_t length = 0) const;
    std::vector<double> asDoubleArray(double min, double max, std::size_t length = 0) const;
    std::vector<std::string> asStringArray(std::size_t length = 0) const;
    /// @}

  private:
    /// The document and, per object node read, the keys asked for (what finish() accepts).
    struct State {
        nlohmann::json document;
        std::string source;
        std::map<const nlohmann::json*, std::set<std::string>> askedKeys;
    };

    JsonCursor(std::shared_ptr<State> state, const nlohmann::json* node, std::string path);
    void requireLength(std::size_t length) const;
    void declare(const std::string& key) const;
    std::string childPath(const std::string& key) const;
    [[noreturn]] void failExpected(const std::string& what) const;

    std::shared_ptr<State> m_state;
    const nlohmann::json* m_node;
    std::string m_path;
};

/// Renders @p value for a message: its JSON text, shortened to a few dozen characters.
std::string briefJson(const nlohmann::json& value);

/// Renders a number for a message: integers without a fraction, others in the shortest form that
/// reads back (0.1, 1e-09).
std::string formatNumber(double value);

} // namespace voltsim
