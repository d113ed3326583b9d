// Importing the shipped example maps; counts derived by hand in memory/profiles/examples/README.md.
#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/FaultMapImport.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/SramEnergyModel.hpp"

#include <cmath>
#include <functional>
#include <set>
#include <utility>

#include <gtest/gtest.h>

using namespace voltsim::memory;
using voltsim::InputError;
using voltsim::test::TempDir;

namespace {

std::string examples()
{
    return voltsim::test::sourceDir() + "/memory/profiles/examples";
}

ImportOptions named(const std::string& name)
{
    ImportOptions options;
    options.name = name;
    return options;
}

std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

/// The imported ibm-example: placement per_seed, or as_measured (chips hold the map exactly as measured).
std::shared_ptr<const SramProfile> ibmExample(MapPlacement placement = MapPlacement::PerSeed)
{
    SramProfile profile = importIbmMaps(examples() + "/ibm-example", named("t"));
    profile.faultMap->placement = placement;
    return std::make_shared<const SramProfile>(profile);
}

std::shared_ptr<const SramProfile> ibmExampleAsMeasured()
{
    return ibmExample(MapPlacement::AsMeasured);
}

/// (bank << 32 | bit, stuck value) of every cell of `chip` active at its operating point.
std::set<std::pair<std::uint64_t, int>> activeCells(const SramChip& chip)
{
    std::set<std::pair<std::uint64_t, int>> active;
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b)
        for (const auto& cell : chip.cells(b))
            if (chip.isActive(b, cell))
                active.insert({std::uint64_t{b} << 32 | cell.bit, cell.stuckValue});
    return active;
}

/// One 8 x 16 map pair for voltage text `v` with the given 0/1 rows.
void writePair(const TempDir& dir, const std::string& v, const std::string& sa0, const std::string& sa1)
{
    dir.write("fmap_sa0_v_" + v + ".txt", sa0);
    dir.write("fmap_sa1_v_" + v + ".txt", sa1);
}

} // namespace

TEST(FaultMapImport, IbmExampleByHand)
{
    const SramProfile profile = importIbmMaps(examples() + "/ibm-example", named("ibm-example"));
    ASSERT_TRUE(profile.faultMap);
    const FaultMap& map = *profile.faultMap;
    EXPECT_EQ(map.rows, 8u);
    EXPECT_EQ(map.columns, 16u);
    EXPECT_EQ(map.measuredMv, (std::vector<double>{700.0, 650.0, 600.0}));
    EXPECT_EQ(profile.vMinMv, 700.0); // the 0.70 V map is empty
    EXPECT_EQ(map.cells.size(), 6u);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(650.0), 3.0 / 128.0);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(600.0), 6.0 / 128.0);
    EXPECT_DOUBLE_EQ(profile.stuckAt0Share, 0.5);
    EXPECT_EQ(profile.faultSemantics, "map");
    // Energy from stutz2021-14nm re-based at V_nom = 700 mV: 10 pJ x 0.76 (linear between 704 mV
    // at 0.77 and 676 mV at 0.70), and the same absolute energy as the base at 704 mV.
    const SramEnergyModel energy(profile);
    EXPECT_NEAR(energy.readEnergyPj(700.0, 64), 7.6, 1e-12);
    EXPECT_NEAR(energy.readEnergyPj(704.0, 64), 7.7, 1e-12);
    EXPECT_NEAR(energy.leakagePowerUw(700.0), std::exp(-100.0 / 178.5), 1e-12);
    EXPECT_EQ(map.placement, MapPlacement::PerSeed);

    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {1, {8, 16}};
    SramChip chip(ibmExampleAsMeasured(), 0, options);
    chip.setOperatingPoint(
        OperatingPoint::atVoltage(620.0)); // between measured points: the worse one, 600 mV
    FaultCounts counts = chip.faultCounts();
    EXPECT_EQ(counts.faultyCells, 6u);
    EXPECT_EQ(counts.stuckAt0, 3u);
    // Cell (row 2, column 8) is stuck at 1 from 650 mV on, though absent from the 600 mV file.
    std::uint8_t byte = 0;
    chip.bank(0).read((2 * 16 + 8) / 8, &byte, 1);
    EXPECT_EQ(byte & 1u, 1u);
    chip.setOperatingPoint(OperatingPoint::atVoltage(650.0));
    EXPECT_EQ(chip.faultCounts().faultyCells, 3u);
    chip.setOperatingPoint(OperatingPoint::atVoltage(700.0));
    EXPECT_EQ(chip.faultCounts().faultyCells, 0u);
    EXPECT_THROW(chip.setOperatingPoint(OperatingPoint::atVoltage(599.0)),
                 InputError); // below the measured range
}

