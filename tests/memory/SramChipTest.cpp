// Fault statistics and persistence of chips: rates match the profile, faults are nested,
// reproducible and independent per bank.
#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramChip.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <vector>

using namespace voltsim::memory;
using voltsim::test::activeCells;
using voltsim::test::binomialHalfWidth999;
using voltsim::test::shared;

namespace {

/// 4 banks of 8192 x 128 bits: 4 Mbit, enough for tight binomial intervals.
ChipOptions largeChip(const std::string& model = "")
{
    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {4, {8192, 128}};
    options.faultModel = model;
    return options;
}

/// Writes `fill` to every byte, reads every bank back, returns the bits that differ.
std::uint64_t flipsReadingAll(SramChip& chip, std::uint8_t fill)
{
    std::uint64_t flips = 0;
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b) {
        SramArray& bank = chip.bank(b);
        std::vector<std::uint8_t> data(bank.sizeBytes(), fill);
        std::vector<std::uint8_t> out(bank.sizeBytes());
        bank.write(0, data.data(), data.size());
        bank.read(0, out.data(), out.size());
        for (std::size_t i = 0; i < out.size(); ++i)
            flips += static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(out[i] ^ fill)));
    }
    return flips;
}

} // namespace

TEST(SramChip, FaultRateWithinBinomialIntervalAtSeveralVoltages)
{
    const auto profile = shared(loadProfile("stutz2021-14nm"));
    SramChip chip(profile, 11, largeChip());
    const double n = static_cast<double>(chip.geometry().bits());
    for (const double voltage : {720.0, 704.0, 690.0, 676.0, 640.0, 608.0}) {
        chip.setOperatingPoint(OperatingPoint::atVoltage(voltage));
        const double p = profile->bitErrorRate(voltage);
        const FaultCounts counts = chip.faultCounts();
        EXPECT_EQ(counts.cells, chip.geometry().bits());
        EXPECT_NEAR(static_cast<double>(counts.faultyCells), n * p, binomialHalfWidth999(n, p)) << voltage;
        // The random model flips exactly the faulty cells on the read path, whatever is stored.
        EXPECT_EQ(flipsReadingAll(chip, 0x00), counts.faultyCells) << voltage;
        EXPECT_EQ(flipsReadingAll(chip, 0xa5), counts.faultyCells) << voltage;
    }
}

TEST(SramChip, StuckAtRateAndShareWithinBinomialInterval)
{
    const auto profile = shared(loadProfile("salami2018-vc707"));
    SramChip chip(profile, 5, largeChip());
    const double n = static_cast<double>(chip.geometry().bits());
    for (const double voltage : {570.0, 550.0, 540.0}) {
        chip.setOperatingPoint(OperatingPoint::atVoltage(voltage));
        const double p = profile->bitErrorRate(voltage);
        const FaultCounts counts = chip.faultCounts();
        EXPECT_NEAR(static_cast<double>(counts.faultyCells), n * p, binomialHalfWidth999(n, p)) << voltage;
        const double faulty = static_cast<double>(counts.faultyCells);
        EXPECT_NEAR(static_cast<double>(counts.stuckAt0), faulty * 0.5, binomialHalfWidth999(faulty, 0.5));
        EXPECT_EQ(counts.stuckAt0 + counts.stuckAt1, counts.faultyCells);
    }
}

TEST(SramChip, UniformRateSetDirectly)
{
    SramChip chip(shared(loadProfile("uniform")), 3, largeChip());
    const double n = static_cast<double>(chip.geometry().bits());
    for (const double p : {1e-4, 1e-3, 1e-2, 0.1}) {
        chip.setOperatingPoint(OperatingPoint::atRate(p));
        EXPECT_NEAR(static_cast<double>(chip.faultCounts().faultyCells), n * p, binomialHalfWidth999(n, p))
            << p;
    }
    EXPECT_THROW(chip.setOperatingPoint(OperatingPoint::atRate(0.11)), voltsim::InputError);
    EXPECT_THROW(chip.setOperatingPoint(OperatingPoint::atVoltage(700.0)), voltsim::InputError);
}

