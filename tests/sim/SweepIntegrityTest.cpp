// Resume and merge check content (docs/sweep.md, "Resume and merge check content"): a sweep
// folder's inputs.json records the SHA-256 of every file the sweep read, and every points.jsonl
// line is checked against the plan; a changed file or a bad line is one error line, exit 2.
#include "CliFixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using voltsim::test::lines;
using voltsim::test::readFile;

class SweepIntegrityTest : public voltsim::test::CliFixture {
  protected:
    SweepIntegrityTest() : CliFixture("voltsim-sweep-integrity-test") {}

    /// A tiny sweep of the package in `model`.
    static std::string tiny(const std::string& model)
    {
        return "sweep --models " + model +
               " --voltages-rel 1.0:0.82:0.06 --chips 3 --images 300 --quiet --no-plots";
    }

    /// A copy of the shipped randbet-8bit package in the scratch directory.
    std::string copiedPackage(const std::string& name)
    {
        fs::copy(voltsim::test::modelDir("randbet-8bit"), m_dir / name);
        return out(name);
    }

    /// Rewrites the manifest's description: the same network, another file content.
    void touchManifest(const std::string& package)
    {
        const fs::path manifest = fs::path(package) / "manifest.json";
        std::string text = readFile(manifest);
        text.replace(text.find("\"description\": \"") + 16, 0, "retrained: ");
        std::ofstream(manifest, std::ios::trunc) << text;
    }

    /// Exit 2 and exactly one line "voltsim: error: " holding every one of `names`.
    void expectOneLineError(int status, const std::vector<std::string>& names)
    {
        EXPECT_EQ(status, 2);
        const std::string err = stderrText();
        EXPECT_EQ(lines(err).size(), 1u) << err;
        EXPECT_EQ(err.rfind("voltsim: error: ", 0), 0u) << err;
        for (const auto& name : names)
            EXPECT_NE(err.find(name), std::string::npos) << "'" << name << "' not in: " << err;
    }
};

} // namespace

TEST_F(SweepIntegrityTest, ResumeRefusesAModelPackageThatChangedNamingTheFile)
{
    const std::string package = copiedPackage("pkg");
    ASSERT_EQ(voltsim(tiny(package) + " --out " + out("a")), 0) << stderrText();
    const auto inputs = nlohmann::json::parse(readFile(m_dir / "a" / "inputs.json"));
    std::vector<std::string> roles;
    for (const auto& file : inputs["files"])
        roles.push_back(file["what"]);
    EXPECT_EQ(roles, (std::vector<std::string>{
                         "model randbet-8bit manifest", "model randbet-8bit codes", "profile", "energy table",
                         "accelerator config", "dataset t10k-images-idx3-ubyte.gz",
                         "dataset t10k-labels-idx1-ubyte.gz", "dataset train-labels-idx1-ubyte.gz"}));
    ASSERT_EQ(voltsim(tiny(package) + " --resume --out " + out("a")), 0) << stderrText();
    touchManifest(package);
    const std::string points = readFile(m_dir / "a" / "points.jsonl");
    expectOneLineError(voltsim(tiny(package) + " --resume --out " + out("a")),
                       {"--out " + out("a") + ": " + package +
                            "/manifest.json (model randbet-8bit manifest) has "
                            "changed since the sweep read it: SHA-256 ",
                        out("a") + "/inputs.json records "});
    EXPECT_EQ(readFile(m_dir / "a" / "points.jsonl"), points);
}

TEST_F(SweepIntegrityTest, ResumeRefusesAChangedProfileOrAcceleratorFile)
{
    fs::copy(voltsim::test::sourceDir() + "/memory/profiles/stutz2021-14nm.json", m_dir / "profile.json");
    fs::copy(voltsim::test::sourceDir() + "/configs/accelerator/default.json", m_dir / "accel.json");
    const std::string args = tiny("randbet-8bit") + " --profile " + out("profile.json") + " --accelerator " +
                             out("accel.json") + " --out " + out("a");
    ASSERT_EQ(voltsim(args), 0) << stderrText();
    std::ofstream(m_dir / "profile.json", std::ios::app) << "\n";
    expectOneLineError(voltsim(args + " --resume"), {out("profile.json") + " (profile) has changed"});
    fs::copy(voltsim::test::sourceDir() + "/memory/profiles/stutz2021-14nm.json", m_dir / "profile.json",
             fs::copy_options::overwrite_existing);
    std::ofstream(m_dir / "accel.json", std::ios::app) << "\n";
    expectOneLineError(voltsim(args + " --resume"),
                       {out("accel.json") + " (accelerator config) has changed"});
}

