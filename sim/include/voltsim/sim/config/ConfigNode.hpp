#pragma once
// Self-describing configuration reading (Ramulator 2 / DRAMSys style), on the strict JsonCursor.
//
// A ConfigNode wraps one JSON object of a config. Components read their parameters through it
// straight into the struct that holds them: the member's initial value is the default (written
// once, in the struct), a value in the file replaces it after its type and range are checked. The
// node records every parameter with its description and default, so that (1) a key nobody read is
// an error listing the valid keys, (2) the resolved configuration, defaults included, can be
// written beside every result and (3) `--describe-config` lists every parameter. A parameter that
// may be unset is a std::optional (null in the resolved config), a list is a JSON array. Errors
// are voltsim::InputError worded as JsonCursor words them (docs/hardening.md, "Reading JSON").
#include "voltsim/common/Error.hpp"
#include "voltsim/common/JsonCursor.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace voltsim::sim {

/// One documented parameter, as read: path, default (as JSON text), description.
struct ParamInfo {
    std::string path;
    std::string defaultValue;
    std::string description;
};

/// Where values set on the command line came from: dotted key path ("weight_sram.voltage_rel")
/// -> the flag or `--set key=value` that set it. Messages about such a value name that origin
/// instead of the config's source (docs/hardening.md, "Reading JSON").
using ValueOrigins = std::map<std::string, std::string>;

/// The config names of an enum's values, e.g. {{"ws", Dataflow::WS}, ...}.
template <typename T> using Names = std::vector<std::pair<std::string, T>>;

class ConfigNode {
  public:
    /// @param json    an object (or null, treated as empty); copied
    /// @param source  the file the values came from, for error messages ("<command line>" allowed)
    /// @param path    where the object sits in that file ("" for the whole file)
    /// @param origins the command-line origins of values in it (shared with the children), or null
    ConfigNode(nlohmann::json json, const std::string& source, const std::string& path = "",
               std::shared_ptr<const ValueOrigins> origins = nullptr);

    /// An integer in [min, max]; @p value holds the default and receives the value.
    template <typename Int>
    void integer(const std::string& key, Int& value, Int min, Int max, const std::string& description);
    /// An integer in [min, max], or unset (absent or null).
    template <typename Int>
    void integer(const std::string& key, std::optional<Int>& value, Int min, Int max,
                 const std::string& description);
    /// A finite number in [min, max].
    void number(const std::string& key, double& value, double min, double max,
                const std::string& description);
    /// A number > 0 and <= max, or unset.
    void positive(const std::string& key, std::optional<double>& value, double max,
                  const std::string& description);
    /// A number in [min, max], or unset.
    void number(const std::string& key, std::optional<double>& value, double min, double max,
                const std::string& description);
    void flag(const std::string& key, bool& value, const std::string& description);
    void text(const std::string& key, std::string& value, const std::string& description);
    /// A non-empty string, or unset.
    void text(const std::string& key, std::optional<std::string>& value, const std::string& description);
    /// A non-empty list of non-empty strings.
    void textList(const std::string& key, std::vector<std::string>& value, const std::string& description);
    /// A non-empty list of non-empty strings, or unset (absent or null).
    void textList(const std::string& key, std::optional<std::vector<std::string>>& value,
                  const std::string& description);
    /// One of @p names; the resolved config holds the name.
    template <typename T>
    void choice(const std::string& key, T& value, const Names<T>& names, const std::string& description);
    /// A value of the caller's own form: @p parse(const JsonCursor&) returns it, @p toJson renders it
    /// for the resolved config. An absent (or, for std::optional, null) key keeps @p value.
    template <typename T, typename Parse, typename ToJson>
    void custom(const std::string& key, T& value, Parse parse, ToJson toJson, const std::string& description);

    /// The child object under @p key (an empty object if absent); finish() covers it.
    ConfigNode& child(const std::string& key, const std::string& description);

    /// The keys of this object in the file, in order, each declared valid (for maps keyed by name,
    /// each then read as a child); nullopt when the object is absent or null.
    std::optional<std::vector<std::string>> keys() const;

    /// Throws InputError for the first key present but never read (here or in a child), listing
    /// the valid keys.
    void finish() const;

    /// The resolved values: every parameter read, defaults filled in, children nested.
    nlohmann::json resolved() const;

    /// Every parameter read so far (recursively), for --describe-config.
    std::vector<ParamInfo> describe() const;

    /// "source: path.key" for messages about @p key, or "origin: path.key" when the command line
    /// set it (or an object holding it).
    std::string where(const std::string& key) const;
    /// The file the values came from (as given to the constructor).
    const std::string& source() const { return m_source; }
    const std::shared_ptr<const ValueOrigins>& origins() const { return m_origins; }

