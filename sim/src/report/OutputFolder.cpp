#include "voltsim/sim/report/OutputFolder.hpp"

#include "voltsim/common/Error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace voltsim::sim {
namespace fs = std::filesystem;

const char* const kLockFileName = ".voltsim.lock";

namespace {

std::string lockPath(const std::string& dir)
{
    return (fs::path(dir) / kLockFileName).string();
}

/// "voltsim sweep, pid 123" from a "123 sweep" line whose process is running, or "".
std::string runningHolder(int fd)
{
    char buffer[64];
    const ssize_t size = pread(fd, buffer, sizeof buffer, 0);
    std::string text = size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : "";
    if (!text.empty() && text.back() == '\n')
        text.pop_back();
    const auto space = text.find(' ');
    const bool wellFormed =
        space != std::string::npos && space > 0 && space < 10 && space + 1 < text.size() &&
        text.find_first_not_of("0123456789") == space &&
        text.find_first_not_of("abcdefghijklmnopqrstuvwxyz", space + 1) == std::string::npos;
    if (!wellFormed)
        return "";
    const auto pid = static_cast<pid_t>(std::stol(text.substr(0, space)));
    if (::kill(pid, 0) != 0 && errno == ESRCH)
        return "";
    return "voltsim " + text.substr(space + 1) + ", pid " + text.substr(0, space);
}

/// What trying a lock gave: taken, or held by `holder`, or failed with `error`.
struct LockAttempt {
    bool taken = false;
    std::string holder; ///< "voltsim sweep, pid 123" when another process holds it
    int error = 0;      ///< errno of a failure other than a holder
};

/// Takes the lock `operation` (LOCK_EX or LOCK_SH) on `fd` without waiting for a holder, or names
/// the holder from its "PID COMMAND" line. A holder writes that line just after it takes the
/// lock, so until then the file is empty or names an earlier, ended holder (and a holder killed
/// before writing it frees the lock): both are tried again for up to half a second. The file is
/// anyone's to edit, so anything else is "pid unknown".
LockAttempt lockOrHolder(int fd, int operation)
{
    for (int attempt = 0;; ++attempt) {
        if (::flock(fd, operation | LOCK_NB) == 0)
            return {true, "", 0};
        if (errno != EWOULDBLOCK)
            return {false, "", errno};
        if (std::string holder = runningHolder(fd); !holder.empty())
            return {false, std::move(holder), 0};
        if (attempt == 50)
            return {false, "another voltsim process (pid unknown)", 0};
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string errnoText(int error)
{
    return std::strerror(error);
}

} // namespace

FolderContent folderContent(const std::string& dir)
{
    const auto has = [&](const char* name) {
        std::error_code error;
        return fs::exists(fs::path(dir) / name, error);
    };
    if (has("COMPUTE_REPORT.csv"))
        return FolderContent::Layers;
    if (has("layers.csv"))
        return FolderContent::Run;
    if (has("config.json") || has("points.jsonl"))
        return FolderContent::Sweep;
    return FolderContent::Nothing;
}

OutputFolder::OutputFolder(std::string dir, const std::string& command) : m_dir(std::move(dir))
{
    const std::string where = "--out " + m_dir;
    std::error_code error;
    fs::create_directories(m_dir, error);
    if (error || !fs::is_directory(m_dir, error))
        throw InputError(where + ": cannot create directory");
    const std::string path = lockPath(m_dir);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        throw InputError(where + ": cannot open " + path + ": " + errnoText(errno));
    if (const LockAttempt lock = lockOrHolder(fd, LOCK_EX); !lock.taken) {
        ::close(fd);
        if (!lock.holder.empty())
            throw InputError(where + ": in use by " + lock.holder +
                             "; one process writes a folder at a time: wait for it or choose another --out");
        throw InputError(where + ": cannot lock " + path + ": " + errnoText(lock.error));
    }
    const std::string holder = std::to_string(::getpid()) + " " + command + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, holder.data(), holder.size(), 0) != static_cast<ssize_t>(holder.size())) {
        const int writeError = errno;
        ::close(fd);
        throw InputError(where + ": cannot write " + path + ": " + errnoText(writeError));
    }
    m_fd = fd;
}

OutputFolder::~OutputFolder()
{
    ::close(m_fd);
}

void requireOwnFolder(const OutputFolder& folder, FolderContent own, const std::string& command)
{
    const FolderContent content = folderContent(folder.dir());
    if (content == FolderContent::Nothing || content == own)
        return;
    const char* holds = content == FolderContent::Sweep ? "a sweep (config.json, points.jsonl)"
                        : content == FolderContent::Run
                            ? "the results of voltsim run (layers.csv, stats.json)"
                            : "the reports of voltsim layers (COMPUTE_REPORT.csv, layers.csv)";
    throw InputError("--out " + folder.dir() + ": holds " + holds + "; voltsim " + command +
                     " never writes into it: choose another --out");
}

void requireNoWriter(const std::string& dir)
{
    const int fd = ::open(lockPath(dir).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return;
    const LockAttempt lock = lockOrHolder(fd, LOCK_SH);
    ::close(fd); // also releases the shared lock, so no writer is kept waiting by this check
    if (!lock.holder.empty())
        throw InputError(dir + ": " + lock.holder + " is still writing to it; wait for it to finish");
}

void writeFileAtomically(const std::string& path, const std::string& text)
{
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out)
            throw InputError(temporary + ": cannot write");
    }
    std::error_code error;
    fs::rename(temporary, path, error);
    if (error)
        throw InputError(path + ": cannot replace: " + error.message());
}

} // namespace voltsim::sim
