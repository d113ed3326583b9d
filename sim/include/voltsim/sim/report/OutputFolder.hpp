#pragma once
// An output folder (`voltsim run --out`, `voltsim sweep --out`, `voltsim merge --out`) has one
// writer at a time (docs/sweep.md, "One writer per folder"): the writer holds an exclusive
// flock(2) on the folder's `.voltsim.lock`, which the kernel releases when the process ends, even
// by SIGKILL, and writes its pid and command into that file so that a refused process can name
// it. The lock file is never removed (removing it would let two processes lock two different
// files of one name).
#include <string>

namespace voltsim::sim {

/// What an output folder already holds, judged by the files each command writes.
enum class FolderContent {
    Nothing, ///< none of the files below (other files are ignored)
    Layers,  ///< `voltsim layers` reports: COMPUTE_REPORT.csv (and layers.csv)
    Run,     ///< `voltsim run` results: layers.csv, and no COMPUTE_REPORT.csv
    Sweep,   ///< a sweep: config.json or points.jsonl, and no layers.csv
};

/// The name of the lock file inside every output folder.
extern const char* const kLockFileName;

/// What `dir` holds (Nothing if it does not exist).
FolderContent folderContent(const std::string& dir);

/// Exclusive ownership of an output folder for the lifetime of the object.
class OutputFolder {
  public:
    /// Creates `dir` (and its parents) and locks it for `command` ("run", "sweep", "merge").
    /// InputError "--out DIR: ..." when it cannot be created or locked, or when another process
    /// holds it (naming that process' pid and command).
    OutputFolder(std::string dir, const std::string& command);
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    const std::string& dir() const { return m_dir; }

  private:
    std::string m_dir;
    int m_fd = -1; ///< the open lock file; closing it releases the lock
};

/// InputError "--out DIR: holds ...; voltsim COMMAND never writes into it" if the locked folder
/// holds another command's files than `own`, the kind `command` writes: no command replaces or
/// mixes with another's results.
void requireOwnFolder(const OutputFolder& folder, FolderContent own, const std::string& command);

/// InputError "DIR: ..." naming the writer if a process holds `dir`'s lock now (a folder that is
/// read, e.g. a shard that `voltsim merge` combines, must not be half written). A folder without
/// a lock file, or one this process cannot open, has no writer to report.
void requireNoWriter(const std::string& dir);

/// Writes `text` to `path` via `path`.tmp and a rename, so a reader (or a process killed while
/// writing) never sees a partial file.
void writeFileAtomically(const std::string& path, const std::string& text);

} // namespace voltsim::sim
