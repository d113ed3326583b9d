// `voltsim sweep` and `voltsim merge` end to end on tiny sweeps (one shipped model, a few hundred
// test images, a few chips): files, reproducibility, nested faults, resume, shard + merge, errors.
#include "CliFixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <tuple>

namespace {

namespace fs = std::filesystem;
using voltsim::test::lines;
using voltsim::test::readFile;
using voltsim::test::splitCsv;

class SweepTest : public voltsim::test::CliFixture {
  protected:
    SweepTest() : CliFixture("voltsim-sweep-test") {}

    /// A tiny voltage sweep of randbet-8bit.
    static std::string tiny()
    {
        return "sweep --models randbet-8bit --voltages-rel 1.0:0.82:0.06 --chips 3 --images 300 --quiet "
               "--no-plots";
    }
};

} // namespace

TEST_F(SweepTest, TinySweepWritesEveryFileAndTheCleanRowAtVNom)
{
    ASSERT_EQ(voltsim(tiny() + " --out " + out("a")), 0) << stderrText();
    for (const char* file :
         {"sweep.csv", "chips.csv", "stats.json", "summary.json", "config.json", "points.jsonl", "run.json"})
        EXPECT_TRUE(fs::exists(m_dir / "a" / file)) << file;
    const auto rows = lines(readFile(m_dir / "a" / "sweep.csv"));
    ASSERT_EQ(rows.size(), 5u); // header + V/V_min 1.0, 0.94, 0.88, 0.82
    EXPECT_EQ(rows[0],
              "model,voltage_mv,voltage_rel,ber,flips,err,rerr_mean,rerr_std,rerr_min,rerr_max,chips,images,"
              "energy_pj,sram_energy_pj,energy_saving,sram_energy_saving,cycles,latency_us,protection,yield");
    const auto nominal = splitCsv(rows[1]);
    ASSERT_EQ(nominal.size(), 20u);
    EXPECT_EQ(nominal[18], "none");
    EXPECT_EQ(nominal[19], "1"); // every chip's RErr is the clean error at V_nom
    EXPECT_EQ(nominal[0], "randbet-8bit");
    EXPECT_EQ(nominal[1], "800");
    EXPECT_EQ(nominal[3], "0");        // ber at V_nom
    EXPECT_EQ(nominal[4], "0");        // no flips
    EXPECT_EQ(nominal[6], nominal[5]); // RErr = Err without faults
    EXPECT_EQ(nominal[10], "3");
    EXPECT_EQ(nominal[11], "300");
    EXPECT_EQ(nominal[14], "0"); // no saving at V_nom
    const auto lowest = splitCsv(rows[4]);
    EXPECT_EQ(lowest[1], "656"); // 0.82 x 800 mV
    // Yield: the share of chips.csv's chips at 656 mV whose RErr is within 1 pp of the clean error.
    std::size_t meeting = 0;
    const auto chipRows = lines(readFile(m_dir / "a" / "chips.csv"));
    for (std::size_t i = 1; i < chipRows.size(); ++i) {
        const auto chip =
            splitCsv(chipRows[i]); // model,voltage_mv,ber,chip,seed,flips,faulty_cells,errors,rerr,...
        if (chip[1] == "656")
            meeting += std::stod(chip[8]) <= std::stod(lowest[5]) + 0.01;
    }
    EXPECT_DOUBLE_EQ(std::stod(lowest[19]), static_cast<double>(meeting) / 3.0);
    EXPECT_GT(std::stod(lowest[4]), 0.0);
    EXPECT_GE(std::stod(lowest[6]), std::stod(lowest[5]));
    EXPECT_GT(std::stod(lowest[15]), 0.0);
    // 656 mV lies between the table's 676 mV (0.70) and 608 mV (0.57): dynamic energy linear,
    // 0.70 - 20/68 * 0.13; leakage exp((656 - 800) / 178.5). Weighted by their shares at V_nom.
    const auto stats = nlohmann::json::parse(readFile(m_dir / "a" / "stats.json"));
    const auto& nominalEnergy = stats["sweep"]["models"][0]["inference"]["energy_per_inference_nominal"];
    const double dynamic = nominalEnergy["weight_sram_pj"].get<double>();
    const double leakage = nominalEnergy["weight_sram_leakage_pj"].get<double>();
    const double scaled = dynamic * (0.70 - 20.0 / 68.0 * 0.13) + leakage * std::exp((656.0 - 800.0) / 178.5);
    EXPECT_GT(leakage, 0.0);
    EXPECT_NEAR(std::stod(lowest[15]), 1.0 - scaled / (dynamic + leakage), 1e-9);
}

