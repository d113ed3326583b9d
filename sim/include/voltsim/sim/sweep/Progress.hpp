#pragma once
// Progress of a long run on stderr: a redrawn bar on a terminal, one plain line per finished
// point otherwise (logs, CI), or nothing.
#include <chrono>
#include <cstddef>
#include <string>

namespace voltsim::sim {

enum class ProgressMode { Auto, Quiet };

class Progress {
  public:
    /// @param total  points this run computes; @param mode Auto picks bar or lines by isatty(stderr)
    Progress(std::size_t total, ProgressMode mode);

    /// Work inside a point: shows `label` and chip `chip` of `chips`.
    void working(const std::string& label, std::size_t chip, std::size_t chips);
    /// A point finished; `result` is a short text (e.g. the RErr) for the log line.
    void finished(const std::string& label, const std::string& result);
    /// Ends the bar's line.
    void close();

  private:
    void drawBar(const std::string& label, std::size_t chip, std::size_t chips);
    std::string elapsedText() const;

    std::size_t m_total;
    std::size_t m_done = 0;
    bool m_quiet;
    bool m_terminal;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace voltsim::sim
