#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/FaultModels.hpp"

#include "impl/StatisticalFaultModel.hpp"

#include <gtest/gtest.h>

using namespace voltsim::memory;

namespace voltsim::memory::impl {

/// The worked example of docs/profiles.md ("Adding a fault model"), verbatim.
class StuckAt0FaultModel final : public IFaultModel {
  public:
    std::string name() const override { return "stuck_at_0"; }
    FaultEffect effect() const override { return FaultEffect::Stuck; }
    std::vector<FaultCell> drawBank(const SramProfile& profile, const ChipGeometry& geometry,
                                    std::uint32_t bank, std::uint64_t chipSeed) const override
    {
        std::vector<FaultCell> cells = m_cells.drawBank(profile, geometry, bank, chipSeed);
        for (FaultCell& cell : cells)
            cell.stuckValue = 0;
        return cells;
    }
    double thresholdForVoltage(const SramProfile& profile, double voltageMv) const override
    {
        return m_cells.thresholdForVoltage(profile, voltageMv);
    }
    double thresholdForRate(const SramProfile& profile, double ber) const override
    {
        return m_cells.thresholdForRate(profile, ber);
    }

  private:
    StatisticalFaultModel m_cells{FaultEffect::Stuck};
};

} // namespace voltsim::memory::impl

TEST(FaultModels, BuiltInsByName)
{
    const FaultModels& registry = faultModels();
    EXPECT_EQ(registry.kind(), "fault model");
    EXPECT_EQ(registry.names(), (std::vector<std::string>{"none", "random", "stuck_at", "map"}));
    for (const auto& name : registry.names())
        EXPECT_EQ(registry.create(name, "test")->name(), name);
    EXPECT_EQ(registry.create("random", "test")->effect(), FaultEffect::Flip);
    EXPECT_EQ(registry.create("stuck_at", "test")->effect(), FaultEffect::Stuck);
}

TEST(FaultModels, UnknownNameListsValidOnes)
{
    try {
        faultModels().create("gaussian", "weight_sram.fault_model");
        FAIL();
    } catch (const voltsim::InputError& error) {
        EXPECT_STREQ(
            error.what(),
            "weight_sram.fault_model: unknown fault model 'gaussian' (valid: none, random, stuck_at, map)");
    }
}

TEST(FaultModels, NoneHasNoFaults)
{
    const auto model = faultModels().create("none", "test");
    const SramProfile profile = loadProfile("stutz2021-14nm");
    EXPECT_TRUE(model->drawBank(profile, profile.geometry, 0, 1).empty());
}

TEST(FaultModels, MapModelNeedsAMapAndAVoltage)
{
    const auto model = faultModels().create("map", "test");
    const SramProfile profile = loadProfile("stutz2021-14nm");
    EXPECT_THROW(model->drawBank(profile, profile.geometry, 0, 1), voltsim::InputError);
    EXPECT_THROW(model->thresholdForRate(profile, 0.01), voltsim::InputError);
}

TEST(FaultModels, TheDocumentedExampleIsOneRegistrationLine)
{
    FaultModels registry("fault model");
    registerFaultModels(registry);
    registry.add("stuck_at_0", "the cells of random, each stuck at 0",
                 [] { return std::make_unique<impl::StuckAt0FaultModel>(); });
    EXPECT_EQ(registry.names().back(), "stuck_at_0");
    const SramProfile profile = loadProfile("stutz2021-14nm");
    const auto example = registry.create("stuck_at_0", "test");
    const auto random = registry.create("random", "test");
    const auto cells = example->drawBank(profile, profile.geometry, 3, 11);
    const auto randomCells = random->drawBank(profile, profile.geometry, 3, 11);
    ASSERT_EQ(cells.size(), randomCells.size());
    ASSERT_FALSE(cells.empty());
    for (std::size_t i = 0; i < cells.size(); ++i) {
        EXPECT_EQ(cells[i].bit, randomCells[i].bit);
        EXPECT_EQ(cells[i].stuckValue, 0);
    }
}
