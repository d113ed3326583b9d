// Chip-to-chip and bank-to-bank V_min variation: offsets from the seed, shifted fault rates,
// nesting per chip, and zero sigma giving exactly the chips without variation.
#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/Variation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace voltsim::memory;
using voltsim::test::activeCells;
using voltsim::test::binomialHalfWidth999;
using voltsim::test::shared;
using voltsim::test::shippedProfileJson;

namespace {

/// stutz2021-14nm with a variation block.
SramProfile stutzWith(double chipSigmaMv, double bankSigmaMv)
{
    auto document = shippedProfileJson("stutz2021-14nm");
    document["variation"] = {{"chip_sigma_mv", chipSigmaMv}, {"bank_sigma_mv", bankSigmaMv}};
    return parseProfile(document, "stutz-variation.json");
}

/// 8 banks of 512 x 64 bits (256 Kbit).
ChipOptions smallChip()
{
    return voltsim::test::chipGeometry(8, 512, 64);
}

std::string errorOf(const nlohmann::json& document)
{
    try {
        parseProfile(document, "p.json");
    } catch (const voltsim::InputError& error) {
        return error.what();
    }
    return "";
}

/// The stutz2021-14nm rate by hand: log10 p linear between (764, 2e-6), (720, 4e-4), (704, 1e-3),
/// (676, 1e-2), (608, 0.2); 2e-6 (the worse neighbour) between 764 mV and V_min = 800 mV.
double stutzRate(double voltageMv)
{
    const double points[][2] = {{764.0, 2e-6}, {720.0, 4e-4}, {704.0, 1e-3}, {676.0, 1e-2}, {608.0, 0.2}};
    if (voltageMv >= 800.0)
        return 0.0;
    if (voltageMv >= 764.0)
        return 2e-6;
    for (std::size_t i = 1; i < 5; ++i)
        if (voltageMv >= points[i][0]) {
            const double t = (points[i - 1][0] - voltageMv) / (points[i - 1][0] - points[i][0]);
            return std::pow(10.0, std::log10(points[i - 1][1]) +
                                      t * (std::log10(points[i][1]) - std::log10(points[i - 1][1])));
        }
    return 0.2;
}

/// Mean and (n - 1) standard deviation.
std::pair<double, double> meanAndStd(const std::vector<double>& values)
{
    double sum = 0.0;
    for (const double v : values)
        sum += v;
    const double mean = sum / static_cast<double>(values.size());
    double squares = 0.0;
    for (const double v : values)
        squares += (v - mean) * (v - mean);
    return {mean, std::sqrt(squares / static_cast<double>(values.size() - 1))};
}

} // namespace

TEST(Variation, ZeroSigmaGivesExactlyTheChipsWithoutVariation)
{
    const auto plain = shared(loadProfile("stutz2021-14nm"));
    const auto zero = shared(stutzWith(0.0, 0.0));
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
        SramChip a(plain, seed, smallChip());
        SramChip b(zero, seed, smallChip());
        EXPECT_EQ(b.chipOffsetMv(), 0.0);
        for (const double voltage : {764.0, 710.0, 676.0, 608.0}) {
            a.setOperatingPoint(OperatingPoint::atVoltage(voltage));
            b.setOperatingPoint(OperatingPoint::atVoltage(voltage));
            EXPECT_EQ(activeCells(a), activeCells(b)) << voltage;
        }
    }
    // Zero sigmas are not written back: the profile's JSON is the one without the block.
    EXPECT_EQ(profileToJson(*zero).count("variation"), 0u);
}