TEST(FaultMapImport, MapIsTiledOverLargerChips)
{
    const auto profile = ibmExampleAsMeasured();
    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {3, {8, 32}}; // 3 x 256 bits = 6 copies of the 128-bit map
    SramChip chip(profile, 0, options);
    chip.setOperatingPoint(OperatingPoint::atVoltage(600.0));
    EXPECT_EQ(chip.faultCounts().faultyCells, 36u);
    // Map bit 1 * 16 + 2 = 18 (stuck at 0) repeats every 128 chip bits: bank 1 bits 18 and 146.
    const auto& cells = chip.cells(1);
    const auto has = [&](std::uint32_t bit) {
        return std::any_of(cells.begin(), cells.end(),
                           [&](const FaultCell& c) { return c.bit == bit && c.stuckValue == 0; });
    };
    EXPECT_TRUE(has(18));
    EXPECT_TRUE(has(146));
}

TEST(FaultMapImport, EachSeedPlacesTheMapElsewhereWithItsFaultCount)
{
    // Banks of 8 x 32 bits hold two whole copies of the 8 x 16 map, so whatever the shift every
    // bank has 2 x 6 faulty cells at 600 mV (6 stuck at 0) and 2 x 3 at 650 mV: 4 banks, 48 and 24.
    const auto profile = ibmExample();
    const ChipOptions options = voltsim::test::chipGeometry(4, 8, 32);
    SramChip first(profile, 1, options);
    SramChip second(profile, 2, options);
    for (SramChip* chip : {&first, &second}) {
        chip->setOperatingPoint(OperatingPoint::atVoltage(650.0));
        EXPECT_EQ(chip->faultCounts().faultyCells, 24u);
        chip->setOperatingPoint(OperatingPoint::atVoltage(600.0));
        EXPECT_EQ(chip->faultCounts().faultyCells, 48u);
        EXPECT_EQ(chip->faultCounts().stuckAt0, 24u);
    }
    EXPECT_NE(activeCells(first), activeCells(second));
    // Same seed, same placement.
    SramChip again(profile, 1, options);
    again.setOperatingPoint(OperatingPoint::atVoltage(600.0));
    EXPECT_EQ(activeCells(again), activeCells(first));
}

TEST(FaultMapImport, PlacementKeepsTheMeasuredRowsAndColumns)
{
    // A shift moves whole rows and columns: the measured cells (row, column) = (1, 2) (stuck at 0
    // from 650 mV, the only such cell) and (0, 4) (stuck at 1 from 600 mV, the only such cell)
    // keep their row distance 1 and column distance 2 (mod 8 and mod 16) in every bank holding one
    // copy of the map.
    SramChip chip(ibmExample(), 5, voltsim::test::chipGeometry(8, 8, 16));
    chip.setOperatingPoint(OperatingPoint::atVoltage(600.0));
    std::set<std::uint32_t> firstBits;
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b) {
        std::uint32_t sa0 = 0;
        std::uint32_t sa1 = 0;
        for (const auto& cell : chip.cells(b)) {
            const bool measuredSa0 = cell.key == -650.0 && cell.stuckValue == 0;
            const bool measuredSa1 = cell.key == -600.0 && cell.stuckValue == 1;
            if (measuredSa0 && sa0 == 0)
                sa0 = cell.bit + 1;
            if (measuredSa1 && sa1 == 0)
                sa1 = cell.bit + 1;
        }
        ASSERT_NE(sa0, 0u);
        ASSERT_NE(sa1, 0u);
        const std::uint32_t rowSa0 = (sa0 - 1) / 16;
        const std::uint32_t rowSa1 = (sa1 - 1) / 16;
        EXPECT_EQ((rowSa0 + 8 - rowSa1) % 8, 1u) << "bank " << b;
        EXPECT_EQ(((sa1 - 1) % 16 + 16 - (sa0 - 1) % 16) % 16, 2u) << "bank " << b;
        firstBits.insert(sa0 - 1);
    }
    EXPECT_GT(firstBits.size(), 1u); // banks are shifted differently
}

TEST(FaultMapImport, CellCsvExampleByHand)
{
    ImportOptions options = named("cells-example");
    options.arrays = 2;
    options.rows = 4;
    options.columns = 16;
    options.vMinMv = 700.0;
    const SramProfile profile = importCellCsv(examples() + "/cells-example.csv", options);
    EXPECT_EQ(profile.faultMap->measuredMv, (std::vector<double>{650.0, 600.0, 550.0}));
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(650.0), 2.0 / 128.0);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(600.0), 3.0 / 128.0);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(550.0), 4.0 / 128.0);
    EXPECT_EQ(profile.bitErrorRate(700.0), 0.0);
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(680.0), 2.0 / 128.0); // worse neighbour of 700..650
    EXPECT_EQ(profile.geometry.banks, 2u);
}

