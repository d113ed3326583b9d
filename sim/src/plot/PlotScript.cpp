#include "voltsim/sim/plot/PlotScript.hpp"

#include "voltsim/common/DataDir.hpp"
#include "voltsim/common/Error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace voltsim::sim {

namespace {

/// Runs @p argv (argv[0] looked up on PATH); with @p quiet its stdout and stderr go to /dev/null.
/// Returns its exit status, or -1 with @p why set when it could not be started or was killed.
int spawnAndWait(const std::vector<std::string>& argv, bool quiet, std::string& why)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (quiet) {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    }
    std::vector<char*> pointers;
    pointers.reserve(argv.size() + 1);
    for (const std::string& arg : argv)
        pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
    pid_t pid = 0;
    const int error = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, pointers.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        why = argv[0] + ": cannot run (" + std::strerror(error) + ")";
        return -1;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            why = argv[0] + ": " + std::strerror(errno);
            return -1;
        }
    if (!WIFEXITED(status)) {
        why = argv[0] + ": killed by signal " + std::to_string(WTERMSIG(status));
        return -1;
    }
    return WEXITSTATUS(status);
}

} // namespace

std::string plotPython()
{
    if (const char* given = std::getenv("VOLTSIM_PYTHON"); given != nullptr && *given != '\0')
        return given;
    std::error_code ignored;
    std::string configured = VOLTSIM_PYTHON;
    if (!configured.empty() && std::filesystem::exists(configured, ignored))
        return configured;
    return "python3";
}

std::string runPlotScript(const std::string& script, const std::vector<std::string>& args)
{
    std::string path;
    try {
        path = dataPath("plots/" + script);
    } catch (const InputError& error) {
        return error.what();
    }
    const std::string python = plotPython();
    std::string why;
    const int imports = spawnAndWait({python, "-c", "import matplotlib"}, true, why);
    if (imports < 0)
        return why + "; set VOLTSIM_PYTHON to a Python 3 with matplotlib";
    if (imports != 0)
        return python + " cannot import matplotlib (install python3-matplotlib or set VOLTSIM_PYTHON)";
    std::vector<std::string> argv = {python, path};
    argv.insert(argv.end(), args.begin(), args.end());
    const int status = spawnAndWait(argv, false, why);
    if (status < 0)
        return why;
    if (status != 0)
        return python + " " + path + " failed (exit status " + std::to_string(status) + ")";
    return "";
}

int runPythonModule(const std::string& module, const std::vector<std::string>& args)
{
    const std::string pythonPath = dataPath("python");
    const char* existing = std::getenv("PYTHONPATH");
    const std::string value =
        pythonPath + (existing != nullptr && *existing != '\0' ? ":" + std::string(existing) : "");
    if (setenv("PYTHONPATH", value.c_str(), 1) != 0)
        throw InputError(std::string("cannot set PYTHONPATH: ") + std::strerror(errno));
    std::vector<std::string> argv = {plotPython(), "-m", module};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string why;
    const int status = spawnAndWait(argv, false, why);
    if (status < 0)
        throw InputError(why);
    return status;
}

} // namespace voltsim::sim