TEST(Variation, OffsetsAreNormalWithTheGivenSigma)
{
    // 4000 chips at sigma 15 mV: the mean lies within 3.29 x 15 / sqrt(4000) = 0.78 mV of 0 and
    // the standard deviation within 3.29 x 15 / sqrt(2 x 3999) = 0.55 mV of 15 (99.9 % intervals);
    // 2.5 % of a normal lies above 1.96 sigma: 100 of 4000, +-3.29 x sqrt(4000 x 0.025 x 0.975).
    const Variation variation{15.0, 4.0};
    std::vector<double> chips;
    std::vector<double> banks;
    std::size_t above = 0;
    for (std::uint64_t seed = 0; seed < 4000; ++seed) {
        chips.push_back(chipOffsetMv(variation, seed));
        banks.push_back(bankOffsetMv(variation, seed, static_cast<std::uint32_t>(seed % 32)));
        above += chips.back() > 1.96 * 15.0 ? 1 : 0;
    }
    const auto [chipMean, chipStd] = meanAndStd(chips);
    EXPECT_NEAR(chipMean, 0.0, 0.78);
    EXPECT_NEAR(chipStd, 15.0, 0.55);
    EXPECT_NEAR(static_cast<double>(above), 100.0, 3.29 * std::sqrt(4000 * 0.025 * 0.975));
    // Banks: sigma 4 mV, intervals scaled by 4/15; uncorrelated with the chip offsets
    // (|r| < 3.29 / sqrt(4000) = 0.052).
    const auto [bankMean, bankStd] = meanAndStd(banks);
    EXPECT_NEAR(bankMean, 0.0, 0.21);
    EXPECT_NEAR(bankStd, 4.0, 0.15);
    double covariance = 0.0;
    for (std::size_t i = 0; i < chips.size(); ++i)
        covariance += (chips[i] - chipMean) * (banks[i] - bankMean);
    EXPECT_LT(std::abs(covariance / (3999.0 * chipStd * bankStd)), 0.052);
    // Same seed, same offset; zero sigma, exactly zero.
    EXPECT_EQ(chipOffsetMv(variation, 7), chipOffsetMv(variation, 7));
    EXPECT_EQ(chipOffsetMv(Variation{0.0, 4.0}, 7), 0.0);
    EXPECT_EQ(bankOffsetMv(Variation{15.0, 0.0}, 7, 3), 0.0);
}

TEST(Variation, AChipAtVIsThePlainChipAtVMinusItsOffset)
{
    // Cells are drawn without the variation, so a chip with offset d at V activates exactly the
    // cells of the same seed's plain chip at V - d (bank offsets 0 here).
    const auto plain = shared(loadProfile("stutz2021-14nm"));
    const auto varied = shared(stutzWith(15.0, 0.0));
    for (const std::uint64_t seed : {11u, 12u, 13u, 14u}) {
        SramChip chip(varied, seed, smallChip());
        const double offset = chip.chipOffsetMv();
        ASSERT_LT(std::abs(offset), 60.0); // 4 sigma: V - d stays inside the table
        SramChip reference(plain, seed, smallChip());
        chip.setOperatingPoint(OperatingPoint::atVoltage(700.0));
        reference.setOperatingPoint(OperatingPoint::atVoltage(700.0 - offset));
        EXPECT_EQ(activeCells(chip), activeCells(reference)) << seed;
        for (std::uint32_t b = 0; b < chip.bankCount(); ++b)
            EXPECT_EQ(chip.voltageOffsetMv(b), offset);
    }
}

TEST(Variation, TwoChipsDifferByTheirShiftedRates)
{
    // At 704 mV (p = 1e-3) the stutz curve falls by a decade per 28 mV (704 -> 676 mV), so chips
    // 15 mV apart differ by 10^(15/28) = 3.4x. Each chip's count is Binomial(cells, p(704 - d)),
    // p from the stutz table written out here (log-linear between points).
    const auto varied = shared(stutzWith(15.0, 0.0));
    const ChipOptions options = voltsim::test::chipGeometry(8, 2048, 64); // 1 Mbit
    std::vector<std::uint64_t> counts;
    for (const std::uint64_t seed : {101u, 102u, 103u}) {
        SramChip chip(varied, seed, options);
        chip.setOperatingPoint(OperatingPoint::atVoltage(704.0));
        const double p = stutzRate(704.0 - chip.chipOffsetMv());
        const double n = static_cast<double>(chip.faultCounts().cells);
        EXPECT_NEAR(static_cast<double>(chip.faultCounts().faultyCells), n * p, binomialHalfWidth999(n, p))
            << seed << " offset " << chip.chipOffsetMv();
        counts.push_back(chip.faultCounts().faultyCells);
    }
    EXPECT_NE(counts[0], counts[1]);
    EXPECT_NE(counts[1], counts[2]);
}

