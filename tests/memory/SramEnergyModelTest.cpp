#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramEnergyModel.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace voltsim::memory;

TEST(SramEnergyModel, SquareLawScaling)
{
    const SramEnergyModel model(loadProfile("salami2018-vc707")); // 10 pJ per 64 bits at 1000 mV, V^2
    EXPECT_DOUBLE_EQ(model.readEnergyPj(1000.0, 64), 10.0);
    EXPECT_DOUBLE_EQ(model.readEnergyPj(500.0, 64), 2.5);
    EXPECT_DOUBLE_EQ(model.writeEnergyPj(800.0, 32), 10.0 * 0.5 * 0.64);
    EXPECT_THROW(model.readEnergyPj(0.0, 64), voltsim::InputError);
}

TEST(SramEnergyModel, TableScalingFromThePaper)
{
    const SramEnergyModel model(loadProfile("stutz2021-14nm"));
    EXPECT_DOUBLE_EQ(model.dynamicScale(800.0), 1.0);
    EXPECT_DOUBLE_EQ(model.dynamicScale(704.0), 0.77); // 0.88 V_min
    // Linear between 720 mV (0.80) and 704 mV (0.77): 712 mV -> 0.785.
    EXPECT_NEAR(model.dynamicScale(712.0), 0.785, 1e-12);
    EXPECT_NEAR(model.readEnergyPj(676.0, 8), 10.0 * 0.70 / 8.0, 1e-12);
    EXPECT_THROW(model.dynamicScale(600.0), voltsim::InputError);
    EXPECT_THROW(model.dynamicScale(900.0), voltsim::InputError);
}

TEST(SramEnergyModel, ExponentialLeakage)
{
    const SramEnergyModel model(loadProfile("stutz2021-14nm")); // 1 uW, exp((V - 800)/178.5)
    EXPECT_DOUBLE_EQ(model.leakagePowerUw(800.0), 1.0);
    // Yang and Murmann: 280 mV lower supply, 4.8x lower leakage.
    EXPECT_NEAR(model.leakagePowerUw(520.0), 1.0 / 4.8, 0.001);
}

TEST(SramEnergyModel, PricesBankCountersOffline)
{
    const SramEnergyModel model(loadProfile("salami2018-vc707"));
    SramStats stats;
    stats.reads = 3;
    stats.bytesRead = 24;   // 192 bits = 3 x 64
    stats.bytesWritten = 8; // 64 bits
    const SramEnergy energy = model.bankEnergy(stats, 1000.0, 2.0e-6);
    EXPECT_DOUBLE_EQ(energy.readPj, 30.0);
    EXPECT_DOUBLE_EQ(energy.writePj, 10.0);
    EXPECT_DOUBLE_EQ(energy.leakagePj, 2.0); // 1 uW x 2 us = 2 pJ
    EXPECT_DOUBLE_EQ(energy.totalPj(), 42.0);
}

TEST(SramEnergyModel, LeakageTable)
{
    nlohmann::json document = voltsim::test::shippedProfileJson("uniform");
    document["leakage"] = {
        {"power_uw_per_bank", 2.0}, {"scaling", "table"}, {"points", {{800, 1.0}, {600, 0.5}}}};
    const SramEnergyModel model(parseProfile(document, "leak"));
    EXPECT_DOUBLE_EQ(model.leakagePowerUw(700.0), 1.5);
}
