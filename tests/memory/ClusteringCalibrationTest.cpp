// Calibrating a clustered stuck-at profile on a measured map: the map's statistics by hand, the
// calibration formula by hand, and a chip of the calibrated profile reproducing the statistic.
#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/ClusteringCalibration.hpp"
#include "voltsim/memory/FaultMapImport.hpp"
#include "voltsim/memory/SramChip.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using namespace voltsim::memory;
using voltsim::test::shared;

namespace {

SramProfile ibmExample()
{
    ImportOptions options;
    options.name = "ibm-example";
    return importIbmMaps(voltsim::test::sourceDir() + "/memory/profiles/examples/ibm-example", options);
}

/// Share of a chip's active faulty cells with another active one in the same bank row.
double chipRowSharing(const SramChip& chip)
{
    const std::uint32_t width = chip.geometry().bank.wordBits;
    std::map<std::uint64_t, std::uint64_t> perRow;
    std::uint64_t faults = 0;
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b)
        for (const auto& cell : chip.cells(b))
            if (chip.isActive(b, cell)) {
                ++perRow[std::uint64_t{b} << 32 | cell.bit / width];
                ++faults;
            }
    std::uint64_t sharing = 0;
    for (const auto& entry : perRow)
        sharing += entry.second > 1 ? entry.second : 0;
    return static_cast<double>(sharing) / static_cast<double>(faults);
}

} // namespace

TEST(ClusteringCalibration, IbmExampleStatisticsByHand)
{
    // memory/profiles/examples/ibm-example at 600 mV: stuck at 0 (row, column) (1,2) (3,0) (7,15),
    // stuck at 1 (0,4) (5,9) (2,8): six rows and six columns, all distinct, so no fault shares a
    // row or a column. At 650 mV: (1,2) (5,9) (2,8).
    const SramProfile profile = ibmExample();
    const MapClusterStats at600 = mapClusterStats(*profile.faultMap, 600.0);
    EXPECT_EQ(at600.cells, 128u);
    EXPECT_EQ(at600.faults, 6u);
    EXPECT_EQ(at600.stuckAt0, 3u);
    EXPECT_EQ(at600.rowSharing, 0.0);
    EXPECT_EQ(at600.columnSharing, 0.0);
    EXPECT_EQ(mapClusterStats(*profile.faultMap, 650.0).faults, 3u);
    EXPECT_EQ(mapClusterStats(*profile.faultMap, 700.0).faults, 0u);
}

TEST(ClusteringCalibration, SharingOfAHandMap)
{
    // 2 arrays of 8 x 16: array 0 row 0 columns 0, 1, 2 and row 3 column 5; array 1 row 0 column 0
    // and row 4 column 0. Rows: 3 of 6 share (array 0 row 0). Columns: array 1 column 0 holds 2,
    // array 0 column 0 only 1 (arrays are apart): 2 of 6.
    FaultMap map;
    map.arrays = 2;
    map.rows = 8;
    map.columns = 16;
    map.measuredMv = {600.0};
    for (const auto& [array, row, column] :
         {std::tuple{0u, 0u, 0u}, {0u, 0u, 1u}, {0u, 0u, 2u}, {0u, 3u, 5u}, {1u, 0u, 0u}, {1u, 4u, 0u}})
        map.cells.push_back({array, row, column, 600.0, 1});
    const MapClusterStats stats = mapClusterStats(map, 600.0);
    EXPECT_EQ(stats.faults, 6u);
    EXPECT_DOUBLE_EQ(stats.rowSharing, 3.0 / 6.0);
    EXPECT_DOUBLE_EQ(stats.columnSharing, 2.0 / 6.0);
    EXPECT_EQ(stats.stuckAt0, 0u);
}