TEST_F(SweepTest, SameSeedGivesByteIdenticalCsvWhateverTheThreadCount)
{
    ASSERT_EQ(voltsim(tiny() + " --threads 1 --out " + out("a")), 0) << stderrText();
    ASSERT_EQ(voltsim(tiny() + " --threads 2 --out " + out("b")), 0) << stderrText();
    EXPECT_EQ(readFile(m_dir / "a" / "sweep.csv"), readFile(m_dir / "b" / "sweep.csv"));
    EXPECT_EQ(readFile(m_dir / "a" / "stats.json"), readFile(m_dir / "b" / "stats.json"));
    ASSERT_EQ(voltsim(tiny() + " --seed 2 --out " + out("c")), 0) << stderrText();
    EXPECT_NE(readFile(m_dir / "a" / "chips.csv"), readFile(m_dir / "c" / "chips.csv"));
}

TEST_F(SweepTest, UniformProfileRErrIsNonDecreasingInPForEveryChip)
{
    ASSERT_EQ(voltsim("sweep --models randbet-8bit --profile uniform --bers 0,0.002,0.01,0.03,0.1 --chips 4 "
                      "--images 300 "
                      "--quiet --no-plots --out " +
                      out("p")),
              0)
        << stderrText();
    std::map<std::string, std::vector<std::pair<double, double>>> byChip; // chip -> (p, rerr)
    std::map<std::string, std::vector<double>> flipsByChip;
    const auto rows = lines(readFile(m_dir / "p" / "chips.csv"));
    ASSERT_EQ(rows.size(), 1u + 5 * 4);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto f =
            splitCsv(rows[i]); // model,voltage_mv,ber,chip,seed,flips,faulty_cells,errors,rerr,protection
        byChip[f[3]].emplace_back(std::stod(f[2]), std::stod(f[8]));
        flipsByChip[f[3]].push_back(std::stod(f[5]));
    }
    for (auto& [chip, points] : byChip) {
        std::sort(points.begin(), points.end());
        for (std::size_t i = 1; i < points.size(); ++i)
            EXPECT_LE(points[i - 1].second, points[i].second) << "chip " << chip << " p " << points[i].first;
        EXPECT_GT(points.back().second, points.front().second) << "chip " << chip;
        for (std::size_t i = 1; i < flipsByChip[chip].size(); ++i)
            EXPECT_LE(flipsByChip[chip][i - 1], flipsByChip[chip][i]);
    }
    // No voltage on a p axis: empty voltage and energy-saving fields.
    const auto sweep = lines(readFile(m_dir / "p" / "sweep.csv"));
    EXPECT_EQ(splitCsv(sweep[1])[1], "");
}

TEST_F(SweepTest, ChipsDifferUnderVariation)
{
    // stutz2021-14nm-variation: each chip's V_min offset is normal (sigma 15 mV). At 0.88 V_min
    // (704 mV) the curve falls a decade per 28 mV, so a chip with a larger offset has clearly more
    // faulty cells (several-fold per sigma, far beyond the binomial noise of ~1000 cells).
    // stutz2021-14nm: offset 0 on every chip.
    for (const std::string profile : {"stutz2021-14nm-variation", "stutz2021-14nm"}) {
        ASSERT_EQ(voltsim("sweep --models randbet-8bit --profile " + profile +
                          " --voltages-rel 0.88 --chips 4 --images 100 --quiet --no-plots --out " +
                          out(profile)),
                  0)
            << stderrText();
        const auto rows = lines(readFile(m_dir / profile / "chips.csv"));
        ASSERT_EQ(rows.size(), 1u + 4);
        EXPECT_EQ(rows[0],
                  "model,voltage_mv,ber,chip,seed,flips,faulty_cells,errors,rerr,protection,chip_offset_mv");
        std::vector<std::pair<double, double>> offsetAndFaults;
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const auto f = splitCsv(rows[i]);
            offsetAndFaults.emplace_back(std::stod(f[10]), std::stod(f[6]));
        }
        std::sort(offsetAndFaults.begin(), offsetAndFaults.end());
        for (std::size_t i = 1; i < offsetAndFaults.size(); ++i) {
            if (profile == "stutz2021-14nm") {
                EXPECT_EQ(offsetAndFaults[i].first, 0.0);
                continue;
            }
            EXPECT_LT(offsetAndFaults[i - 1].first, offsetAndFaults[i].first);
            EXPECT_LT(offsetAndFaults[i - 1].second, offsetAndFaults[i].second);
        }
    }
    // A rate set directly is the paper's model: no chip is shifted, every offset reads 0.
    ASSERT_EQ(voltsim("sweep --models randbet-8bit --profile stutz2021-14nm-variation --bers 0.001 --chips 2 "
                      "--images 100 --quiet --no-plots --out " +
                      out("rate")),
              0)
        << stderrText();
    const auto rate = lines(readFile(m_dir / "rate" / "chips.csv"));
    ASSERT_EQ(rate.size(), 1u + 2);
    EXPECT_EQ(splitCsv(rate[1])[10], "0");
    EXPECT_EQ(splitCsv(rate[2])[10], "0");
}

