// One writer per output folder (docs/sweep.md, "One writer per folder"), end to end: processes
// racing for one --out, a killed writer's lock released by the kernel, merge refusing a shard that
// is still being written, and run and sweep refusing each other's folders.
#include "CliFixture.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using voltsim::test::lines;
using voltsim::test::readFile;

using voltsim::test::startVoltsim;

/// The exit status of `child` (-1 if a signal ended it).
int finish(pid_t child)
{
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Waits (at most 120 s) until `dir`'s lock file names a holder, and returns that line.
std::string awaitHolder(const fs::path& dir)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    std::string holder;
    while (holder.empty() && std::chrono::steady_clock::now() < deadline) {
        holder = readFile(dir / ".voltsim.lock");
        if (holder.empty())
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return holder;
}

class OutputFolderTest : public voltsim::test::CliFixture {
  protected:
    OutputFolderTest() : CliFixture("voltsim-output-folder-test") {}

    /// A sweep of a few seconds: long enough for a second process to meet the first.
    static std::string slow()
    {
        return "sweep --models randbet-8bit --voltages-rel 1.0:0.82:0.02 --chips 3 --images 3000 --quiet "
               "--no-plots --threads 1";
    }
    static std::string tiny()
    {
        return "sweep --models randbet-8bit --voltages-rel 1.0:0.88:0.06 --chips 2 --images 200 --quiet "
               "--no-plots";
    }

    /// One error line naming the folder and the holder "voltsim sweep, pid N".
    void expectRefusedBy(const std::string& err, const std::string& dir, pid_t holder) const
    {
        EXPECT_EQ(lines(err).size(), 1u) << err;
        EXPECT_EQ(err.rfind("voltsim: error: --out " + dir + ": in use by voltsim sweep, pid " +
                                std::to_string(holder) + ";",
                            0),
                  0u)
            << err;
    }
};

} // namespace

TEST_F(OutputFolderTest, TwoShardsRacingForOneFolderEndWithOneWinnerAndAClearError)
{
    const std::string shared = out("shared");
    const pid_t first = startVoltsim(slow() + " --shard 0/2 --resume --out " + shared, out("err0.txt"));
    const pid_t second = startVoltsim(slow() + " --shard 1/2 --resume --out " + shared, out("err1.txt"));
    const int firstStatus = finish(first);
    const int secondStatus = finish(second);
    ASSERT_TRUE((firstStatus == 0 && secondStatus == 2) || (firstStatus == 2 && secondStatus == 0))
        << "one winner (0), one refused (2): " << firstStatus << " " << secondStatus;
    const bool firstWon = firstStatus == 0;
    expectRefusedBy(readFile(out(firstWon ? "err1.txt" : "err0.txt")), shared, firstWon ? first : second);
    // The refused shard, run again, completes the folder: no point is lost or computed twice.
    ASSERT_EQ(voltsim(slow() + " --shard " + (firstWon ? "1" : "0") + "/2 --resume --out " + shared), 0)
        << stderrText();
    ASSERT_EQ(voltsim(slow() + " --out " + out("whole")), 0) << stderrText();
    for (const char* file : {"sweep.csv", "chips.csv", "points.jsonl", "config.json"})
        EXPECT_EQ(readFile(m_dir / "shared" / file), readFile(m_dir / "whole" / file)) << file;
}

TEST_F(OutputFolderTest, AKilledWritersLockIsReleasedAndResumeCompletesItsFolder)
{
    const pid_t writer = startVoltsim(slow() + " --out " + out("cut"), out("err.txt"));
    ASSERT_EQ(awaitHolder(m_dir / "cut"), std::to_string(writer) + " sweep\n");
    EXPECT_EQ(voltsim(slow() + " --resume --out " + out("cut")), 2);
    expectRefusedBy(stderrText(), out("cut"), writer);
    kill(writer, SIGKILL);
    EXPECT_EQ(finish(writer), -1);
    ASSERT_EQ(voltsim(slow() + " --resume --out " + out("cut")), 0) << stderrText();
    ASSERT_EQ(voltsim(slow() + " --out " + out("whole")), 0) << stderrText();
    EXPECT_EQ(readFile(m_dir / "cut" / "sweep.csv"), readFile(m_dir / "whole" / "sweep.csv"));
}

TEST_F(OutputFolderTest, MergeRefusesAShardThatIsStillBeingWritten)
{
    ASSERT_EQ(voltsim(slow() + " --shard 0/2 --out " + out("s0")), 0) << stderrText();
    const pid_t writer = startVoltsim(slow() + " --shard 1/2 --out " + out("s1"), out("err.txt"));
    ASSERT_FALSE(awaitHolder(m_dir / "s1").empty());
    const int status =
        voltsim("merge " + out("s0") + " " + out("s1") + " --quiet --no-plots --out " + out("m"));
    kill(writer, SIGKILL);
    finish(writer);
    EXPECT_EQ(status, 2);
    EXPECT_EQ(stderrText(), "voltsim: error: " + out("s1") + ": voltsim sweep, pid " +
                                std::to_string(writer) + " is still writing to it; wait for it to finish\n");
    EXPECT_FALSE(fs::exists(m_dir / "m"));
}

