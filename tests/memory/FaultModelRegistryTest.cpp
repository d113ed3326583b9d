#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/FaultModelRegistry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace voltsim::memory;

TEST(FaultModelRegistry, BuiltInsByName)
{
    const auto& registry = FaultModelRegistry::builtIn();
    EXPECT_EQ(registry.names(), (std::vector<std::string>{"map", "none", "random", "stuck_at"}));
    for (const auto& name : registry.names())
        EXPECT_EQ(registry.create(name)->name(), name);
    EXPECT_EQ(registry.create("random")->effect(), FaultEffect::Flip);
    EXPECT_EQ(registry.create("stuck_at")->effect(), FaultEffect::Stuck);
}

TEST(FaultModelRegistry, UnknownNameListsValidOnes)
{
    try {
        FaultModelRegistry::builtIn().create("gaussian");
        FAIL();
    } catch (const voltsim::InputError& error) {
        EXPECT_STREQ(error.what(), "unknown fault model 'gaussian' (valid: map, none, random, stuck_at)");
    }
}

TEST(FaultModelRegistry, ExplicitRegistrationOfAnotherModel)
{
    FaultModelRegistry registry;
    registerBuiltInFaultModels(registry);
    EXPECT_THROW(registry.add("random", [] { return FaultModelRegistry::builtIn().create("none"); }),
                 std::invalid_argument);
    registry.add("also_none", [] { return FaultModelRegistry::builtIn().create("none"); });
    EXPECT_EQ(registry.names().size(), 5u);
    EXPECT_EQ(registry.create("also_none")->effect(), FaultEffect::None);
}

TEST(FaultModelRegistry, NoneHasNoFaults)
{
    const auto model = FaultModelRegistry::builtIn().create("none");
    const SramProfile profile = loadProfile("stutz2021-14nm");
    EXPECT_TRUE(model->drawBank(profile, profile.geometry, 0, 1).empty());
}

TEST(FaultModelRegistry, MapModelNeedsAMapAndAVoltage)
{
    const auto model = FaultModelRegistry::builtIn().create("map");
    const SramProfile profile = loadProfile("stutz2021-14nm");
    EXPECT_THROW(model->drawBank(profile, profile.geometry, 0, 1), voltsim::InputError);
    EXPECT_THROW(model->thresholdForRate(profile, 0.01), voltsim::InputError);
}
