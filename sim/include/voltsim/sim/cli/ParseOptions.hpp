#pragma once
// The one way every subcommand parses its flags with Boost.Program_options.
#include <boost/program_options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::sim {

/// Parses `args` against `options` (and `positional`, if given) and runs notify(). A malformed
/// command line becomes voltsim::InputError "voltsim <command>: <Boost's message naming the flag>".
boost::program_options::variables_map
parseOptions(const std::string& command, const std::vector<std::string>& args,
             const boost::program_options::options_description& options,
             const boost::program_options::positional_options_description* positional = nullptr);

/// The value of the integer flag `--name` (declared as po::value<std::string>()) in [min, max],
/// or none when it is not given. InputError worded as docs/hardening.md, "Reading JSON", words it:
/// "--name: expected an integer in [1, 1024], got -1" (Boost would read "-1" into an unsigned
/// integer as 4294967295).
std::optional<std::uint64_t> unsignedFlag(const boost::program_options::variables_map& values,
                                          const std::string& name, std::uint64_t min, std::uint64_t max);

/// The value of the number flag `--name` (declared as po::value<std::string>()): a finite number
/// > 0 and <= max, or none when it is not given; InputError "--name: expected a number > 0 and <=
/// 1e+06, got "nan"" (Boost would read "nan" and "inf" as numbers).
std::optional<double> positiveFlag(const boost::program_options::variables_map& values,
                                   const std::string& name, double max);
/// As positiveFlag, for a number in [min, max].
std::optional<double> numberFlag(const boost::program_options::variables_map& values, const std::string& name,
                                 double min, double max);

/// The number of inference threads: `--threads N` (1 to 1024) when given, else one per hardware
/// thread.
unsigned threadsFlag(const boost::program_options::variables_map& values);

} // namespace voltsim::sim
