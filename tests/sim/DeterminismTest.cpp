// Reproducibility to the byte: the same command with the same seed writes identical files,
// whatever the thread count, and wall-clock figures live only in the one file documented for
// them (a sweep's run.json). Complements SweepTest (sweep.csv/stats.json across threads) by
// covering every file a command writes, and the other commands that write results.
#include "CliFixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

namespace {

namespace fs = std::filesystem;
using voltsim::test::readFile;

/// Every regular file under `dir` (relative name -> content) but the lock file, which names the
/// folder's last writer by its pid (docs/sweep.md, "One writer per folder").
std::map<std::string, std::string> treeOf(const fs::path& dir)
{
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().filename() != ".voltsim.lock")
            files[fs::relative(entry.path(), dir).string()] = readFile(entry.path());
    return files;
}

class DeterminismTest : public voltsim::test::CliFixture {
  protected:
    DeterminismTest() : CliFixture("voltsim-determinism") {}
};

/// Timestamps or durations in a results file: ISO dates, clock times, or wall/elapsed keys.
bool looksWallClock(const std::string& text)
{
    static const std::regex pattern(
        R"((\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})|wall|elapsed|timestamp|seconds_taken)", std::regex::icase);
    return std::regex_search(text, pattern);
}

TEST_F(DeterminismTest, SweepWritesTheSameFilesForOneTwoAndThreeThreads)
{
    const std::string sweep =
        "sweep --models randbet-8bit --voltages-rel 1.0,0.88,0.82 --chips 2 --images 200 --seed 5 "
        "--quiet --no-plots";
    ASSERT_EQ(voltsim(sweep + " --threads 1 --out a"), 0) << stderrText();
    ASSERT_EQ(voltsim(sweep + " --threads 2 --out b"), 0) << stderrText();
    ASSERT_EQ(voltsim(sweep + " --threads 3 --out c"), 0) << stderrText();
    auto a = treeOf(m_dir / "a");
    auto b = treeOf(m_dir / "b");
    auto c = treeOf(m_dir / "c");
    // run.json is the one file documented to hold wall-clock figures (docs/sweep.md); it must
    // hold them, and nothing else may.
    ASSERT_EQ(a.count("run.json"), 1u);
    EXPECT_TRUE(looksWallClock(a["run.json"]));
    a.erase("run.json");
    b.erase("run.json");
    c.erase("run.json");
    for (const char* file :
         {"sweep.csv", "chips.csv", "stats.json", "summary.json", "config.json", "points.jsonl"})
        EXPECT_EQ(a.count(file), 1u) << file;
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.size(), c.size());
    for (const auto& [name, content] : a) {
        EXPECT_FALSE(content.empty()) << name;
        EXPECT_EQ(content, b[name]) << name << " differs between 1 and 2 threads";
        EXPECT_EQ(content, c[name]) << name << " differs between 1 and 3 threads";
        EXPECT_FALSE(looksWallClock(content)) << name << " holds a timestamp or wall-clock figure";
    }
}

TEST_F(DeterminismTest, SweepSeedReachesEveryChipFile)
{
    const std::string sweep =
        "sweep --models randbet-8bit --voltages-rel 0.82 --chips 2 --images 100 --quiet --no-plots";
    ASSERT_EQ(voltsim(sweep + " --seed 5 --out a"), 0) << stderrText();
    ASSERT_EQ(voltsim(sweep + " --seed 6 --out b"), 0) << stderrText();
    // Different seeds, different chips: the identity above is not that of constant output.
    EXPECT_NE(readFile(m_dir / "a" / "chips.csv"), readFile(m_dir / "b" / "chips.csv"));
}

TEST_F(DeterminismTest, LayersReportsAreByteIdenticalAcrossRuns)
{
    const std::string topology = voltsim::test::sourceDir() + "/workloads/topologies/alexnet.csv";
    for (const char* timing : {"scalesim", "native"}) {
        const std::string args =
            std::string("layers --topology '") + topology + "' --timing " + timing + " --array 16x16 ";
        // Same command line twice (the summary names the output directory): compare the trees.
        ASSERT_EQ(voltsim(args + "--out x", "x.txt"), 0) << stderrText();
        const auto x = treeOf(m_dir / "x");
        fs::remove_all(m_dir / "x");
        ASSERT_EQ(voltsim(args + "--out x", "y.txt"), 0) << stderrText();
        const auto y = treeOf(m_dir / "x");
        EXPECT_EQ(x.count("COMPUTE_REPORT.csv"), 1u);
        EXPECT_EQ(x.count("layers.csv"), 1u);
        EXPECT_EQ(x, y) << timing;
        for (const auto& [name, content] : x)
            EXPECT_FALSE(looksWallClock(content)) << name;
        EXPECT_EQ(readFile(m_dir / "x.txt"), readFile(m_dir / "y.txt")) << "summary table, " << timing;
        fs::remove_all(m_dir / "x");
    }
}

TEST_F(DeterminismTest, ProfileSampleJsonDependsOnlyOnTheSeed)
{
    const std::string sample = "profile sample stutz2021-14nm --voltage-rel 0.85 --json --seed ";
    ASSERT_EQ(voltsim(sample + "11", "a.json"), 0) << stderrText();
    ASSERT_EQ(voltsim(sample + "11", "b.json"), 0) << stderrText();
    ASSERT_EQ(voltsim(sample + "12", "c.json"), 0) << stderrText();
    const std::string a = readFile(m_dir / "a.json");
    EXPECT_FALSE(a.empty());
    EXPECT_EQ(a, readFile(m_dir / "b.json"));
    EXPECT_NE(a, readFile(m_dir / "c.json"));
    EXPECT_FALSE(looksWallClock(a));
}

TEST_F(DeterminismTest, ProfileImportWritesTheSameProfileTwice)
{
    const std::string ibm = voltsim::test::sourceDir() + "/memory/profiles/examples/ibm-example";
    ASSERT_EQ(voltsim("profile import --ibm '" + ibm + "' --name ibm --out a.json"), 0) << stderrText();
    ASSERT_EQ(voltsim("profile import --ibm '" + ibm + "' --name ibm --out b.json"), 0) << stderrText();
    const std::string a = readFile(m_dir / "a.json");
    EXPECT_NE(a.find("\"fault_map\""), std::string::npos);
    EXPECT_EQ(a, readFile(m_dir / "b.json"));
}

} // namespace