TEST_F(SweepTest, ResumeAfterAnInterruptedRunGivesTheUninterruptedCsv)
{
    ASSERT_EQ(voltsim(tiny() + " --out " + out("full")), 0) << stderrText();
    // A run killed after two points leaves exactly their records (every file is replaced atomically).
    ASSERT_EQ(voltsim(tiny() + " --out " + out("cut")), 0) << stderrText();
    const auto records = lines(readFile(m_dir / "cut" / "points.jsonl"));
    std::ofstream(m_dir / "cut" / "points.jsonl", std::ios::trunc) << records[0] << "\n"
                                                                   << records[1] << "\n";
    EXPECT_NE(voltsim(tiny() + " --out " + out("cut")), 0); // refuses to overwrite without --resume
    EXPECT_NE(stderrText().find("--resume"), std::string::npos);
    ASSERT_EQ(voltsim(tiny() + " --resume --out " + out("cut")), 0) << stderrText();
    EXPECT_EQ(readFile(m_dir / "cut" / "sweep.csv"), readFile(m_dir / "full" / "sweep.csv"));
    EXPECT_EQ(readFile(m_dir / "cut" / "stats.json"), readFile(m_dir / "full" / "stats.json"));
    EXPECT_NE(readFile(m_dir / "cut" / "run.json").find("\"points_skipped\": 2"), std::string::npos);
}

TEST_F(SweepTest, AnotherSweepsFolderIsRefusedByResumeAndMerge)
{
    ASSERT_EQ(voltsim(tiny() + " --out " + out("a")), 0) << stderrText();
    ASSERT_EQ(voltsim(tiny() + " --seed 2 --out " + out("b")), 0) << stderrText();
    const std::string expected =
        "voltsim: error: --out " + out("a") +
        ": holds another sweep (its config.json differs from this one's); choose another --out\n";
    EXPECT_EQ(voltsim(tiny() + " --seed 2 --resume --out " + out("a")), 2);
    EXPECT_EQ(stderrText(), expected);
    EXPECT_EQ(voltsim("merge " + out("b") + " --quiet --no-plots --out " + out("a")), 2);
    EXPECT_EQ(stderrText(), expected);
}

