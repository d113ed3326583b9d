#include "voltsim/sim/sweep/Progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace voltsim::sim {

Progress::Progress(std::size_t total, ProgressMode mode)
    : m_total(total), m_quiet(mode == ProgressMode::Quiet), m_terminal(isatty(STDERR_FILENO) != 0),
      m_start(std::chrono::steady_clock::now())
{
}

std::string Progress::elapsedText() const
{
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    char text[64];
    if (m_done == 0)
        std::snprintf(text, sizeof text, "%.0fs", seconds);
    else
        std::snprintf(text, sizeof text, "%.0fs, ~%.0fs left", seconds,
                      seconds / static_cast<double>(m_done) * static_cast<double>(m_total - m_done));
    return text;
}

void Progress::drawBar(const std::string& label, std::size_t chip, std::size_t chips)
{
    constexpr std::size_t kWidth = 30;
    const double fraction =
        m_total == 0 ? 1.0
                     : (static_cast<double>(m_done) + (chips == 0 ? 0.0 : double(chip) / double(chips))) /
                           static_cast<double>(m_total);
    const auto filled = static_cast<std::size_t>(fraction * kWidth);
    std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << m_done
              << "/" << m_total << " " << label << " chip " << chip << "/" << chips << " (" << elapsedText()
              << ")\033[K" << std::flush;
    m_drawn = true;
}

void Progress::working(const std::string& label, std::size_t chip, std::size_t chips)
{
    if (!m_quiet && m_terminal)
        drawBar(label, chip, chips);
}

void Progress::finished(const std::string& label, const std::string& result)
{
    ++m_done;
    if (m_quiet)
        return;
    if (m_terminal) {
        drawBar(label, 0, 0);
        return;
    }
    std::cerr << "voltsim sweep: " << m_done << "/" << m_total << " " << label << ": " << result << " ("
              << elapsedText() << ")\n";
}

void Progress::close()
{
    if (m_drawn)
        std::cerr << "\n";
    m_drawn = false;
}

} // namespace voltsim::sim
