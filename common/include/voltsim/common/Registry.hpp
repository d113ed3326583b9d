#pragma once
// Implementations of one interface by name, each with a one-line description and a factory: the one
// extension mechanism of voltsim (fault models, timing models, array engines; `voltsim list` shows
// them). Registration is explicit: each library has one function that adds its built-ins. Static
// self-registration is avoided because the linker drops unreferenced objects of a static library.
#include "voltsim/common/Error.hpp"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace voltsim {

/// Named factories of `Interface`; `Args` are what a factory needs to construct one (none for a
/// stateless model). Entries keep their registration order, which is the order of every listing
/// and error message. Not thread-safe while being filled; const access is.
template <typename Interface, typename... Args> class Registry {
  public:
    using Factory = std::function<std::unique_ptr<Interface>(Args...)>;

    struct Entry {
        std::string name;        ///< the key users type (config value, flag value)
        std::string description; ///< one line, no trailing period, for listings
        Factory factory;
    };

    /// `kind` names what is registered in messages, e.g. "fault model".
    explicit Registry(std::string kind) : m_kind(std::move(kind)) {}

    /// The process-wide registry of this type, built on first use (thread-safe) as `kind` filled
    /// by `fill`, a library's registration function. Later calls return it unchanged.
    static const Registry& builtIn(const std::string& kind, void (*fill)(Registry&))
    {
        static const Registry registry = [&] {
            Registry built(kind);
            fill(built);
            return built;
        }();
        return registry;
    }

    /// Adds an implementation. A duplicate or empty name, or an empty factory, is a programming
    /// error: std::logic_error.
    void add(std::string name, std::string description, Factory factory)
    {
        if (name.empty() || !factory)
            throw std::logic_error(m_kind + " registry: empty name or factory");
        if (find(name) != nullptr)
            throw std::logic_error(m_kind + " registry: '" + name + "' registered twice");
        m_entries.push_back(Entry{std::move(name), std::move(description), std::move(factory)});
    }

    /// Throws InputError "<context>: unknown <kind> '<name>' (valid: a, b)" unless `name` is
    /// registered. `context` names the flag, key or file the name came from.
    void check(const std::string& name, const std::string& context) const { entry(name, context); }

    /// A new instance of `name` built from `args`; InputError as check() if `name` is unknown.
    std::unique_ptr<Interface> create(const std::string& name, const std::string& context, Args... args) const
    {
        return entry(name, context).factory(args...);
    }

    bool contains(const std::string& name) const { return find(name) != nullptr; }

    /// Registered names, in registration order.
    std::vector<std::string> names() const
    {
        std::vector<std::string> result;
        for (const Entry& known : m_entries)
            result.push_back(known.name);
        return result;
    }

    /// Every entry, in registration order.
    const std::vector<Entry>& entries() const { return m_entries; }

    /// What is registered, e.g. "fault model".
    const std::string& kind() const { return m_kind; }

  private:
    const Entry* find(const std::string& name) const
    {
        for (const Entry& known : m_entries)
            if (known.name == name)
                return &known;
        return nullptr;
    }

    const Entry& entry(const std::string& name, const std::string& context) const
    {
        if (const Entry* found = find(name))
            return *found;
        std::string valid;
        for (const Entry& known : m_entries)
            valid += (valid.empty() ? "" : ", ") + known.name;
        throw InputError((context.empty() ? "" : context + ": ") + "unknown " + m_kind + " '" + name +
                         "' (valid: " + valid + ")");
    }

    std::string m_kind;
    std::vector<Entry> m_entries;
};

} // namespace voltsim
