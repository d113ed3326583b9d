// One accelerator, one pricing: `voltsim sweep` and `voltsim run` read the same accelerator
// config and price an inference the same way, so for one model, one accelerator config and one
// weight-SRAM voltage the sweep's cycles, latency, energy and savings are exactly run's (per
// inference, model load excluded), through the real executable.
#include "CliFixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

using nlohmann::json;
using voltsim::test::lines;
using voltsim::test::readFile;
using voltsim::test::splitCsv;

class SweepRunCrossCheck : public voltsim::test::CliFixture {
  protected:
    SweepRunCrossCheck() : CliFixture("voltsim-crosscheck") {}

    /// Sweeps randbet-8bit over `voltagesRel` (a list) with `extra` flags; returns its stats.json.
    json sweep(const std::string& voltagesRel, const std::string& extra)
    {
        EXPECT_EQ(voltsim("sweep --models randbet-8bit --voltages-rel " + voltagesRel +
                          " --chips 1 --images 20 --quiet --no-plots --out sweep " + extra),
                  0)
            << stderrText();
        return json::parse(readFile(m_dir / "sweep" / "stats.json"));
    }

    /// Runs randbet-8bit at `voltageRel` on 300 images in batches of 128 (counts of several
    /// batches, not the sweep's one image) with `extra` flags; returns the summary of stats.json.
    json run(const std::string& voltageRel, const std::string& extra)
    {
        const std::string dir = "run-" + voltageRel;
        EXPECT_EQ(voltsim("run --model " + voltsim::test::modelDir("randbet-8bit") + " --voltage-rel " +
                          voltageRel + " --chips 1 --images 300 --set run.batch_images=128 --out " + dir +
                          " " + extra),
                  0)
            << stderrText();
        return json::parse(readFile(m_dir / dir / "stats.json")).at("summary");
    }

    /// The sweep point at `index` equals run's summary in every cost figure, in stats.json and in
    /// sweep.csv (printed with %.10g).
    void expectSameCost(const json& sweepStats, std::size_t index, const json& runSummary)
    {
        const json& point = sweepStats.at("sweep").at("models").at(0).at("points").at(index);
        const json& energy = runSummary.at("energy_per_inference");
        const double sramPj =
            energy.at("weight_sram_pj").get<double>() + energy.at("weight_sram_leakage_pj").get<double>();
        EXPECT_EQ(point.at("voltage_mv").get<double>(), runSummary.at("voltage_mv").get<double>());
        EXPECT_EQ(point.at("cycles").get<double>(), runSummary.at("cycles_per_inference").get<double>());
        EXPECT_EQ(point.at("latency_us").get<double>(), runSummary.at("latency_us").get<double>());
        EXPECT_EQ(point.at("energy_pj").get<double>(), energy.at("total_pj").get<double>());
        EXPECT_EQ(point.at("sram_energy_pj").get<double>(), sramPj);
        EXPECT_EQ(point.at("energy_saving").get<double>(), runSummary.at("energy_saving").get<double>());
        EXPECT_EQ(point.at("sram_energy_saving").get<double>(),
                  runSummary.at("weight_sram_energy_saving").get<double>());

        const auto row = splitCsv(lines(readFile(m_dir / "sweep" / "sweep.csv")).at(1 + index));
        ASSERT_EQ(row.size(), 20u);
        EXPECT_EQ(row[12], format(energy.at("total_pj").get<double>()));
        EXPECT_EQ(row[13], format(sramPj));
        EXPECT_EQ(row[14], format(runSummary.at("energy_saving").get<double>()));
        EXPECT_EQ(row[15], format(runSummary.at("weight_sram_energy_saving").get<double>()));
        EXPECT_EQ(row[16], format(runSummary.at("cycles_per_inference").get<double>()));
        EXPECT_EQ(row[17], format(runSummary.at("latency_us").get<double>()));
    }

    static std::string format(double value)
    {
        char text[32];
        std::snprintf(text, sizeof text, "%.10g", value);
        return text;
    }
};

} // namespace

TEST_F(SweepRunCrossCheck, DefaultAcceleratorAtVNomAndAtAReducedVoltage)
{
    const json stats = sweep("1.0,0.88", "");
    const json nominal = run("1.0", "");
    const json reduced = run("0.88", "");
    expectSameCost(stats, 0, nominal);
    expectSameCost(stats, 1, reduced);
    // The sweep prices the accelerator of configs/accelerator/default.json: 500 MHz, with DRAM
    // traffic and weight-SRAM leakage.
    EXPECT_EQ(stats.at("config").at("accelerator").at("clock_mhz").get<double>(), 500.0);
    EXPECT_GT(nominal.at("energy_per_inference").at("dram_pj").get<double>(), 0.0);
    EXPECT_GT(reduced.at("energy_saving").get<double>(), 0.0);
}

