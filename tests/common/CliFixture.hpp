#pragma once
// End-to-end CLI tests: a fresh scratch directory per test and a way to run the real voltsim
// executable in it (stdout and stderr to files there), plus the text helpers these tests share.
#include "TestPaths.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace voltsim::test {

/// The bytes of a file ("" if it cannot be read).
inline std::string readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The lines of `text`, without their newlines.
inline std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> result;
    std::stringstream stream(text);
    for (std::string line; std::getline(stream, line);)
        result.push_back(line);
    return result;
}

/// The comma-separated fields of one CSV line (no quoting); a trailing comma gives an empty field.
inline std::vector<std::string> splitCsv(const std::string& line)
{
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');)
        fields.push_back(field);
    if (!line.empty() && line.back() == ',')
        fields.emplace_back();
    return fields;
}

/// A voltsim process started in the background with `args` (shell words); its stdout is dropped,
/// its stderr goes to `errFile`.
inline pid_t startVoltsim(const std::string& args, const std::string& errFile)
{
    const pid_t child = fork();
    if (child == 0) {
        const std::string command =
            "exec '" + voltsimBinary() + "' " + args + " >/dev/null 2>'" + errFile + "'";
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    return child;
}

/// A fixture with a scratch directory <temp>/<prefix>-<pid>-<test name>, created empty before the
/// test and removed after it, in which voltsim() runs the executable.
class CliFixture : public ::testing::Test {
  protected:
    explicit CliFixture(std::string prefix) : m_prefix(std::move(prefix)) {}

    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = std::filesystem::temp_directory_path() /
                (m_prefix + "-" + std::to_string(getpid()) + "-" + info->name());
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    /// Runs voltsim with `args` (shell words) in the scratch directory; stdout goes to
    /// `stdoutName` there, stderr to stderr.txt. Returns the exit status (-1 if killed).
    int voltsim(const std::string& args, const std::string& stdoutName = "stdout.txt")
    {
        const std::string command = "cd '" + m_dir.string() + "' && '" + voltsimBinary() + "' " + args +
                                    " > '" + out(stdoutName) + "' 2> '" + out("stderr.txt") + "'";
        const int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::string stderrText() const { return readFile(m_dir / "stderr.txt"); }
    /// The absolute path of `name` in the scratch directory.
    std::string out(const std::string& name) const { return (m_dir / name).string(); }

    std::filesystem::path m_dir;

  private:
    std::string m_prefix;
};

} // namespace voltsim::test
