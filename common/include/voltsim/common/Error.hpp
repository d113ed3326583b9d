#pragma once
// Error types shared by every library. The CLI prints what() as one line and exits non-zero.
#include <stdexcept>
#include <string>

namespace voltsim {

/// Bad input from a user or another tool: a file, a JSON key, a CSV line or a flag.
/// The message names the file and the key/line/flag; the CLI exits with status 2.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A subcommand or option that is specified but not built yet; the CLI exits with status 3.
class NotImplementedError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace voltsim
