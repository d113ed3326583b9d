// Every shipped model runs on every shipped profile (memory/profiles/*.json) with `voltsim run` and
// `voltsim sweep` at the profile's lowest voltage, streaming its weights where they exceed the
// weight SRAM (salami2018-vc707 holds 64 KiB).
#include "CliFixture.hpp"
#include "TestPaths.hpp"

#include "voltsim/memory/SramProfile.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

using voltsim::test::readFile;
using voltsim::test::sourceDir;

std::vector<std::string> shippedProfiles()
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(sourceDir() + "/memory/profiles"))
        if (entry.path().extension() == ".json")
            names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string lowestVoltageMv(const std::string& profile)
{
    std::ostringstream text;
    text << voltsim::memory::loadProfile(profile).lowestVoltageMv();
    return text.str();
}

class ShippedCombinationsTest : public voltsim::test::CliFixture {
  protected:
    ShippedCombinationsTest() : CliFixture("voltsim-combinations") {}
};

} // namespace

TEST_F(ShippedCombinationsTest, EveryModelRunsAndSweepsOnEveryProfile)
{
    const std::vector<std::string> models = voltsim::test::shippedModelNames();
    const std::vector<std::string> profiles = shippedProfiles();
    ASSERT_GE(models.size(), 6u);
    ASSERT_GE(profiles.size(), 3u);
    std::string list;
    for (const std::string& model : models)
        list += (list.empty() ? "" : ",") + model;
    for (const std::string& profile : profiles) {
        const std::string mv = lowestVoltageMv(profile);
        for (const std::string& model : models) {
            std::ostringstream run;
            run << "run --model '" << voltsim::test::modelDir(model) << "' --profile " << profile
                << " --voltage-mv " << mv << " --chips 1 --images 4 --json";
            ASSERT_EQ(voltsim(run.str(), "run.json"), 0)
                << model << " on " << profile << ": " << stderrText();
            const auto summary = nlohmann::json::parse(readFile(m_dir / "run.json"));
            EXPECT_GT(summary.at("cycles_per_inference").get<double>(), 0) << model << " on " << profile;
        }
        std::ostringstream sweep;
        sweep << "sweep --models " << list << " --profile " << profile << " --voltages-mv " << mv
              << " --chips 1 --images 4 --quiet --no-plots --out sweep-" << profile;
        ASSERT_EQ(voltsim(sweep.str()), 0) << profile << ": " << stderrText();
        EXPECT_TRUE(std::filesystem::exists(m_dir / ("sweep-" + profile) / "sweep.csv")) << profile;
    }
}
