// One writer per folder under stress (docs/sweep.md, "Long runs, resume, shards"): several sweeps,
// whole and sharded, race for one --out while writers are killed at random moments (SIGKILL, or
// SIGTERM, which stops at the next chip); resuming after the storm gives files byte-identical to
// one clean run. VOLTSIM_STRESS_ROUNDS (default 4) and VOLTSIM_STRESS_SEED (default 1) make it
// longer or different: `VOLTSIM_STRESS_ROUNDS=200 build/tests/voltsim_sim_tests
// --gtest_filter='StressTest.*'`.
#include "CliFixture.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using voltsim::test::lines;
using voltsim::test::readFile;

/// A number from the environment variable `name`, or `fallback`.
unsigned environmentNumber(const char* name, unsigned fallback)
{
    const char* text = std::getenv(name);
    return text != nullptr ? static_cast<unsigned>(std::strtoul(text, nullptr, 10)) : fallback;
}

class StressTest : public voltsim::test::CliFixture {
  protected:
    StressTest() : CliFixture("voltsim-stress-test") {}

    static std::string sweep()
    {
        return "sweep --models randbet-8bit,clipping-8bit --voltages-rel 1.0:0.88:0.06 --chips 2 --images "
               "100 "
               "--quiet --no-plots --threads 1 --resume";
    }
};

} // namespace

TEST_F(StressTest, RacingAndKilledWritersEndInTheFilesOfOneCleanRun)
{
    const auto cleanStart = std::chrono::steady_clock::now();
    ASSERT_EQ(voltsim(sweep() + " --out " + out("clean")), 0) << stderrText();
    const auto cleanMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - cleanStart)
            .count();
    const std::string shared = out("shared");
    const char* shards[] = {"", " --shard 0/2", " --shard 1/2"};
    std::mt19937 random(environmentNumber("VOLTSIM_STRESS_SEED", 1));
    const unsigned rounds = environmentNumber("VOLTSIM_STRESS_ROUNDS", 4);
    for (unsigned round = 0; round < rounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        std::vector<pid_t> writers;
        writers.reserve(3);
        for (int i = 0; i < 3; ++i)
            writers.push_back(voltsim::test::startVoltsim(sweep() + shards[random() % 3] + " --out " + shared,
                                                          out("err" + std::to_string(i) + ".txt")));
        // One or two kills, each at a random moment within a clean run's duration.
        for (unsigned kills = 1 + random() % 2; kills > 0; --kills) {
            std::this_thread::sleep_for(std::chrono::milliseconds(random() % (cleanMs + 1)));
            kill(writers[random() % writers.size()], random() % 2 == 0 ? SIGKILL : SIGTERM);
        }
        for (std::size_t i = 0; i < writers.size(); ++i) {
            int status = 0;
            waitpid(writers[i], &status, 0);
            const std::string err = readFile(out("err" + std::to_string(i) + ".txt"));
            if (WIFSIGNALED(status)) { // SIGTERM too, when it came before voltsim set its handler
                EXPECT_TRUE(WTERMSIG(status) == SIGKILL || WTERMSIG(status) == SIGTERM) << err;
                continue;
            }
            const int code = WEXITSTATUS(status);
            EXPECT_TRUE(code == 0 || code == 2 || code == 143) << code << ": " << err;
            if (code == 2) { // only ever refused by the folder's lock
                EXPECT_NE(err.find(": in use by voltsim sweep, pid "), std::string::npos) << err;
            }
            if (code == 143) {
                EXPECT_NE(err.find("terminated (SIGTERM)"), std::string::npos) << err;
            }
        }
        // Whatever was killed when, sweep.csv holds every point of points.jsonl (written first) or all
        // but the last one, whose reports a SIGKILL cut short.
        if (fs::exists(fs::path(shared) / "points.jsonl")) {
            const std::size_t points = lines(readFile(fs::path(shared) / "points.jsonl")).size();
            const fs::path csv = fs::path(shared) / "sweep.csv";
            const std::size_t rows = fs::exists(csv) ? lines(readFile(csv)).size() - 1 : 0;
            EXPECT_TRUE(rows == points || rows + 1 == points) << rows << " rows, " << points << " points";
        }
    }
    ASSERT_EQ(voltsim(sweep() + " --out " + shared), 0) << stderrText();
    for (const char* file : {"sweep.csv", "chips.csv", "stats.json", "summary.json", "points.jsonl",
                             "config.json", "inputs.json"})
        EXPECT_EQ(readFile(fs::path(shared) / file), readFile(m_dir / "clean" / file)) << file;
}