TEST(SramChip, FaultsAreNestedAcrossVoltages)
{
    for (const std::string model : {"random", "stuck_at"}) {
        SramChip chip(shared(loadProfile("stutz2021-14nm")), 21, largeChip(model));
        std::vector<std::uint64_t> previous;
        for (const double voltage : {764.0, 730.0, 720.0, 704.0, 690.0, 676.0, 608.0}) {
            chip.setOperatingPoint(OperatingPoint::atVoltage(voltage));
            const auto current = activeCells(chip);
            EXPECT_TRUE(std::includes(current.begin(), current.end(), previous.begin(), previous.end()))
                << voltage;
            EXPECT_GE(current.size(), previous.size());
            previous = current;
        }
    }
}

TEST(SramChip, ZeroFaultsAtAndAboveVmin)
{
    for (const auto& name : shippedProfileNames()) {
        const auto profile = shared(loadProfile(name));
        for (const std::string model : {"random", "stuck_at"}) {
            SramChip chip(profile, 1, largeChip(model));
            for (const double voltage : {profile->vMinMv, profile->vMinMv + 1.0, profile->vNomMv}) {
                chip.setOperatingPoint(OperatingPoint::atVoltage(voltage));
                EXPECT_EQ(chip.faultCounts().faultyCells, 0u) << name << " " << voltage;
                EXPECT_EQ(flipsReadingAll(chip, 0x3c), 0u);
            }
        }
    }
}

TEST(SramChip, StuckAtCorruptsOnlyDifferingBits)
{
    SramChip chip(shared(loadProfile("stutz2021-14nm")), 8, largeChip("stuck_at"));
    chip.setOperatingPoint(OperatingPoint::atVoltage(676.0));
    const FaultCounts counts = chip.faultCounts();
    ASSERT_GT(counts.stuckAt0, 1000u);
    ASSERT_GT(counts.stuckAt1, 1000u);
    // All zeros stored: only stuck-at-1 cells read wrong; all ones: only stuck-at-0 cells.
    EXPECT_EQ(flipsReadingAll(chip, 0x00), counts.stuckAt1);
    EXPECT_EQ(flipsReadingAll(chip, 0xff), counts.stuckAt0);
    // Each cell reads its stuck value exactly.
    SramArray& bank = chip.bank(2);
    for (const auto& cell : chip.cells(2)) {
        if (!chip.isActive(2, cell))
            continue;
        std::uint8_t byte = 0;
        bank.read(cell.bit / 8, &byte, 1);
        EXPECT_EQ((byte >> (cell.bit % 8)) & 1u, cell.stuckValue);
    }
}

TEST(SramChip, RandomAndStuckAtShareTheFaultyCellsOfASeed)
{
    const auto profile = shared(loadProfile("stutz2021-14nm"));
    SramChip random(profile, 4, largeChip("random"));
    SramChip stuck(profile, 4, largeChip("stuck_at"));
    random.setOperatingPoint(OperatingPoint::atVoltage(690.0));
    stuck.setOperatingPoint(OperatingPoint::atVoltage(690.0));
    EXPECT_EQ(activeCells(random), activeCells(stuck));
}

TEST(SramChip, SameSeedSameMapOtherSeedOtherMap)
{
    const auto profile = shared(loadProfile("stutz2021-14nm"));
    SramChip a(profile, 1234, largeChip());
    SramChip b(profile, 1234, largeChip());
    SramChip c(profile, 1235, largeChip());
    for (std::uint32_t bank = 0; bank < a.bankCount(); ++bank) {
        ASSERT_EQ(a.cells(bank).size(), b.cells(bank).size());
        for (std::size_t i = 0; i < a.cells(bank).size(); ++i) {
            EXPECT_EQ(a.cells(bank)[i].bit, b.cells(bank)[i].bit);
            EXPECT_EQ(a.cells(bank)[i].key, b.cells(bank)[i].key);
            EXPECT_EQ(a.cells(bank)[i].stuckValue, b.cells(bank)[i].stuckValue);
        }
    }
    a.setOperatingPoint(OperatingPoint::atVoltage(700.0));
    c.setOperatingPoint(OperatingPoint::atVoltage(700.0));
    const auto cellsA = activeCells(a);
    const auto cellsC = activeCells(c);
    std::vector<std::uint64_t> common;
    std::set_intersection(cellsA.begin(), cellsA.end(), cellsC.begin(), cellsC.end(),
                          std::back_inserter(common));
    // Independent maps share about p * |A| cells (here ~ 0.0013 * 5000 = 7), far fewer than |A|.
    EXPECT_LT(common.size(), cellsA.size() / 10);
}

