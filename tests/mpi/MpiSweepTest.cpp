// `mpirun -n 3 voltsim sweep` (docs/cluster.md): the same bytes as one process, one-line errors
// from any rank without a hang, a cancelled job resumed to the same bytes. Built only when CMake
// found MPI (VOLTSIM_MPIEXEC is its launcher); ranks oversubscribe the machine's cores.
#include "CliFixture.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

namespace {

namespace fs = std::filesystem;
using voltsim::test::lines;
using voltsim::test::readFile;

/// The files a sweep writes that must not depend on how it ran (run.json is wall-clock).
const char* const kResultFiles[] = {"sweep.csv",   "chips.csv",    "stats.json", "summary.json",
                                    "config.json", "points.jsonl", "inputs.json"};

class MpiSweepTest : public voltsim::test::CliFixture {
  protected:
    MpiSweepTest() : CliFixture("voltsim-mpi-test") {}

    /// Two models, four voltages, `chips` chips on `images` images.
    static std::string small(const std::string& chips = "3", const std::string& images = "300")
    {
        return "sweep --models randbet-8bit,normal-8bit --voltages-rel 1.0:0.82:0.06 --chips " + chips +
               " --images " + images + " --threads 1 --quiet --no-plots";
    }

    /// The mpirun command line for `ranks` ranks (quiet, oversubscribed; allowed as root, where CI runs).
    static std::string launcher(int ranks)
    {
        return std::string("'") + VOLTSIM_MPIEXEC + "' -q --oversubscribe" +
               (getuid() == 0 ? " --allow-run-as-root" : "") + " -n " + std::to_string(ranks) + " '" +
               voltsim::test::voltsimBinary() + "' ";
    }

    /// Runs voltsim under mpirun with `args`; stderr to stderr.txt. Returns the exit status.
    int mpirun(int ranks, const std::string& args)
    {
        const std::string command = "cd '" + m_dir.string() + "' && timeout 300 " + launcher(ranks) + args +
                                    " > '" + out("stdout.txt") + "' 2> '" + out("stderr.txt") + "'";
        const int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    void expectSameResults(const std::string& a, const std::string& b)
    {
        for (const char* file : kResultFiles)
            EXPECT_EQ(readFile(m_dir / a / file), readFile(m_dir / b / file)) << file;
    }
};

TEST_F(MpiSweepTest, ThreeRanksWriteTheBytesOfOneProcess)
{
    ASSERT_EQ(voltsim(small() + " --out " + out("one")), 0) << stderrText();
    ASSERT_EQ(mpirun(3, small() + " --out " + out("three")), 0) << stderrText();
    expectSameResults("one", "three");
    EXPECT_EQ(lines(readFile(m_dir / "three" / "sweep.csv")).size(), 9u); // header + 2 models x 4 points
}

TEST_F(MpiSweepTest, BadInputOnEveryRankIsOneLineAndExit2)
{
    EXPECT_EQ(mpirun(3, small("0") + " --out " + out("x")), 2);
    EXPECT_EQ(stderrText(), "voltsim: error: --chips: chips: expected an integer in [1, 100000], got 0\n");
    EXPECT_FALSE(fs::exists(m_dir / "x"));
}

TEST_F(MpiSweepTest, AFolderOnlyRankZeroOpensIsRefusedInOneLine)
{
    ASSERT_EQ(voltsim(small() + " --out " + out("a")), 0) << stderrText();
    EXPECT_EQ(mpirun(3, small() + " --out " + out("a")), 2);
    EXPECT_EQ(stderrText(),
              "voltsim: error: --out " + out("a") +
                  ": already holds a sweep; pass --resume to continue it or choose another --out\n");
}

TEST_F(MpiSweepTest, AUnitFailingOnAWorkerStopsTheJobWithOneLine)
{
    // The image count is checked against the test set when a rank evaluates its first unit.
    EXPECT_EQ(mpirun(3, small("3", "20000") + " --out " + out("x")), 2);
    EXPECT_EQ(stderrText(), "voltsim: error: images: 20000 exceeds the test set's 10000\n");
}

TEST_F(MpiSweepTest, ACancelledJobKeepsItsPointsAndResumesToTheSameBytes)
{
    const std::string sweep =
        "sweep --models randbet-8bit,normal-8bit --voltages-rel 1.0:0.76:0.04 --chips 4 "
        "--images 1000 --threads 1 --quiet --no-plots";
    ASSERT_EQ(voltsim(sweep + " --out " + out("one")), 0) << stderrText();
    const pid_t job = fork();
    if (job == 0) {
        const std::string command = "cd '" + m_dir.string() + "' && exec " + launcher(3) + sweep + " --out " +
                                    out("cut") + " >/dev/null 2>'" + out("cut.txt") + "'";
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // Cancel the job (as scancel does: SIGTERM to the launcher) once a point is saved.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (lines(readFile(m_dir / "cut" / "points.jsonl")).empty() &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(job, SIGTERM);
    int status = 0;
    ASSERT_EQ(waitpid(job, &status, 0), job);
    EXPECT_FALSE(lines(readFile(m_dir / "cut" / "points.jsonl")).empty());
    // Resumed by a job of another size, then compared with the uninterrupted run.
    ASSERT_EQ(mpirun(2, sweep + " --resume --out " + out("cut")), 0) << stderrText();
    expectSameResults("one", "cut");
}

} // namespace