TEST_F(OutputFolderTest, RunNeverWritesIntoASweepFolderAndASweepNeverReplacesARunsResults)
{
    ASSERT_EQ(voltsim(tiny() + " --out " + out("sweep")), 0) << stderrText();
    const std::string sweepCsv = readFile(m_dir / "sweep" / "sweep.csv");
    const std::string sweepConfig = readFile(m_dir / "sweep" / "config.json");
    const std::string sweepStats = readFile(m_dir / "sweep" / "stats.json");
    EXPECT_EQ(voltsim("run --model randbet-8bit --images 5 --out " + out("sweep")), 2);
    EXPECT_EQ(stderrText(),
              "voltsim: error: --out " + out("sweep") +
                  ": holds a sweep (config.json, points.jsonl); voltsim run never writes into it: choose "
                  "another --out\n");
    EXPECT_EQ(voltsim("layers --topology alexnet --out " + out("sweep")), 2);
    EXPECT_NE(
        stderrText().find("holds a sweep (config.json, points.jsonl); voltsim layers never writes into it"),
        std::string::npos)
        << stderrText();
    EXPECT_EQ(readFile(m_dir / "sweep" / "sweep.csv"), sweepCsv);
    EXPECT_EQ(readFile(m_dir / "sweep" / "config.json"), sweepConfig);
    EXPECT_EQ(readFile(m_dir / "sweep" / "stats.json"), sweepStats);
    EXPECT_FALSE(fs::exists(m_dir / "sweep" / "layers.csv"));

    ASSERT_EQ(voltsim("run --model randbet-8bit --images 5 --out " + out("run")), 0) << stderrText();
    const std::string runStats = readFile(m_dir / "run" / "stats.json");
    const std::string runConfig = readFile(m_dir / "run" / "config.json");
    for (const char* resume : {"", " --resume"}) {
        EXPECT_EQ(voltsim(tiny() + resume + " --out " + out("run")), 2) << resume;
        EXPECT_EQ(stderrText(),
                  "voltsim: error: --out " + out("run") +
                      ": holds the results of voltsim run (layers.csv, stats.json); voltsim sweep "
                      "never writes into it: choose another --out\n");
    }
    EXPECT_EQ(voltsim("merge " + out("sweep") + " --quiet --no-plots --out " + out("run")), 2);
    EXPECT_NE(stderrText().find("holds the results of voltsim run"), std::string::npos) << stderrText();
    EXPECT_EQ(readFile(m_dir / "run" / "stats.json"), runStats);
    EXPECT_EQ(readFile(m_dir / "run" / "config.json"), runConfig);
    EXPECT_FALSE(fs::exists(m_dir / "run" / "points.jsonl"));
    // A run may replace its own earlier results.
    EXPECT_EQ(voltsim("run --model randbet-8bit --images 5 --out " + out("run")), 0) << stderrText();
}

TEST_F(OutputFolderTest, RunAndLayersNeverWriteIntoEachOthersFolders)
{
    ASSERT_EQ(voltsim("layers --topology alexnet --out " + out("layers")), 0) << stderrText();
    const std::string layersCsv = readFile(m_dir / "layers" / "layers.csv");
    EXPECT_EQ(voltsim("run --model randbet-8bit --images 5 --out " + out("layers")), 2);
    EXPECT_EQ(stderrText(),
              "voltsim: error: --out " + out("layers") +
                  ": holds the reports of voltsim layers (COMPUTE_REPORT.csv, layers.csv); voltsim run "
                  "never writes into it: choose another --out\n");
    EXPECT_EQ(voltsim(tiny() + " --resume --out " + out("layers")), 2);
    EXPECT_NE(stderrText().find("voltsim sweep never writes into it"), std::string::npos) << stderrText();
    EXPECT_EQ(readFile(m_dir / "layers" / "layers.csv"), layersCsv);
    EXPECT_FALSE(fs::exists(m_dir / "layers" / "stats.json"));
    EXPECT_FALSE(fs::exists(m_dir / "layers" / "config.json"));

    ASSERT_EQ(voltsim("run --model randbet-8bit --images 5 --out " + out("run")), 0) << stderrText();
    const std::string runCsv = readFile(m_dir / "run" / "layers.csv");
    EXPECT_EQ(voltsim("layers --topology alexnet --out " + out("run")), 2);
    EXPECT_NE(
        stderrText().find("holds the results of voltsim run (layers.csv, stats.json); voltsim layers never "
                          "writes into it"),
        std::string::npos)
        << stderrText();
    EXPECT_EQ(readFile(m_dir / "run" / "layers.csv"), runCsv);
    // Each may replace its own earlier files.
    EXPECT_EQ(voltsim("layers --topology alexnet --out " + out("layers")), 0) << stderrText();
}
