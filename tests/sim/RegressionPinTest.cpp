// Regression pins: a reduced sweep's sweep.csv and the numbers of a `voltsim run`'s stats.json
// must not change when the code is restructured. The pinned files in tests/golden/ were written by
// the commands below; a change that alters the model on purpose (new timing, new energy figures)
// updates them in the same commit and says why. The stats pin lists JSON pointers and values, so a
// reorganised statistics tree updates the pointers while the values stay.
#include "CliFixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using voltsim::test::readFile;
using voltsim::test::sourceDir;

class RegressionPinTest : public voltsim::test::CliFixture {
  protected:
    RegressionPinTest() : CliFixture("voltsim-regression") {}
};

TEST_F(RegressionPinTest, SweepCsvIsByteIdenticalToThePinnedOne)
{
    ASSERT_EQ(voltsim("sweep --models normal-8bit,clipping-4bit,randbet-8bit --voltages-rel 1.0,0.9,0.84 "
                      "--chips 2 --images 300 --seed 3 --quiet --no-plots --out s"),
              0)
        << stderrText();
    EXPECT_EQ(readFile(m_dir / "s" / "sweep.csv"),
              readFile(sourceDir() + "/tests/golden/regression-sweep.csv"));
}

TEST_F(RegressionPinTest, RunStatsNumbersEqualThePinnedOnes)
{
    ASSERT_EQ(voltsim("run --model '" + voltsim::test::modelDir("randbet-8bit") +
                      "' --voltage-rel 0.86 --chips 2 --images 300 --seed 3 --out r"),
              0)
        << stderrText();
    const auto stats = nlohmann::json::parse(readFile(m_dir / "r" / "stats.json"));
    const auto pinned =
        nlohmann::json::parse(readFile(sourceDir() + "/tests/golden/regression-run-stats.json"));
    ASSERT_GT(pinned.size(), 1000u);
    std::size_t mismatches = 0;
    for (const auto& [pointer, value] : pinned.items()) {
        const nlohmann::json::json_pointer at(pointer);
        if (!stats.contains(at)) {
            ADD_FAILURE() << "stats.json has no " << pointer;
            ++mismatches;
        } else if (stats.at(at) != value) {
            ADD_FAILURE() << pointer << ": " << stats.at(at).dump() << ", pinned " << value.dump();
            ++mismatches;
        }
        if (mismatches > 20)
            FAIL() << "more than 20 mismatches";
    }
}

} // namespace