  private:
    ConfigNode(std::optional<JsonCursor> cursor, std::string source, std::string path,
               std::shared_ptr<const ValueOrigins> origins);
    /// Rethrows @p error about @p key with where(key) in place of the source when the command line set it.
    [[noreturn]] void rethrowAt(const std::string& key, const InputError& error) const;
    std::optional<JsonCursor> find(const std::string& key) const;
    void record(const std::string& key, nlohmann::json value, std::string defaultValue,
                const std::string& description);

    std::optional<JsonCursor> m_cursor; ///< none: the object is absent from the file
    std::string m_source;
    std::string m_path;
    std::shared_ptr<const ValueOrigins> m_origins;
    nlohmann::json m_resolved = nlohmann::json::object();
    std::vector<ParamInfo> m_params;
    std::vector<std::pair<std::string, std::unique_ptr<ConfigNode>>> m_children;
};

/// Loads a JSON config file (an object at the top), or InputError naming the file.
nlohmann::json loadConfigFile(const std::string& path);

/// Applies one `--set a.b.c=value` override to @p config: value is parsed as JSON when it is
/// valid JSON (numbers, true/false, null, quoted strings, arrays), else taken as a plain string.
/// Intermediate objects are created. InputError on a malformed override. With @p origins, records
/// that the key was set by @p origin ("--set <assignment>" when empty), replacing the origins of
/// keys inside it.
void applyOverride(nlohmann::json& config, const std::string& assignment, ValueOrigins* origins = nullptr,
                   const std::string& origin = "");

/// Records in @p origins that @p key was set by @p origin, replacing the origins of keys inside it.
void recordOrigin(ValueOrigins& origins, const std::string& key, const std::string& origin);

namespace detail {
template <typename T> struct IsOptional : std::false_type {
};
template <typename T> struct IsOptional<std::optional<T>> : std::true_type {
};
} // namespace detail

template <typename T, typename Parse, typename ToJson>
void ConfigNode::custom(const std::string& key, T& value, Parse parse, ToJson toJson,
                        const std::string& description)
{
    std::string defaultValue = toJson(value).dump();
    if (const auto found = find(key)) {
        try {
            if constexpr (detail::IsOptional<T>::value) {
                if (found->isNull())
                    value.reset();
                else
                    value = parse(*found);
            } else {
                value = parse(*found);
            }
        } catch (const InputError& error) {
            rethrowAt(key, error);
        }
    }
    record(key, toJson(value), std::move(defaultValue), description);
}

namespace detail {
template <typename T> nlohmann::json optionalJson(const std::optional<T>& value)
{
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
} // namespace detail

namespace detail {
/// Reads an integer of type Int in [min, max] (signed through asInt, unsigned through asUint64).
template <typename Int> auto integerReader(Int min, Int max)
{
    static_assert(std::is_integral_v<Int>);
    return [min, max](const JsonCursor& cursor) {
        if constexpr (std::is_signed_v<Int>)
            return static_cast<Int>(cursor.asInt(min, max));
        else
            return static_cast<Int>(cursor.asUint64(min, max));
    };
}
} // namespace detail

template <typename Int>
void ConfigNode::integer(const std::string& key, Int& value, Int min, Int max, const std::string& description)
{
    custom(
        key, value, detail::integerReader(min, max), [](Int v) { return nlohmann::json(v); }, description);
}

template <typename Int>
void ConfigNode::integer(const std::string& key, std::optional<Int>& value, Int min, Int max,
                         const std::string& description)
{
    custom(key, value, detail::integerReader(min, max), detail::optionalJson<Int>, description);
}

template <typename T>
void ConfigNode::choice(const std::string& key, T& value, const Names<T>& names,
                        const std::string& description)
{
    std::vector<std::string> allowed;
    for (const auto& [name, option] : names)
        allowed.push_back(name);
    const auto nameOf = [&](const T& option) {
        for (const auto& [name, candidate] : names)
            if (candidate == option)
                return nlohmann::json(name);
        return nlohmann::json(nullptr);
    };
    const auto parse = [&](const JsonCursor& cursor) {
        const std::string name = cursor.asChoice(allowed);
        for (const auto& [candidate, option] : names)
            if (candidate == name)
                return option;
        return value;
    };
    std::string list;
    for (const auto& name : allowed)
        list += (list.empty() ? "" : ", ") + name;
    custom(key, value, parse, nameOf, description + " (" + list + ")");
}

} // namespace voltsim::sim