TEST(SramChip, AddingABankLeavesTheOthersUnchanged)
{
    const auto profile = shared(loadProfile("stutz2021-14nm"));
    ChipOptions four = largeChip();
    ChipOptions five = largeChip();
    five.geometry.banks = 5;
    SramChip a(profile, 99, four);
    SramChip b(profile, 99, five);
    for (std::uint32_t bank = 0; bank < 4; ++bank) {
        ASSERT_EQ(a.cells(bank).size(), b.cells(bank).size()) << bank;
        for (std::size_t i = 0; i < a.cells(bank).size(); ++i)
            ASSERT_EQ(a.cells(bank)[i].key, b.cells(bank)[i].key);
    }
    EXPECT_FALSE(b.cells(4).empty());
}

TEST(SramChip, UnusedBitsNeverFault)
{
    SramChip chip(shared(loadProfile("uniform")), 6, largeChip());
    chip.setOperatingPoint(OperatingPoint::atRate(0.05));
    const std::uint64_t allBits = chip.faultCounts().faultyCells;
    chip.setUsedBitsPerByte(0x0f);
    const FaultCounts counts = chip.faultCounts();
    EXPECT_EQ(counts.cells, chip.geometry().bits() / 2);
    EXPECT_NEAR(static_cast<double>(counts.faultyCells), allBits / 2.0, binomialHalfWidth999(allBits, 0.5));
    EXPECT_EQ(flipsReadingAll(chip, 0x00), counts.faultyCells);
    SramArray& bank = chip.bank(0);
    std::vector<std::uint8_t> out(bank.sizeBytes());
    bank.read(0, out.data(), out.size());
    for (const auto byte : out)
        ASSERT_EQ(byte & 0xf0, 0);
}

TEST(SramChip, ClusteringKeepsTheMeanRateAndConcentratesFaults)
{
    nlohmann::json document = voltsim::test::shippedProfileJson("uniform");
    document["clustering"] = {{"weak_row_share", 0.1},
                              {"weak_row_factor", 5.0},
                              {"weak_column_share", 0.0},
                              {"weak_column_factor", 1.0}};
    const auto clustered = shared(parseProfile(document, "clustered"));
    const auto plain = shared(loadProfile("uniform"));
    const double p = 0.01;
    const double rows = 4 * 8192;
    const double width = 128;
    // Row weights w: 5 with probability 0.1, else (1 - 0.5) / 0.9; Var(w) = E[w^2] - 1.
    const double strong = 0.5 / 0.9;
    const double varW = 0.1 * 25.0 + 0.9 * strong * strong - 1.0;
    for (const auto& [profile, dispersionLow, dispersionHigh] :
         {std::tuple{clustered, 2.0, 100.0}, std::tuple{plain, 0.0, 1.1}}) {
        SramChip chip(profile, 17, largeChip());
        chip.setOperatingPoint(OperatingPoint::atRate(p));
        std::vector<double> perRow(static_cast<std::size_t>(rows), 0.0);
        for (std::uint32_t b = 0; b < chip.bankCount(); ++b)
            for (const auto& cell : chip.cells(b))
                if (chip.isActive(b, cell))
                    perRow[b * 8192 + cell.bit / 128] += 1.0;
        double sum = 0.0;
        double sumSquares = 0.0;
        for (const double count : perRow) {
            sum += count;
            sumSquares += count * count;
        }
        const double n = rows * width;
        // Count variance: binomial plus the spread of the drawn row weights (p W)^2 rows Var(w).
        const double extra = profile == clustered ? (p * width) * (p * width) * rows * varW : 0.0;
        EXPECT_NEAR(sum, n * p, 3.2905 * std::sqrt(n * p * (1 - p) + extra));
        const double mean = sum / rows;
        const double dispersion = (sumSquares / rows - mean * mean) / mean;
        EXPECT_GT(dispersion, dispersionLow);
        EXPECT_LT(dispersion, dispersionHigh);
    }
}

TEST(SramChip, UnknownModelListsValidNames)
{
    ChipOptions options;
    options.faultModel = "cosmic";
    try {
        SramChip chip(shared(loadProfile("uniform")), 1, options);
        FAIL();
    } catch (const voltsim::InputError& error) {
        EXPECT_NE(std::string(error.what()).find("none, random, stuck_at, map"), std::string::npos)
            << error.what();
    }
}