TEST(FaultMapImport, WrittenProfileLoadsAgain)
{
    TempDir dir;
    const SramProfile profile = importIbmMaps(examples() + "/ibm-example", named("again"));
    const std::string path = dir.write("again.json", profileToJson(profile).dump());
    const SramProfile loaded = loadProfile(path);
    EXPECT_EQ(loaded.faultMap->cells.size(), 6u);
    EXPECT_EQ(profileToJson(loaded), profileToJson(profile));
}

TEST(FaultMapImport, MalformedInputsNameFileAndLine)
{
    TempDir dir;
    const std::string zeros = "0,0\n0,0\n";
    writePair(dir, "0.7", zeros, zeros);
    writePair(dir, "0.6", "0,1\n0,x\n", zeros);
    std::string message = errorOf([&] { importIbmMaps(dir.path(""), named("x")); });
    EXPECT_NE(message.find("fmap_sa0_v_0.6.txt:2: expected 0 or 1"), std::string::npos) << message;

    writePair(dir, "0.6", "0,1\n0,0,0\n", zeros);
    message = errorOf([&] { importIbmMaps(dir.path(""), named("x")); });
    EXPECT_NE(message.find("fmap_sa0_v_0.6.txt:2: 3 columns"), std::string::npos) << message;

    writePair(dir, "0.6", "0,1\n0,0\n", "0,1\n0,0\n");
    message = errorOf([&] { importIbmMaps(dir.path(""), named("x")); });
    EXPECT_NE(message.find("stuck at 0 and"), std::string::npos) << message;

    dir.write("fmap_sa0_v_0.5.txt", zeros);
    message = errorOf([&] { importIbmMaps(dir.path(""), named("x")); });
    EXPECT_NE(message.find("no matching fmap_sa1"), std::string::npos) << message;

    EXPECT_NE(errorOf([&] { importIbmMaps(dir.path("missing"), named("x")); }).find("not a directory"),
              std::string::npos);
}

TEST(FaultMapImport, HighestMeasuredMapWithFaultsNeedsVmin)
{
    TempDir dir;
    writePair(dir, "650",
              "1,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n"
              "0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n",
              "0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n"
              "0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n0,0,0,0,0,0,0,0\n");
    EXPECT_NE(errorOf([&] { importIbmMaps(dir.path(""), named("x")); }).find("--vmin-mv"), std::string::npos);
    ImportOptions options = named("x");
    options.vMinMv = 660.0;
    const SramProfile profile = importIbmMaps(dir.path(""), options);
    EXPECT_EQ(profile.faultMap->measuredMv.front(), 650.0); // 650 given in mV
    EXPECT_DOUBLE_EQ(profile.bitErrorRate(655.0), 1.0 / 64.0);
}

TEST(FaultMapImport, MalformedCsvNamesLineAndField)
{
    TempDir dir;
    ImportOptions options = named("x");
    options.vMinMv = 700.0;
    const std::string header = "array,row,column,failure_mv,stuck_value\n";
    const struct {
        const char* body;
        const char* expected;
    } cases[] = {
        {"0,0,0,650\n", "bad.csv:2: expected 5 fields"},
        {"0,0,64,650,0\n", "bad.csv:2: column 64 is not an integer in [0, 63]"},
        {"0,0,0,650,2\n", "bad.csv:2: stuck_value 2"},
        {"0,0,0,-5,0\n", "bad.csv:2: failure_mv '-5'"},
        {"0,0,0,abc,0\n", "bad.csv:2: failure_mv 'abc'"},
        {"0,0,1,650,0\n0,0,1,600,1\n", "bad.csv:3: cell (array 0, row 0, column 1) listed twice"},
        {"0,0,0,750,0\n", "--vmin-mv: 700"},
    };
    for (const auto& c : cases) {
        const std::string path = dir.write("bad.csv", header + c.body);
        const std::string message = errorOf([&] { importCellCsv(path, options); });
        EXPECT_NE(message.find(c.expected), std::string::npos) << c.body << " -> " << message;
    }
    const std::string noHeader = dir.write("bad.csv", "0,0,0,650,0\n");
    EXPECT_NE(errorOf([&] { importCellCsv(noHeader, options); }).find("bad.csv:1: expected the header"),
              std::string::npos);
}
