// End-to-end: `voltsim profile show | sample | import` through the built executable.
#include "MemoryTestSupport.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <sys/wait.h>

using nlohmann::json;
using voltsim::test::TempDir;

namespace {

struct Result {
    int status = -1;
    std::string output; ///< stdout, or stderr when `errors` is set
};

Result run(const std::string& arguments, bool errors = false)
{
    const std::string command = "'" + voltsim::test::voltsimBinary() + "' " + arguments +
                                (errors ? " 2>&1 >/dev/null" : " 2>/dev/null");
    Result result;
    FILE* pipe = popen(command.c_str(), "r");
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr)
        result.output += buffer.data();
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string examples()
{
    return voltsim::test::sourceDir() + "/memory/profiles/examples";
}

} // namespace

TEST(ProfileCli, ShowJsonListsTheTable)
{
    const Result result = run("profile show stutz2021-14nm --json");
    ASSERT_EQ(result.status, 0);
    const json shown = json::parse(result.output);
    EXPECT_EQ(shown["voltage_min_mv"], 800.0);
    ASSERT_EQ(shown["points"].size(), 6u);
    EXPECT_EQ(shown["points"][3]["voltage_mv"], 704.0);
    EXPECT_EQ(shown["points"][3]["ber"], 1e-3);
    EXPECT_DOUBLE_EQ(shown["points"][3]["read_pj_64bit"].get<double>(), 7.7);
}

TEST(ProfileCli, SampleJsonHasTheFaultCounts)
{
    const Result result = run("profile sample stutz2021-14nm --voltage-rel 0.845 --seed 7 --json");
    ASSERT_EQ(result.status, 0);
    const json sample = json::parse(result.output);
    EXPECT_EQ(sample["cells"], 32u * 512u * 64u);
    const double n = 32.0 * 512 * 64;
    EXPECT_NEAR(sample["faulty_cells"].get<double>(), n * 0.01, voltsim::test::binomialHalfWidth999(n, 0.01));
    EXPECT_EQ(sample["fault_rate"].get<double>(), sample["faulty_cells"].get<double>() / n);
    EXPECT_EQ(sample["stuck_at_0"], 0); // the random model flips
    EXPECT_EQ(run("profile sample stutz2021-14nm --voltage-rel 0.845 --seed 7 --json").output, result.output);
    const json stuck = json::parse(
        run("profile sample stutz2021-14nm --voltage-rel 0.845 --seed 7 --model stuck_at --json").output);
    EXPECT_EQ(stuck["stuck_at_0"].get<int>() + stuck["stuck_at_1"].get<int>(),
              sample["faulty_cells"].get<int>());
}

TEST(ProfileCli, SampleReportsTheChipOffset)
{
    // stutz2021-14nm: every chip has offset 0; stutz2021-14nm-variation: the seed's own, the same
    // on every call, and the chip's faults follow it (a positive offset: more than p(V) x cells).
    const auto sample = [](const std::string& profile, int seed) {
        return json::parse(run("profile sample " + profile + " --voltage-rel 0.88 --seed " +
                               std::to_string(seed) + " --json")
                               .output);
    };
    EXPECT_EQ(sample("stutz2021-14nm", 3)["chip_offset_mv"], 0.0);
    const json a = sample("stutz2021-14nm-variation", 3);
    const json b = sample("stutz2021-14nm-variation", 4);
    EXPECT_NE(a["chip_offset_mv"], 0.0);
    EXPECT_NE(a["chip_offset_mv"], b["chip_offset_mv"]);
    EXPECT_EQ(sample("stutz2021-14nm-variation", 3), a);
    for (const json& chip : {a, b}) {
        const double expected = 1e-3 * chip["cells"].get<double>();
        const double offset = chip["chip_offset_mv"].get<double>();
        if (offset > 5.0) {
            EXPECT_GT(chip["faulty_cells"].get<double>(), expected);
        } else if (offset < -5.0) {
            EXPECT_LT(chip["faulty_cells"].get<double>(), expected);
        }
    }
}

TEST(ProfileCli, ImportThenSample)
{
    TempDir dir;
    const std::string out = dir.path("ibm.json");
    const Result imported = run("profile import --ibm " + examples() + "/ibm-example --out " + out);
    ASSERT_EQ(imported.status, 0) << imported.output;
    const json sample = json::parse(run("profile sample " + out + " --voltage-mv 600 --json").output);
    EXPECT_EQ(sample["fault_model"], "map");
    EXPECT_EQ(sample["cells"], 128);
    EXPECT_EQ(sample["faulty_cells"], 6);
    EXPECT_EQ(sample["stuck_at_0"], 3);
}

TEST(ProfileCli, BadInputIsOneLineAndExitTwo)
{
    const char* cases[] = {
        "profile show nosuch",
        "profile show stutz2021-14nm --bogus",
        "profile sample stutz2021-14nm --voltage-rel abc",
        "profile sample stutz2021-14nm --voltage-rel 0.5",
        "profile sample stutz2021-14nm",
        "profile sample uniform --ber 0.5",
        "profile show stutz2021-14nm --seed 3",
        "profile import --cells /nonexistent.csv --out /tmp/x.json",
        "profile frobnicate",
    };
    for (const char* arguments : cases) {
        const Result result = run(arguments, true);
        EXPECT_EQ(result.status, 2) << arguments;
        EXPECT_EQ(result.output.rfind("voltsim: error: ", 0), 0u) << arguments << ": " << result.output;
        EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
    }
}

TEST(ProfileCli, CalibrateWritesAStatisticalProfile)
{
    TempDir dir;
    const std::string map = dir.path("ibm.json");
    ASSERT_EQ(run("profile import --ibm " + examples() + "/ibm-example --out " + map).status, 0);
    const std::string out = dir.path("ibm-statistical.json");
    const Result calibrated = run("profile calibrate " + map + " --base stutz2021-14nm --out " + out);
    ASSERT_EQ(calibrated.status, 0) << calibrated.output;
    const json shown = json::parse(run("profile show " + out + " --json").output);
    EXPECT_EQ(shown["name"], "ibm-statistical");
    EXPECT_EQ(shown["fault_semantics"], "stuck_at");
    EXPECT_EQ(shown["stuck_at_0_share"], 0.5);
    EXPECT_EQ(shown["clustering"]["weak_row_share"], 0.0); // the example's faults share no row
    EXPECT_EQ(shown["clustering"]["weak_column_share"], 0.0);
    for (const char* arguments :
         {"profile calibrate stutz2021-14nm --out /tmp/x.json", "profile calibrate x.json",
          "profile calibrate stutz2021-14nm --seed 1 --out /tmp/x.json"}) {
        const Result result = run(arguments, true);
        EXPECT_EQ(result.status, 2) << arguments;
        EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
    }
}

TEST(ProfileCli, NegativeSigmaIsOneLineNamingTheKey)
{
    TempDir dir;
    auto document = voltsim::test::shippedProfileJson("stutz2021-14nm");
    document["variation"] = {{"chip_sigma_mv", -5}, {"bank_sigma_mv", 0}};
    const std::string file = dir.write("negative.json", document.dump());
    for (const std::string command : {"profile show ", "profile sample --voltage-rel 0.9 "}) {
        const Result result = run(command + file, true);
        EXPECT_EQ(result.status, 2) << command;
        EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
        EXPECT_NE(result.output.find(file + ": variation.chip_sigma_mv:"), std::string::npos)
            << result.output;
    }
}