namespace {

/// Starts `args` into `dir` in the background, waits for its first finished point and sends `signal`;
/// returns its exit status (-1 if the signal killed it).
int signalAfterFirstPoint(const std::string& args, const fs::path& dir, int signal,
                          const std::string& errFile)
{
    const pid_t child = voltsim::test::startVoltsim(args + " --out " + dir.string(), errFile);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (lines(readFile(dir / "points.jsonl")).empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(child, signal);
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

TEST_F(SweepTest, CtrlCAndSigtermLeaveValidFilesAndResumeCompletesThem)
{
    const std::string args =
        "sweep --models randbet-8bit --voltages-rel 1.0:0.82:0.06 --chips 3 --images 1200 --quiet --no-plots";
    ASSERT_EQ(voltsim(args + " --out " + out("whole")), 0) << stderrText();
    for (const auto& [signal, name, code] : {std::make_tuple(SIGINT, "interrupted (SIGINT)", 130),
                                             std::make_tuple(SIGTERM, "terminated (SIGTERM)", 143)}) {
        SCOPED_TRACE(name);
        const fs::path dir = m_dir / ("int" + std::to_string(signal));
        const int status = signalAfterFirstPoint(args, dir, signal, out("err.txt"));
        const std::string err = readFile(out("err.txt"));
        const auto saved = lines(readFile(dir / "points.jsonl")).size();
        if (status == code) { // else the sweep had finished before the signal came
            EXPECT_EQ(err, "voltsim sweep: " + std::string(name) + "; " + std::to_string(saved) +
                               " of 4 points are saved in " + dir.string() +
                               "; rerun with --resume to finish\n");
            EXPECT_NE(readFile(dir / "summary.json").find("\"complete\": false"), std::string::npos);
        } else {
            EXPECT_EQ(status, 0) << err;
        }
        EXPECT_EQ(lines(readFile(dir / "sweep.csv")).size(), 1 + saved);
        ASSERT_EQ(voltsim(args + " --resume --out " + dir.string()), 0) << stderrText();
        for (const char* file : {"sweep.csv", "points.jsonl", "summary.json", "stats.json"})
            EXPECT_EQ(readFile(dir / file), readFile(m_dir / "whole" / file)) << file;
    }
}

TEST_F(SweepTest, ShardsMergeIntoTheFilesOfOneRun)
{
    ASSERT_EQ(voltsim(tiny() + " --out " + out("full")), 0) << stderrText();
    ASSERT_EQ(voltsim(tiny() + " --shard 0/3 --out " + out("s0")), 0) << stderrText();
    ASSERT_EQ(voltsim(tiny() + " --shard 1/3 --out " + out("s1")), 0) << stderrText();
    ASSERT_EQ(voltsim(tiny() + " --shard 2/3 --out " + out("s2")), 0) << stderrText();
    EXPECT_EQ(lines(readFile(m_dir / "s1" / "sweep.csv")).size(), 2u); // point 1 of 0..3
    ASSERT_EQ(voltsim("merge " + out("s0") + " " + out("s1") + " " + out("s2") +
                      " --quiet --no-plots --out " + out("m")),
              0)
        << stderrText();
    for (const char* file : {"sweep.csv", "chips.csv", "stats.json", "summary.json", "points.jsonl",
                             "config.json", "inputs.json"})
        EXPECT_EQ(readFile(m_dir / "m" / file), readFile(m_dir / "full" / file)) << file;
}

TEST_F(SweepTest, BadInputGivesOneLineNamingTheKeyOrFlag)
{
    std::ofstream(out("bad.json")) << R"({"chips": 2, "chipz": 3})";
    EXPECT_EQ(voltsim("sweep --config " + out("bad.json") + " --out " + out("x")), 2);
    EXPECT_NE(stderrText().find("chipz"), std::string::npos);
    EXPECT_NE(stderrText().find("bad.json"), std::string::npos);
    EXPECT_EQ(lines(stderrText()).size(), 1u);

    EXPECT_EQ(voltsim("sweep --models randbet-8bit --voltages-rel 1.0,0.7 --out " + out("x")), 2);
    EXPECT_NE(stderrText().find("never extrapolates"), std::string::npos);
    EXPECT_EQ(voltsim("sweep --models randbet-8bit --set chips=0 --out " + out("x")), 2);
    EXPECT_NE(stderrText().find("chips"), std::string::npos);
    EXPECT_EQ(voltsim("sweep --models randbet-8bit --shard 3/3 --out " + out("x")), 2);
    EXPECT_NE(stderrText().find("--shard"), std::string::npos);
    EXPECT_EQ(voltsim("sweep --models randbet-8bit --voltages-rel 1.0:0.9:x --out " + out("x")), 2);
    EXPECT_NE(stderrText().find("voltages_rel"), std::string::npos);
}

TEST_F(SweepTest, DumpConfigPrintsEveryKeyWithDefaults)
{
    ASSERT_EQ(voltsim("sweep --dump-config --chips 4"), 0) << stderrText();
    const std::string text = readFile(m_dir / "stdout.txt");
    for (const char* key : {"\"chips\": 4", "\"voltages_rel\": [\n    1.0,\n    0.98,",
                            "\"profile\": \"stutz2021-14nm\"", "\"profile\": null", "\"max_loss_pp\": 1.0",
                            "\"clock_mhz\": 500.0", "\"start_offset_bytes\"", "\"accelerator\": {"})
        EXPECT_NE(text.find(key), std::string::npos) << key;
}

TEST_F(SweepTest, ShippedDefaultConfigIsTheBuiltInDefault)
{
    ASSERT_EQ(voltsim("sweep --dump-config", "builtin.json"), 0) << stderrText();
    ASSERT_EQ(
        voltsim("sweep --dump-config --config " + voltsim::test::sourceDir() + "/configs/sweep/default.json",
                "shipped.json"),
        0)
        << stderrText();
    EXPECT_EQ(readFile(m_dir / "builtin.json"), readFile(m_dir / "shipped.json"));
}

TEST_F(SweepTest, FlagsThenSetInEveryCommand)
{
    ASSERT_EQ(voltsim("sweep --dump-config --chips 4 --set chips=5"), 0) << stderrText();
    EXPECT_NE(readFile(m_dir / "stdout.txt").find("\"chips\": 5,"), std::string::npos);
    ASSERT_EQ(voltsim("run --dump-config --chips 4 --set run.chips=5"), 0) << stderrText();
    EXPECT_NE(readFile(m_dir / "stdout.txt").find("\"chips\": 5,"), std::string::npos);
    // A flag replaces the config file's value.
    std::ofstream(out("c.json")) << R"({"chips": 3})";
    ASSERT_EQ(voltsim("sweep --dump-config --config " + out("c.json") + " --chips 4"), 0) << stderrText();
    EXPECT_NE(readFile(m_dir / "stdout.txt").find("\"chips\": 4,"), std::string::npos);
}

TEST_F(SweepTest, EveryShippedSweepConfigRunsEveryModelItNames)
{
    for (const auto& entry : fs::directory_iterator(voltsim::test::sourceDir() + "/configs/sweep")) {
        const auto config = nlohmann::json::parse(readFile(entry.path()));
        const fs::path dir = m_dir / entry.path().stem();
        ASSERT_EQ(voltsim("sweep --config " + entry.path().string() +
                          " --chips 1 --images 40 --quiet --no-plots " + "--out " + dir.string()),
                  0)
            << entry.path() << ": " << stderrText();
        std::set<std::string> swept;
        for (const auto& row : lines(readFile(dir / "sweep.csv")))
            swept.insert(splitCsv(row)[0]);
        for (const auto& model : config["models"])
            EXPECT_EQ(swept.count(model.get<std::string>()), 1u) << entry.path() << ": " << model;
    }
}

TEST_F(SweepTest, SetChangesOneKeyOfTheNamedAcceleratorFile)
{
    std::ofstream(out("accel.json")) << R"({"clock_mhz": 250, "array": {"rows": 8}})";
    ASSERT_EQ(
        voltsim("sweep --dump-config --accelerator " + out("accel.json") + " --set accelerator.array.cols=4"),
        0)
        << stderrText();
    const std::string text = readFile(m_dir / "stdout.txt");
    for (const char* key : {"\"clock_mhz\": 250.0", "\"rows\": 8", "\"cols\": 4"})
        EXPECT_NE(text.find(key), std::string::npos) << key;
}

TEST_F(SweepTest, SummaryNamesTheLowestVoltageWithinTheLoss)
{
    ASSERT_EQ(voltsim(tiny() + " --max-loss-pp 100 --out " + out("a")), 0) << stderrText();
    const std::string summary = readFile(m_dir / "a" / "summary.json");
    EXPECT_NE(summary.find("\"found\": true"), std::string::npos);
    EXPECT_NE(summary.find("\"voltage_mv\": 656.0"), std::string::npos); // every point is within 100 points
    // With no loss allowed, V_nom (RErr = Err exactly) is always within.
    ASSERT_EQ(voltsim(tiny() + " --max-loss-pp 0 --reference randbet-8bit --out " + out("b")), 0)
        << stderrText();
    EXPECT_NE(readFile(m_dir / "b" / "summary.json").find("\"found\": true"), std::string::npos);
    EXPECT_EQ(voltsim(tiny() + " --reference nosuchmodel --out " + out("c")), 2);
    EXPECT_NE(stderrText().find("reference"), std::string::npos);
}

TEST_F(SweepTest, MergeWithAShardMissingFailsUnlessAskedForAPartialMergeThatSaysSo)
{
    const std::string two =
        "sweep --models randbet-8bit,clipping-8bit --voltages-rel 1.0:0.82:0.06 --chips 2 --images 200 "
        "--quiet --no-plots";
    ASSERT_EQ(voltsim(two + " --shard 0/3 --out " + out("s0")), 0) << stderrText();
    ASSERT_EQ(voltsim(two + " --shard 1/3 --out " + out("s1")), 0) << stderrText();
    const std::string merge = "merge " + out("s0") + " " + out("s1") + " --no-plots --out " + out("m");
    EXPECT_EQ(voltsim(merge), 2);
    EXPECT_EQ(stderrText(), "voltsim: error: voltsim merge: 6 of 8 points present (missing: point 2 of model "
                            "randbet-8bit and maybe more; a shard not given?); pass --partial to merge them "
                            "anyway\n");
    EXPECT_FALSE(fs::exists(m_dir / "m"));

    ASSERT_EQ(voltsim(merge + " --partial"), 0) << stderrText();
    const std::string printed = readFile(m_dir / "stdout.txt");
    EXPECT_NE(printed.find("partial: 6 of 8 points\n"), std::string::npos) << printed;
    EXPECT_EQ(printed.find("no swept point"), std::string::npos) << printed;
    EXPECT_NE(printed.find("the next point, 704 mV (V/Vmin 0.88), not run (3 of 4 points)"),
              std::string::npos)
        << printed;
    const auto summary = nlohmann::json::parse(readFile(m_dir / "m" / "summary.json"));
    EXPECT_EQ(summary["points_done"], 6);
    EXPECT_EQ(summary["points_total"], 8);
    EXPECT_EQ(summary["complete"], false);
    for (const auto& model : summary["models"]) {
        EXPECT_EQ(model["status"], "incomplete") << model;
        EXPECT_EQ(model["found"], false) << model;
        EXPECT_EQ(model["points_done"], 3) << model;
        EXPECT_EQ(model["points_total"], 4) << model;
    }
    const auto stats = nlohmann::json::parse(readFile(m_dir / "m" / "stats.json"));
    EXPECT_EQ(stats["points_done"], 6);
    EXPECT_EQ(stats["complete"], false);

    // The missing shard merged into the partial folder completes it.
    ASSERT_EQ(voltsim(two + " --shard 2/3 --out " + out("s2")), 0) << stderrText();
    ASSERT_EQ(voltsim("merge " + out("s2") + " --no-plots --quiet --out " + out("m")), 0) << stderrText();
    ASSERT_EQ(voltsim(two + " --out " + out("whole")), 0) << stderrText();
    for (const char* file : {"sweep.csv", "summary.json", "stats.json", "points.jsonl"})
        EXPECT_EQ(readFile(m_dir / "m" / file), readFile(m_dir / "whole" / file)) << file;
}

TEST_F(SweepTest, AModelThatWasNotRunIsReportedAsNotRun)
{
    const std::string two =
        "sweep --models randbet-8bit,clipping-8bit --voltages-rel 1.0:0.82:0.06 --chips 2 --images 200 "
        "--quiet --no-plots --max-loss-pp 0";
    ASSERT_EQ(voltsim(two + " --out " + out("cut")), 0) << stderrText();
    // What an interrupted sweep leaves: the first model's points only.
    const auto records = lines(readFile(m_dir / "cut" / "points.jsonl"));
    std::ofstream(m_dir / "cut" / "points.jsonl", std::ios::trunc) << records[0] << "\n"
                                                                   << records[1] << "\n"
                                                                   << records[2] << "\n"
                                                                   << records[3] << "\n";
    ASSERT_EQ(voltsim("merge " + out("cut") + " --partial --no-plots --out " + out("m")), 0) << stderrText();
    const std::string printed = readFile(m_dir / "stdout.txt");
    EXPECT_NE(printed.find("partial: 4 of 8 points\n"), std::string::npos) << printed;
    EXPECT_NE(printed.find("clipping-8bit    not run (0 of 4 points)\n"), std::string::npos) << printed;
    const auto summary = nlohmann::json::parse(readFile(m_dir / "m" / "summary.json"));
    EXPECT_EQ(summary["models"][0]["status"], "found");
    EXPECT_EQ(summary["models"][1]["status"], "not_run");
    EXPECT_EQ(summary["models"][1]["points_done"], 0);
    EXPECT_FALSE(summary["models"][1].contains("voltage_mv"));
}

TEST_F(SweepTest, MergeRefusesAShardGivenTwice)
{
    ASSERT_EQ(voltsim(tiny() + " --shard 0/2 --out " + out("s0")), 0) << stderrText();
    ASSERT_EQ(voltsim(tiny() + " --shard 1/2 --out " + out("s1")), 0) << stderrText();
    fs::copy(m_dir / "s0", m_dir / "copy");
    EXPECT_EQ(voltsim("merge " + out("s0") + " " + out("copy") + " " + out("s1") +
                      " --quiet --no-plots --out " + out("m")),
              2);
    EXPECT_EQ(stderrText(), "voltsim: error: " + out("copy") +
                                "/points.jsonl: point 0 of model randbet-8bit is "
                                "also in " +
                                out("s0") +
                                " (a shard given twice?); each point may come from one directory\n");
    EXPECT_FALSE(fs::exists(m_dir / "m"));
}

namespace {

/// Sets the Slurm job array variables for one scope (unset: nullptr), as sbatch --array sets them.
class SlurmArray {
  public:
    SlurmArray(const char* id, const char* count, const char* min = nullptr, const char* max = nullptr)
    {
        set("SLURM_ARRAY_TASK_ID", id);
        set("SLURM_ARRAY_TASK_COUNT", count);
        set("SLURM_ARRAY_TASK_MIN", min);
        set("SLURM_ARRAY_TASK_MAX", max);
    }
    ~SlurmArray()
    {
        for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                                 "SLURM_ARRAY_TASK_MAX"})
            unsetenv(name);
    }
    SlurmArray(const SlurmArray&) = delete;
    SlurmArray& operator=(const SlurmArray&) = delete;

  private:
    static void set(const char* name, const char* value)
    {
        if (value != nullptr)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
};

} // namespace

TEST_F(SweepTest, ShardAutoTakesTheTaskOfASlurmJobArray)
{
    ASSERT_EQ(voltsim(tiny() + " --shard 1/3 --out " + out("explicit")), 0) << stderrText();
    {
        const SlurmArray task("1", "3");
        ASSERT_EQ(voltsim(tiny() + " --shard auto --out " + out("auto")), 0) << stderrText();
    }
    {
        const SlurmArray task("6", "3", "5", "7"); // sbatch --array=5-7: task 6 is shard 1
        ASSERT_EQ(voltsim(tiny() + " --shard auto --out " + out("from5")), 0) << stderrText();
    }
    for (const char* dir : {"auto", "from5"}) {
        EXPECT_EQ(readFile(m_dir / dir / "points.jsonl"), readFile(m_dir / "explicit" / "points.jsonl"))
            << dir;
        EXPECT_NE(readFile(m_dir / dir / "run.json").find("\"shard\": \"1/3\""), std::string::npos) << dir;
    }
}

TEST_F(SweepTest, ShardAutoOutsideAContiguousSlurmArrayIsOneLine)
{
    const std::string sweep = tiny() + " --shard auto --out " + out("x");
    const std::string array =
        " is not a shard of a contiguous array: submit with --array=0-N (no step, no list)\n";
    const std::string unset =
        " is not set (not a task of a Slurm job array, sbatch --array=0-N); pass --shard "
        "I/N instead\n";
    const std::string variables = " (SLURM_ARRAY_TASK_ID, _COUNT, _MIN, _MAX)";
    struct Case {
        const char* id;
        const char* count;
        const char* min;
        const char* max;
        std::string expected; // after "voltsim: error: --shard auto: "
    };
    const Case cases[] = {
        {nullptr, nullptr, nullptr, nullptr, "SLURM_ARRAY_TASK_ID" + unset},
        {"2", nullptr, nullptr, nullptr, "SLURM_ARRAY_TASK_COUNT" + unset},
        {"x1", "3", nullptr, nullptr, "SLURM_ARRAY_TASK_ID='x1': expected a non-negative integer\n"},
        {"3", "3", nullptr, nullptr, "task 3 of 3 tasks from 0" + variables + array},
        {"4", "3", "0", "4", "task 4 of 3 tasks from 0 to 4" + variables + array}, // --array=0-4:2
    };
    for (const Case& task : cases) {
        const SlurmArray environment(task.id, task.count, task.min, task.max);
        EXPECT_EQ(voltsim(sweep), 2);
        EXPECT_EQ(stderrText(), "voltsim: error: --shard auto: " + task.expected);
    }
    EXPECT_FALSE(fs::exists(m_dir / "x"));
}

TEST_F(SweepTest, MergeRefusesShardsOfDifferentSweeps)
{
    ASSERT_EQ(voltsim(tiny() + " --shard 0/2 --out " + out("s0")), 0) << stderrText();
    ASSERT_EQ(voltsim(tiny() + " --seed 2 --shard 1/2 --out " + out("s1")), 0) << stderrText();
    EXPECT_EQ(voltsim("merge " + out("s0") + " " + out("s1") + " --quiet --no-plots --out " + out("m")), 2);
    EXPECT_EQ(stderrText(), "voltsim: error: " + out("s1") + "/config.json: differs from " + out("s0") +
                                "/config.json (not the same sweep)\n");
    EXPECT_FALSE(fs::exists(m_dir / "m"));
}

TEST_F(SweepTest, OnlySweepRunsAsSeveralMpiRanks)
{
    // As mpirun -n 3 starts every rank; the command never gets as far as MPI.
    setenv("OMPI_COMM_WORLD_SIZE", "3", 1);
    setenv("OMPI_COMM_WORLD_RANK", "0", 1);
    EXPECT_EQ(voltsim("model info " + voltsim::test::modelDir("randbet-8bit")), 2);
    EXPECT_EQ(stderrText(),
              "voltsim: error: voltsim model: launched as 3 MPI ranks (OMPI_COMM_WORLD_SIZE); only "
              "voltsim sweep shares its work over ranks: start voltsim model as one process\n");
    setenv("OMPI_COMM_WORLD_RANK", "2", 1); // the other ranks leave the line to rank 0
    EXPECT_EQ(voltsim("model info " + voltsim::test::modelDir("randbet-8bit")), 2);
    EXPECT_EQ(stderrText(), "");
    unsetenv("OMPI_COMM_WORLD_SIZE");
    unsetenv("OMPI_COMM_WORLD_RANK");
}

TEST_F(SweepTest, ProtectionsAreSweptModelByModelAndBadOnesRefused)
{
    ASSERT_EQ(voltsim(tiny() + " --protections none,secded:64,msb:2 --out " + out("p")), 0) << stderrText();
    const auto rows = lines(readFile(m_dir / "p" / "sweep.csv"));
    ASSERT_EQ(rows.size(), 1u + 3 * 4); // model-major, then protection, then the axis
    EXPECT_EQ(splitCsv(rows[1])[18], "none");
    EXPECT_EQ(splitCsv(rows[5])[18], "secded:64");
    EXPECT_EQ(splitCsv(rows[9])[18], "msb:2");
    for (const std::size_t row : {1, 5, 9}) {
        const auto nominal = splitCsv(rows[row]);
        EXPECT_EQ(nominal[1], "800");
        EXPECT_EQ(nominal[6], nominal[5]) << "no faults at V_nom";
    }
    // At V_nom check bits and the decoder cost energy against the unprotected reference (a negative
    // saving); reliable cells at V_nom cost what the plain cells cost there.
    EXPECT_EQ(splitCsv(rows[1])[14], "0");
    EXPECT_LT(std::stod(splitCsv(rows[5])[14]), 0.0);
    EXPECT_NEAR(std::stod(splitCsv(rows[9])[15]), 0.0, 1e-12);
    const auto summary = nlohmann::json::parse(readFile(m_dir / "p" / "summary.json"));
    ASSERT_EQ(summary["models"].size(), 3u);
    EXPECT_EQ(summary["models"][1]["model"], "randbet-8bit@secded:64");
    EXPECT_EQ(summary["models"][1]["protection"], "secded:64");

    for (const char* bad : {"ecc", "secded:16", "none,none", "parity:0"}) {
        EXPECT_EQ(voltsim(tiny() + " --protections " + bad + " --out " + out("bad")), 2) << bad;
        const std::string message = stderrText();
        EXPECT_NE(message.find("protections"), std::string::npos) << message;
        EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
    }
    // parity words must hold whole codes: 12 data bits do not hold 8-bit codes.
    EXPECT_EQ(voltsim(tiny() + " --protections parity:12 --out " + out("bad12")), 2);
    EXPECT_NE(stderrText().find("weight_sram.protection"), std::string::npos) << stderrText();
}
