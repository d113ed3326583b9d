#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using namespace voltsim::memory;
using voltsim::InputError;

TEST(SramProfile, ShippedProfilesLoadByName)
{
    const auto names = shippedProfileNames();
    for (const std::string expected : {"salami2018-vc707", "stutz2021-14nm", "uniform"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    for (const auto& name : names) {
        const SramProfile profile = loadProfile(name);
        EXPECT_EQ(profile.name, name);
        EXPECT_FALSE(profile.source.empty());
    }
}

TEST(SramProfile, StutzTableIsThePaperCurveAtEightHundredMillivolts)
{
    const SramProfile profile = loadProfile("stutz2021-14nm");
    EXPECT_EQ(profile.vMinMv, 800.0);
    // The reference curve (V/V_min, p): 0.9 -> 4e-4, 0.88 -> 1e-3, 0.845 -> 1e-2, 0.76 -> 0.2.
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(profile.voltageFromRelative(0.9)), 4e-4);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(profile.voltageFromRelative(0.88)), 1e-3);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(profile.voltageFromRelative(0.845)), 1e-2);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(profile.voltageFromRelative(0.76)), 0.2);
    EXPECT_EQ(profile.geometry.banks, 32u);
    EXPECT_EQ(profile.geometry.bank.rows, 512u);
    EXPECT_EQ(profile.geometry.bank.wordBits, 64u);
}

TEST(SramProfile, LogLinearInterpolationBetweenPoints)
{
    const SramProfile profile = loadProfile("stutz2021-14nm");
    // 740 mV lies 24/44 of the way from 764 mV (2e-6) to 720 mV (4e-4): p = 2e-6 * 200^(24/44).
    EXPECT_NEAR(profile.bitErrorRate(740.0), 2e-6 * std::pow(200.0, 24.0 / 44.0), 1e-15);
    // Halfway between 704 mV (1e-3) and 676 mV (1e-2): the geometric mean.
    EXPECT_NEAR(profile.bitErrorRate(690.0), std::sqrt(1e-3 * 1e-2), 1e-15);
    // Between V_min (rate 0) and the first point: log-linear is undefined, the worse point holds.
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(790.0), 2e-6);
}

TEST(SramProfile, WorseNeighbourInterpolation)
{
    const SramProfile profile = loadProfile("salami2018-vc707");
    EXPECT_EQ(profile.bitErrorRate(610.0), 0.0);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(609.0), 1.05e-7);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(595.0), 6.32e-7);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(540.0), 6.24e-4);
    EXPECT_EQ(profile.bitErrorRate(1000.0), 0.0);
}

TEST(SramProfile, NoExtrapolationBelowTheLastPoint)
{
    const SramProfile salami = loadProfile("salami2018-vc707");
    EXPECT_THROW(salami.bitErrorRate(539.9), InputError);
    const SramProfile stutz = loadProfile("stutz2021-14nm");
    EXPECT_THROW(stutz.bitErrorRate(600.0), InputError);
    EXPECT_THROW(stutz.bitErrorRate(-1.0), InputError);
}

TEST(SramProfile, UniformHasNoVoltageAxisBelowVmin)
{
    const SramProfile uniform = loadProfile("uniform");
    EXPECT_EQ(uniform.berKind, BerKind::Uniform);
    EXPECT_EQ(uniform.bitErrorRate(800.0), 0.0);
    EXPECT_THROW(uniform.bitErrorRate(700.0), InputError);
    EXPECT_DOUBLE_EQ(uniform.maxBitErrorRate(), 0.1);
}

TEST(SramProfile, ZeroRateAtAndAboveVmin)
{
    for (const auto& name : shippedProfileNames()) {
        const SramProfile profile = loadProfile(name);
        for (double v = profile.vMinMv; v <= profile.vNomMv + 100.0; v += 5.0)
            EXPECT_EQ(profile.bitErrorRate(v), 0.0) << name << " at " << v;
    }
}

TEST(SramProfile, JsonRoundTrip)
{
    for (const auto& name : shippedProfileNames()) {
        const SramProfile profile = loadProfile(name);
        const SramProfile again = parseProfile(profileToJson(profile), "roundtrip");
        EXPECT_EQ(profileToJson(again), profileToJson(profile)) << name;
    }
}

TEST(SramProfile, NameOrFileResolution)
{
    const std::string path = voltsim::test::sourceDir() + "/memory/profiles/uniform.json";
    // Found through the data directory: build/share/voltsim/profiles, a symlink to memory/profiles.
    EXPECT_TRUE(std::filesystem::equivalent(resolveProfilePath("uniform"), path));
    EXPECT_EQ(resolveProfilePath(path), path);
    try {
        resolveProfilePath("no-such-profile");
        FAIL();
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("stutz2021-14nm"), std::string::npos);
    }
    EXPECT_THROW(resolveProfilePath("/nonexistent/x.json"), InputError);
}
