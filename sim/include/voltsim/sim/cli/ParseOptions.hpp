#pragma once
// The one way every subcommand parses its flags with Boost.Program_options.
#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace voltsim::sim {

/// Parses `args` against `options` (and `positional`, if given) and runs notify(). A malformed
/// command line becomes voltsim::InputError "voltsim <command>: <Boost's message naming the flag>".
boost::program_options::variables_map
parseOptions(const std::string& command, const std::vector<std::string>& args,
             const boost::program_options::options_description& options,
             const boost::program_options::positional_options_description* positional = nullptr);

} // namespace voltsim::sim