TEST(Variation, FaultsStayNestedPerChipWithChipAndBankOffsets)
{
    const auto varied = shared(stutzWith(15.0, 5.0));
    for (const std::uint64_t seed : {3u, 4u}) {
        SramChip chip(varied, seed, smallChip());
        std::vector<std::uint64_t> previous;
        for (const double voltage : {799.0, 764.0, 730.0, 720.0, 704.0, 690.0, 676.0, 640.0, 608.0}) {
            chip.setOperatingPoint(OperatingPoint::atVoltage(voltage));
            const auto current = activeCells(chip);
            EXPECT_TRUE(std::includes(current.begin(), current.end(), previous.begin(), previous.end()))
                << voltage;
            previous = current;
        }
        // Banks differ: their offsets are the chip's plus their own.
        EXPECT_NE(chip.voltageOffsetMv(0), chip.voltageOffsetMv(1));
    }
}

TEST(Variation, NominalIsErrorFreeAndTheTableEndIsNotExtrapolated)
{
    // V_nom = 800 mV: error-free for every chip. A chip shifted below the lowest point (608 mV)
    // gets the last rate: with a 100 mV sigma almost every chip is clamped at 608 mV.
    const auto varied = shared(stutzWith(100.0, 0.0));
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        SramChip chip(varied, seed, smallChip());
        chip.setOperatingPoint(OperatingPoint::atVoltage(800.0));
        EXPECT_EQ(chip.faultCounts().faultyCells, 0u);
        EXPECT_EQ(chip.shiftedVoltageMv(0, 800.0), 800.0);
        const double shifted = chip.shiftedVoltageMv(0, 620.0);
        EXPECT_GE(shifted, 608.0);
        EXPECT_LE(shifted, 800.0);
        EXPECT_EQ(shifted, std::min(800.0, std::max(608.0, 620.0 - chip.chipOffsetMv())));
        chip.setOperatingPoint(OperatingPoint::atVoltage(620.0)); // never throws
    }
    // The supply itself must still be inside the profile.
    SramChip chip(varied, 1, smallChip());
    EXPECT_THROW(chip.setOperatingPoint(OperatingPoint::atVoltage(600.0)), voltsim::InputError);
}

TEST(Variation, ARateSetDirectlyIsNotShifted)
{
    const auto plain = shared(loadProfile("stutz2021-14nm"));
    const auto varied = shared(stutzWith(15.0, 5.0));
    SramChip a(plain, 9, smallChip());
    SramChip b(varied, 9, smallChip());
    a.setOperatingPoint(OperatingPoint::atRate(0.01));
    b.setOperatingPoint(OperatingPoint::atRate(0.01));
    EXPECT_EQ(activeCells(a), activeCells(b));
}

TEST(Variation, BadInputNamesTheKey)
{
    auto document = shippedProfileJson("stutz2021-14nm");
    document["variation"] = {{"chip_sigma_mv", -1.0}, {"bank_sigma_mv", 0.0}};
    EXPECT_NE(errorOf(document).find("p.json: variation.chip_sigma_mv:"), std::string::npos)
        << errorOf(document);
    document["variation"] = {{"chip_sigma_mv", 1.0}, {"bank_sigma_mv", -2.0}};
    EXPECT_NE(errorOf(document).find("variation.bank_sigma_mv"), std::string::npos);
    document["variation"] = {{"chip_sigma_mv", 1.0}};
    EXPECT_NE(errorOf(document).find("variation.bank_sigma_mv: missing required key"), std::string::npos);
    document["variation"] = {{"chip_sigma_mv", 1.0}, {"bank_sigma_mv", 0.0}, {"sigma", 1}};
    EXPECT_NE(errorOf(document).find("variation.sigma"), std::string::npos);
    auto uniform = shippedProfileJson("uniform");
    uniform["variation"] = {{"chip_sigma_mv", 1.0}, {"bank_sigma_mv", 0.0}};
    EXPECT_NE(errorOf(uniform).find("variation: needs a bit_error_rate table"), std::string::npos)
        << errorOf(uniform);
}

