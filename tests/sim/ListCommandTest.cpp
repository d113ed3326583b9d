// `voltsim list`: every registry with its names and descriptions, as text and as JSON.
#include "CliFixture.hpp"

#include "voltsim/memory/FaultModels.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"

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

TEST_F(ListCommandTest, TextNamesEachRegistryAndItsEntries)
{
    ASSERT_EQ(voltsim("list"), 0) << stderrText();
    const std::string text = readFile(m_dir / "stdout.txt");
    for (const char* expected : {"fault models (", "timing models (", "array engines (", "back-ends (",
                                 "  stuck_at ", "  native ", "  cycle ", "(voltsim layers only)"})
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