TEST_F(SweepIntegrityTest, MergeRefusesShardsThatReadDifferentFilesOrFilesChangedSince)
{
    const std::string package = copiedPackage("pkg");
    ASSERT_EQ(voltsim(tiny(package) + " --shard 0/2 --out " + out("s0")), 0) << stderrText();
    touchManifest(package);
    ASSERT_EQ(voltsim(tiny(package) + " --shard 1/2 --out " + out("s1")), 0) << stderrText();
    const std::string merge =
        "merge " + out("s0") + " " + out("s1") + " --quiet --no-plots --out " + out("m");
    expectOneLineError(voltsim(merge),
                       {out("s1") + "/inputs.json: differs from " + out("s0") + "/inputs.json"});
    // Both shards of the retrained package, merged after it changed once more.
    ASSERT_EQ(voltsim(tiny(package) + " --shard 0/2 --out " + out("t0")), 0) << stderrText();
    fs::copy(m_dir / "s1", m_dir / "t1", fs::copy_options::recursive);
    touchManifest(package);
    expectOneLineError(
        voltsim("merge " + out("t0") + " " + out("t1") + " --quiet --no-plots --out " + out("m")),
        {"voltsim merge: " + package + "/manifest.json (model randbet-8bit manifest) has changed",
         out("t0") + "/inputs.json records"});
    EXPECT_FALSE(fs::exists(m_dir / "m"));
}

TEST_F(SweepIntegrityTest, EveryPointsLineIsCheckedAgainstThePlanNamingFileAndLine)
{
    ASSERT_EQ(voltsim(tiny("randbet-8bit") + " --out " + out("good")), 0) << stderrText();
    const std::vector<std::string> records = lines(readFile(m_dir / "good" / "points.jsonl"));
    ASSERT_EQ(records.size(), 4u);
    struct Tamper {
        std::string name;
        std::function<void(nlohmann::json&)> edit; ///< applied to line 2's record
        std::vector<std::string> mustName;
    };
    const std::vector<Tamper> cases = {
        {"rerr above 100 %", [](auto& r) { r["chips"][1][3] = 301; }, {"chips[1][3]", ", 300], got 301"}},
        {"negative count", [](auto& r) { r["chips"][0][1] = -5; }, {"chips[0][1]", "got -5"}},
        {"robust errors below the clean errors",
         [](auto& r) { r["chips"][0][3] = 0; },
         {"chips[0][3]", "got 0"}},
        {"clean errors above the images",
         [](auto& r) { r["clean_errors"] = 400; },
         {"clean_errors", "got 400"}},
        {"another image count",
         [](auto& r) { r["images"] = 299; },
         {"images", "expected an integer in [300, 300]"}},
        {"another seed", [](auto& r) { r["chips"][2][0] = 7; }, {"chips[2][0]", "chip 2's seed", "got 7"}},
        {"flips beyond the code bits",
         [](auto& r) { r["chips"][0][1] = 1e9; },
         {"chips[0][1]", "got 1000000000"}},
        {"another model's code bits",
         [](auto& r) { r["stored_bits"] = 5; },
         {"stored_bits", "code bits", "got 5"}},
        {"another rate", [](auto& r) { r["ber"] = 0.5; }, {"ber", "the rate of point 1", "got 0.5"}},
        {"a point outside the plan", [](auto& r) { r["point"] = 9; }, {"point", "got 9"}},
        {"a point recorded twice",
         [&records](auto& r) { r = nlohmann::json::parse(records[0]); },
         {"point 0 of model randbet-8bit is already on line 1"}},
        {"an unknown model",
         [](auto& r) { r["model"] = "other"; },
         {"model", "'other' is not a swept model"}},
        {"an unknown key", [](auto& r) { r["rerr"] = 0.1; }, {"rerr", "unknown key"}},
        {"chips missing",
         [](auto& r) { r["chips"].erase(2); },
         {"chips", "expected an array of 3 elements, got 2"}},
    };
    for (const Tamper& tamper : cases) {
        SCOPED_TRACE(tamper.name);
        fs::remove_all(m_dir / "cut");
        fs::copy(m_dir / "good", m_dir / "cut");
        nlohmann::json second = nlohmann::json::parse(records[1]);
        tamper.edit(second);
        std::ofstream(m_dir / "cut" / "points.jsonl", std::ios::trunc) << records[0] << "\n"
                                                                       << second.dump() << "\n"
                                                                       << records[2] << "\n";
        std::vector<std::string> names = tamper.mustName;
        names.push_back(out("cut") + "/points.jsonl:2: ");
        expectOneLineError(voltsim(tiny("randbet-8bit") + " --resume --out " + out("cut")), names);
        expectOneLineError(voltsim("merge " + out("cut") + " --partial --quiet --no-plots --out " + out("m")),
                           names);
        EXPECT_FALSE(fs::exists(m_dir / "m"));
    }
    // A clean error count that differs from line 1's (the same model's clean run).
    nlohmann::json second = nlohmann::json::parse(records[1]);
    second["clean_errors"] = second["clean_errors"].get<int>() - 1;
    for (auto& chip : second["chips"])
        chip[3] = chip[3].get<int>() - 1;
    std::ofstream(m_dir / "cut" / "points.jsonl", std::ios::trunc) << records[0] << "\n"
                                                                   << second.dump() << "\n";
    expectOneLineError(voltsim(tiny("randbet-8bit") + " --resume --out " + out("cut")),
                       {out("cut") + "/points.jsonl:2: clean_errors: expected ", "as on line 1"});
}