TEST(ClusteringCalibration, WeakShareByHand)
{
    // p = 0.01, rows of 64: uniform random expects 1 - exp(-63 x 0.01) = 0.4674 sharing.
    EXPECT_NEAR(expectedLineSharing(0.01, 64, 1.0), 0.46741, 1e-5);
    // Sharing 0.9: share = 63 x 0.01 / -ln(0.1) = 0.63 / 2.302585 = 0.2736055.
    EXPECT_NEAR(calibrateWeakShare(0.9, 0.01, 64, 512), 0.2736055, 1e-6);
    EXPECT_NEAR(expectedLineSharing(0.01, 64, calibrateWeakShare(0.9, 0.01, 64, 512)), 0.9, 1e-12);
    // At or below the uniform expectation (the ibm example: 0 sharing): no clustering.
    EXPECT_EQ(calibrateWeakShare(0.4, 0.01, 64, 512), 1.0);
    EXPECT_EQ(calibrateWeakShare(0.0, 0.01, 64, 512), 1.0);
    // Every fault sharing: the fewest lines allowed, max(p, 1 / lines) = max(0.01, 1/512).
    EXPECT_EQ(calibrateWeakShare(1.0, 0.01, 64, 512), 0.01);
    EXPECT_EQ(calibrateWeakShare(0.5, 0.0, 64, 512), 1.0); // no faults
}

TEST(ClusteringCalibration, AChipOfTheCalibratedProfileReproducesTheStatistic)
{
    // Target: 80 % of faults share a 64-bit row at p = 0.002 (uniform random: 1 - exp(-0.126) =
    // 11.8 %). share = 63 x 0.002 / -ln(0.2) = 0.0783; a chip of 4 x 8192 rows holds about
    // 4200 faulty cells, whose sharing must come out at 0.80 (the exact binomial 1 - (1 - p /
    // share)^63 = 0.804 differs from the Poisson form by 0.004; sampling adds about 0.01).
    const double p = 0.002;
    const double share = calibrateWeakShare(0.8, p, 64, 8192);
    EXPECT_NEAR(share, 0.078289, 1e-6);
    SramProfile profile = loadProfile("stutz2021-14nm");
    profile.faultSemantics = "stuck_at";
    profile.clustering.weakRowShare = share;
    profile.clustering.weakRowFactor = 1.0 / share * (1.0 - 1e-15);
    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {4, {8192, 64}};
    SramChip chip(shared(profile), 5, options);
    chip.setOperatingPoint(OperatingPoint::atRate(p));
    const double n = static_cast<double>(chip.faultCounts().cells);
    // Mean rate p within 99.9 % binomial bounds, widened 5x for the clustering (a row is weak or not).
    EXPECT_NEAR(static_cast<double>(chip.faultCounts().faultyCells), n * p,
                5.0 * voltsim::test::binomialHalfWidth999(n, p));
    EXPECT_NEAR(chipRowSharing(chip), 0.80, 0.03);
}

TEST(ClusteringCalibration, ProfileFromTheIbmExample)
{
    // The example map shares no row or column, so the calibrated profile has no clustering; its
    // stuck-at-0 share is the measured 3 of 6.
    const SramProfile measured = ibmExample();
    const SramProfile own = calibrateOnMap(measured, measured, std::nullopt, "ibm-statistical");
    EXPECT_EQ(own.faultSemantics, "stuck_at");
    EXPECT_FALSE(own.faultMap);
    EXPECT_EQ(own.stuckAt0Share, 0.5);
    EXPECT_FALSE(own.clustering.enabled());
    EXPECT_EQ(own.berPoints.size(), measured.berPoints.size());
    EXPECT_NE(own.source.find("6 of 128 cells faulty at 600 mV (3 stuck at 0)"), std::string::npos)
        << own.source;
    // On a base profile: its curve and geometry, the map's stuck share.
    const SramProfile onStutz = calibrateOnMap(measured, loadProfile("stutz2021-14nm"), 650.0, "s");
    EXPECT_EQ(onStutz.berPoints.size(), 6u);
    EXPECT_EQ(onStutz.geometry.bank.wordBits, 64u);
    EXPECT_NEAR(onStutz.stuckAt0Share, 1.0 / 3.0, 1e-15); // at 650 mV: (1,2) stuck at 0 of three
    // No map, or no fault at the voltage: errors.
    EXPECT_THROW(calibrateOnMap(loadProfile("stutz2021-14nm"), measured, std::nullopt, "x"),
                 voltsim::InputError);
    EXPECT_THROW(calibrateOnMap(measured, measured, 700.0, "x"), voltsim::InputError);
}
