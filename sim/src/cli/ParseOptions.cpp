#include "voltsim/sim/cli/ParseOptions.hpp"

#include "voltsim/common/Error.hpp"

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

} // namespace voltsim::sim