TEST(Variation, RoundTripsThroughJson)
{
    const SramProfile profile = stutzWith(15.0, 2.5);
    const SramProfile again = parseProfile(profileToJson(profile), "again.json");
    EXPECT_EQ(again.variation.chipSigmaMv, 15.0);
    EXPECT_EQ(again.variation.bankSigmaMv, 2.5);
}

TEST(Variation, AMapChipIsShiftedToTheMeasuredPointsAndStaysNested)
{
    // A map measured at 650 and 600 mV (V_min 700): 1 cell failing from 650 mV, 2 more from 600.
    // Chip sigma 20 mV: a chip with offset d at 640 mV reads the map at 640 - d, rounded down to a
    // measured point (the worse one): 650 mV (1 faulty cell) when 640 - d >= 650, else 600 mV (3).
    auto document = nlohmann::json::parse(R"({"format": "voltsim-sram-profile", "version": 1, "name": "m",
        "source": "test", "technology": "test", "voltage_nom_mv": 700, "voltage_min_mv": 700,
        "geometry": {"arrays": 1, "rows": 8, "word_bits": 8},
        "bit_error_rate": {"kind": "table", "interpolation": "worse", "points": [[700, 0], [650, 0.015625], [600, 0.046875]]},
        "fault_semantics": "map", "stuck_at_0_share": 0.5,
        "variation": {"chip_sigma_mv": 20, "bank_sigma_mv": 0},
        "energy": {"read_pj_64bit": 1, "write_pj_64bit": 1, "scaling": "v2"},
        "leakage": {"power_uw_per_bank": 1, "scaling": "exponential", "scale_mv": 100},
        "fault_map": {"placement": "as_measured", "arrays": 1, "rows": 8, "columns": 8,
                      "measured_voltages_mv": [650, 600], "cells": [[0, 1, 1, 650, 0], [0, 2, 2, 600, 1], [0, 3, 3, 600, 0]]}})");
    const auto profile = shared(parseProfile(document, "m.json"));
    std::size_t stronger = 0;
    std::size_t weaker = 0;
    for (std::uint64_t seed = 0; seed < 40; ++seed) {
        SramChip chip(profile, seed, voltsim::test::chipGeometry(1, 8, 8));
        const double shifted = 640.0 - chip.chipOffsetMv();
        chip.setOperatingPoint(OperatingPoint::atVoltage(640.0));
        const std::uint64_t expected = shifted >= 700.0 ? 0 : shifted >= 650.0 ? 1 : 3;
        EXPECT_EQ(chip.faultCounts().faultyCells, expected) << seed << " offset " << chip.chipOffsetMv();
        (expected == 3 ? weaker : stronger) += 1;
        std::vector<std::uint64_t> previous;
        for (const double voltage : {699.0, 660.0, 640.0, 620.0, 600.0}) {
            chip.setOperatingPoint(OperatingPoint::atVoltage(voltage));
            const auto current = activeCells(chip);
            EXPECT_TRUE(std::includes(current.begin(), current.end(), previous.begin(), previous.end()));
            previous = current;
        }
    }
    // P(640 - d >= 650) = P(z <= -0.5) = 0.31 of 40 chips: both kinds occur.
    EXPECT_GT(stronger, 0u);
    EXPECT_GT(weaker, 0u);
}
