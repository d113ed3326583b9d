// `voltsim list`: every registry with its names and descriptions, and the shipped profiles and
// models, as text and as JSON.
#include "CliFixture.hpp"

#include "voltsim/memory/FaultModels.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/workloads/ShippedData.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using voltsim::test::readFile;

class ListCommandTest : public voltsim::test::CliFixture {
  protected:
    ListCommandTest() : CliFixture("voltsim-list") {}
};

template <typename Registry> void expectListed(const nlohmann::json& listed, const Registry& registry)
{
    ASSERT_EQ(listed.size(), registry.entries().size());
    for (std::size_t i = 0; i < listed.size(); ++i) {
        EXPECT_EQ(listed[i]["name"], registry.entries()[i].name);
        EXPECT_EQ(
            listed[i]["description"].template get<std::string>().rfind(registry.entries()[i].description, 0),
            0u);
    }
}

TEST_F(ListCommandTest, JsonHasEveryRegistryInRegistrationOrder)
{
    ASSERT_EQ(voltsim("list --json"), 0) << stderrText();
    const auto listed = nlohmann::json::parse(readFile(m_dir / "stdout.txt"));
    expectListed(listed.at("fault_models"), voltsim::memory::faultModels());
    expectListed(listed.at("timing_models"), voltsim::models::timingModels());
    expectListed(listed.at("array_engines"), voltsim::models::arrayEngines());
    expectListed(listed.at("backends"), voltsim::sim::backends());
    EXPECT_EQ(listed["fault_models"][0]["name"], "none");
    EXPECT_EQ(listed["array_engines"][1]["name"], "cycle");
}

TEST_F(ListCommandTest, JsonListsEveryShippedProfileAndModelWithWhatTheyAre)
{
    ASSERT_EQ(voltsim("list --json"), 0) << stderrText();
    const auto listed = nlohmann::json::parse(readFile(m_dir / "stdout.txt"));
    const std::vector<std::string> profiles = voltsim::memory::shippedProfileNames();
    ASSERT_EQ(listed.at("profiles").size(), profiles.size());
    for (std::size_t i = 0; i < profiles.size(); ++i)
        EXPECT_EQ(listed["profiles"][i]["name"], profiles[i]);
    const std::vector<std::string> models = voltsim::workloads::shippedModelNames();
    ASSERT_EQ(listed.at("models").size(), models.size());
    for (std::size_t i = 0; i < models.size(); ++i)
        EXPECT_EQ(listed["models"][i]["name"], models[i]);
    // The paper's 14 nm chip: 32 arrays of 512 x 64 bits, 4096 bytes each.
    for (const auto& profile : listed["profiles"]) {
        if (profile["name"] == "stutz2021-14nm") {
            EXPECT_NE(profile["description"].get<std::string>().find("32 banks of 4096 bytes"),
                      std::string::npos);
        }
    }
    for (const auto& model : listed["models"]) {
        if (model["name"] == "randbet-8bit") {
            EXPECT_EQ(model["description"].get<std::string>().rfind("randbet, ", 0), 0u);
        }
    }
}

TEST_F(ListCommandTest, TextNamesEachRegistryAndItsEntries)
{
    ASSERT_EQ(voltsim("list"), 0) << stderrText();
    const std::string text = readFile(m_dir / "stdout.txt");
    for (const char* expected :
         {"fault models (", "timing models (", "array engines (", "back-ends (", "shipped SRAM profiles (",
          "shipped models (", "  salami2018-vc707 ", "  clipping-4bit ", "  stuck_at ", "  native ",
          "  cycle ", "(voltsim layers only)"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " in\n" << text;
    EXPECT_LT(text.find("fault models"), text.find("timing models"));
    EXPECT_LT(text.find("  none "), text.find("  random "));
}

TEST_F(ListCommandTest, TopLevelHelpMentionsIt)
{
    ASSERT_EQ(voltsim("--help"), 0) << stderrText();
    EXPECT_NE(readFile(m_dir / "stdout.txt").find("  list "), std::string::npos);
    EXPECT_EQ(voltsim("list --bogus"), 2);
    EXPECT_NE(stderrText().find("bogus"), std::string::npos);
}

} // namespace
