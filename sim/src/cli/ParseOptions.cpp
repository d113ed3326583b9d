#include "voltsim/sim/cli/ParseOptions.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/JsonCursor.hpp"

#include <algorithm>
#include <thread>

namespace po = boost::program_options;

namespace voltsim::sim {

po::variables_map parseOptions(const std::string& command, const std::vector<std::string>& args,
                               const po::options_description& options,
                               const po::positional_options_description* positional)
{
    po::variables_map values;
    try {
        po::command_line_parser parser(args);
        parser.options(options);
        if (positional)
            parser.positional(*positional);
        po::store(parser.run(), values);
        po::notify(values);
    } catch (const po::error& error) {
        throw InputError("voltsim " + command + ": " + error.what());
    }
    return values;
}

namespace {

/// The flag's text as --set reads a value: JSON when it parses, else the string it is; the cursor
/// names the flag.
JsonCursor flagValue(const po::variables_map& values, const std::string& name)
{
    const std::string text = values[name].as<std::string>();
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded())
        value = text;
    return JsonCursor(std::move(value), "--" + name);
}

} // namespace

std::optional<std::uint64_t> unsignedFlag(const po::variables_map& values, const std::string& name,
                                          std::uint64_t min, std::uint64_t max)
{
    return values.count(name) ? std::optional(flagValue(values, name).asUint64(min, max)) : std::nullopt;
}

std::optional<double> positiveFlag(const po::variables_map& values, const std::string& name, double max)
{
    return values.count(name) ? std::optional(flagValue(values, name).asPositive(max)) : std::nullopt;
}

std::optional<double> numberFlag(const po::variables_map& values, const std::string& name, double min,
                                 double max)
{
    return values.count(name) ? std::optional(flagValue(values, name).asDouble(min, max)) : std::nullopt;
}

unsigned threadsFlag(const po::variables_map& values)
{
    constexpr std::uint64_t kMaxThreads = 1024;
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(unsignedFlag(values, "threads", 1, kMaxThreads).value_or(hardware));
}

} // namespace voltsim::sim