TEST_F(SweepRunCrossCheck, TheAcceleratorFlagReadsTheFileRunReads)
{
    std::ofstream(out("accel.json")) << R"({"array": {"rows": 32, "cols": 32}, "clock_mhz": 1000,
        "weight_sram": {"interleave_bytes": 64}, "dram": {"energy_pj_per_byte": 20}})";
    const json stats = sweep("0.9", "--accelerator " + out("accel.json"));
    const json summary = run("0.9", "--config " + out("accel.json"));
    expectSameCost(stats, 0, summary);
    EXPECT_EQ(summary.at("clock_mhz").get<double>(), 1000.0);
    EXPECT_EQ(stats.at("config").at("accelerator").at("array").at("rows").get<int>(), 32);
    EXPECT_EQ(stats.at("config").at("accelerator").at("weight_sram").at("interleave_bytes").get<int>(), 64);
}

TEST_F(SweepRunCrossCheck, EverySramOnOneRailCostsAlikeInBoth)
{
    // docs/accelerator.md, "Voltage rails": the buffers follow the weight SRAM's rail in both commands.
    const json stats = sweep("0.88", "--accelerator configs/accelerator/one-rail.json");
    const json summary =
        run("0.88", "--config " + voltsim::test::sourceDir() + "/configs/accelerator/one-rail.json");
    expectSameCost(stats, 0, summary);
    EXPECT_NEAR(summary.at("energy_saving").get<double>(), 0.173, 0.001);
    const json& rail = summary.at("rails").at("weight");
    EXPECT_EQ(rail.at("srams"), json({"weight_sram", "activation_sram", "accumulator_sram"}));
    const json& point = stats.at("sweep").at("models").at(0).at("points").at(0);
    EXPECT_EQ(point.at("rails"), summary.at("rails"));
    EXPECT_EQ(stderrText().find("not modelled"), std::string::npos)
        << stderrText(); // every SRAM's faults are
}

TEST_F(SweepRunCrossCheck, ARateSetDirectlyMeansTheSameInBoth)
{
    // docs/profiles.md, "A rate set directly": the configured fault model, else random, whatever the
    // profile's fault_semantics (salami2018-vc707: stuck_at).
    const std::string model = voltsim::test::modelDir("randbet-8bit");
    ASSERT_EQ(voltsim("run --model " + model +
                      " --profile salami2018-vc707 --ber 0.0005 --chips 1 --images 20 "
                      "--out run"),
              0)
        << stderrText();
    ASSERT_EQ(
        voltsim("sweep --models randbet-8bit --profile salami2018-vc707 --bers 0.0005 --chips 1 --images 20 "
                "--quiet --no-plots --out sweep"),
        0)
        << stderrText();
    const json runChip = json::parse(readFile(m_dir / "run" / "stats.json")).at("chips").at(0);
    const json point = json::parse(readFile(m_dir / "sweep" / "stats.json"))
                           .at("sweep")
                           .at("models")
                           .at(0)
                           .at("points")
                           .at(0);
    EXPECT_EQ(runChip.at("faulty_cell_rate").get<double>(), 0.0005);
    EXPECT_EQ(point.at("faulty_cell_rate").get<double>(), 0.0005);
    EXPECT_EQ(runChip.at("bits_flipped").get<double>(), point.at("flips_mean").get<double>());
    EXPECT_EQ(runChip.at("flipped_bit_rate").get<double>(), point.at("flipped_bit_rate").get<double>());
    // random: every faulty cell flips its bit
    EXPECT_NEAR(runChip.at("flipped_bit_rate").get<double>() / 0.0005, 1.0, 0.2);

    // stuck_at named in the config: the same cells, about half of them differ from the stored bit
    ASSERT_EQ(voltsim("run --model " + model +
                      " --profile salami2018-vc707 --ber 0.0005 --chips 1 --images 20 "
                      "--set weight_sram.fault_model=stuck_at --out stuck"),
              0)
        << stderrText();
    const json stuck = json::parse(readFile(m_dir / "stuck" / "stats.json")).at("chips").at(0);
    EXPECT_EQ(stuck.at("faulty_cell_rate").get<double>(), 0.0005);
    EXPECT_NEAR(stuck.at("flipped_bit_rate").get<double>() / runChip.at("flipped_bit_rate").get<double>(),
                0.5, 0.15);
}
