// Energy accounting against the numbers derived by hand in docs/energy.md: the accelerator's
// activation and accumulator SRAM accesses per layer for each dataflow, their prices, and the
// voltage rails that scale them.
#include "ShippedData.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"
#include "voltsim/sim/stats/EnergyPricer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

namespace {

using namespace voltsim;
using nlohmann::json;

sim::RunConfig configWith(const json& overrides)
{
    sim::ConfigNode root(overrides, "<test>");
    return sim::readRunConfig(root);
}

/// Per image: activation reads, activation writes, accumulator reads, accumulator writes.
struct Accesses {
    std::uint64_t actReads, actWrites, accReads, accWrites;
};

/// docs/energy.md, "Access counts by hand": the shipped CNN (conv1, pool1, conv2, pool2, flatten,
/// fc1, fc2) on the default 16x16 array.
const std::map<std::string, std::map<std::string, Accesses>> kByHand = {
    {"ws",
     {{"conv1", {7056, 12544, 12544, 12544}},
      {"pool1", {12544, 3136, 0, 0}},
      {"conv2", {56448, 6272, 56448, 56448}},
      {"pool2", {6272, 1568, 0, 0}},
      {"flatten", {0, 0, 0, 0}},
      {"fc1", {6272, 64, 6272, 6272}},
      {"fc2", {64, 0, 40, 40}}}},
    {"os",
     {{"conv1", {7056, 12544, 12544, 12544}},
      {"pool1", {12544, 3136, 0, 0}},
      {"conv2", {56448, 6272, 6272, 6272}},
      {"pool2", {6272, 1568, 0, 0}},
      {"flatten", {0, 0, 0, 0}},
      {"fc1", {6272, 64, 64, 64}},
      {"fc2", {64, 0, 10, 10}}}},
    {"is",
     {{"conv1", {7056, 12544, 12544, 12544}},
      {"pool1", {12544, 3136, 0, 0}},
      {"conv2", {28224, 6272, 56448, 56448}},
      {"pool2", {6272, 1568, 0, 0}},
      {"flatten", {0, 0, 0, 0}},
      {"fc1", {1568, 64, 6272, 6272}},
      {"fc2", {64, 0, 40, 40}}}},
};

TEST(EnergyAccounting, BufferAccessesPerDataflowAsDerivedByHand)
{
    for (const auto& [dataflow, layers] : kByHand) {
        const sim::RunConfig config = configWith({{"array", {{"dataflow", dataflow}}}});
        const models::AcceleratorStats counts = sim::countInference(config, test::randbet8bit(), 1);
        ASSERT_EQ(counts.layers.size(), layers.size()) << dataflow;
        for (const models::LayerStats& layer : counts.layers) {
            const Accesses& expected = layers.at(layer.name);
            EXPECT_EQ(layer.images, 1u);
            EXPECT_EQ(layer.activationReads, expected.actReads) << dataflow << " " << layer.name;
            EXPECT_EQ(layer.activationWrites, expected.actWrites) << dataflow << " " << layer.name;
            EXPECT_EQ(layer.accumulatorReads, expected.accReads) << dataflow << " " << layer.name;
            EXPECT_EQ(layer.accumulatorWrites, expected.accWrites) << dataflow << " " << layer.name;
        }
    }
}

TEST(EnergyAccounting, PricesAsDerivedByHand)
{
    // At V_nom: 8-bit buffer access 10 pJ x 8/64 = 1.25 pJ, 32-bit accumulator access 5 pJ, MAC 0.3 pJ.
    for (const auto& [dataflow, layers] : kByHand) {
        const sim::RunConfig config = configWith({{"array", {{"dataflow", dataflow}}}});
        const sim::EnergyPricer pricer(config);
        const models::AcceleratorStats counts = sim::countInference(config, test::randbet8bit(), 1);
        double accumulatorPj = 0;
        for (const models::LayerStats& layer : counts.layers) {
            const Accesses& n = layers.at(layer.name);
            const sim::EnergyBreakdown e = pricer.layer(layer, pricer.nominal());
            EXPECT_DOUBLE_EQ(e.activationSramPj, 1.25 * static_cast<double>(n.actReads + n.actWrites));
            EXPECT_DOUBLE_EQ(e.accumulatorSramPj, 5.0 * static_cast<double>(n.accReads + n.accWrites));
            EXPECT_DOUBLE_EQ(e.macPj, 0.3 * static_cast<double>(layer.timing.macs));
            accumulatorPj += e.accumulatorSramPj;
        }
        // WS and IS: 150,608 accumulator accesses per image (the regression pin's 753,040 pJ); OS keeps
        // the partial sums in the PEs' registers, so only the drained outputs are accessed.
        const double expected = dataflow == "os" ? 188900.0 : 753040.0;
        EXPECT_DOUBLE_EQ(accumulatorPj, expected) << dataflow;
    }
}

TEST(EnergyAccounting, RailsScaleTheBuffersOnThem)
{
    // Every SRAM on the weight SRAM's rail: at 704 mV (0.88 V_min) each access costs 0.77 of its
    // V_nom price (the profile's energy table); by default only the weight SRAM does.
    const sim::RunConfig paper = configWith(json::object());
    const sim::RunConfig oneRail =
        configWith({{"activation_sram", {{"rail", "weight"}}}, {"accumulator_sram", {{"rail", "weight"}}}});
    const models::AcceleratorStats counts = sim::countInference(paper, test::randbet8bit(), 1);
    const sim::EnergyPricer paperPricer(paper);
    const sim::EnergyPricer oneRailPricer(oneRail);
    const sim::EnergyBreakdown nominal = paperPricer.perInference(counts, paperPricer.nominal());
    const sim::EnergyBreakdown weightOnly = paperPricer.perInference(counts, paperPricer.voltages(704));
    const sim::EnergyBreakdown all = oneRailPricer.perInference(counts, oneRailPricer.voltages(704));
    EXPECT_EQ(weightOnly.accumulatorSramPj, nominal.accumulatorSramPj);
    EXPECT_DOUBLE_EQ(all.accumulatorSramPj, 0.77 * nominal.accumulatorSramPj);
    EXPECT_DOUBLE_EQ(all.activationSramPj, 0.77 * nominal.activationSramPj);
    EXPECT_DOUBLE_EQ(all.weightSramPj, weightOnly.weightSramPj);
    EXPECT_EQ(all.macPj, nominal.macPj);

    const std::vector<sim::RailEnergy> rails = oneRailPricer.byRail(all, oneRailPricer.voltages(704));
    ASSERT_EQ(rails.size(), 1u);
    EXPECT_EQ(rails[0].srams,
              (std::vector<std::string>{"weight_sram", "activation_sram", "accumulator_sram"}));
    EXPECT_DOUBLE_EQ(rails[0].totalPj(),
                     all.weightSramTotalPj() + all.activationSramPj + all.accumulatorSramPj);

    // A rail of its own at a fixed voltage, and buffer leakage when it is given a price.
    const sim::RunConfig ownRail =
        configWith({{"rails", {{"buffers", {{"voltage_mv", 720}}}}},
                    {"activation_sram", {{"rail", "buffers"}, {"leakage_uw_per_kib", 0.5}}},
                    {"accumulator_sram", {{"rail", "buffers"}}}});
    const sim::EnergyPricer ownPricer(ownRail);
    const sim::EnergyBreakdown own = ownPricer.perInference(counts, ownPricer.nominal());
    const sim::EnergyBreakdown atWeight800 = ownPricer.perInference(counts, ownPricer.voltages(800));
    EXPECT_EQ(own.accumulatorSramPj, nominal.accumulatorSramPj);
    EXPECT_DOUBLE_EQ(atWeight800.accumulatorSramPj, 0.80 * nominal.accumulatorSramPj);
    const double seconds = sim::cyclesPerInference(counts) / 500e6;
    EXPECT_DOUBLE_EQ(own.activationLeakagePj, 32 * 0.5 * seconds * 1e6);
    EXPECT_EQ(own.accumulatorLeakagePj, 0.0);
}

} // namespace

TEST(EnergyAccounting, ProtectionPricesAsDerivedByHand)
{
    // docs/energy.md, "Protection". Per 8-bit weight read of the resident randbet-8bit at 704 mV
    // (relative energy 0.77): unprotected 1.25 pJ x 0.77. secded:64 reads 9 bits of cells
    // (1.25 x 9/8 x 0.77) and decodes an eighth of a 64-bit word: 340 XORs x 0.001875 pJ / 8.
    // msb:2 reads 6 bits at 704 mV and 2 at V_nom: 1.25 x (6/8 x 0.77 + 2/8).
    const sim::RunConfig plain = configWith(json::object());
    const models::AcceleratorStats counts = sim::countInference(plain, test::randbet8bit(), 1);
    const auto weightPj = [&](const char* protection, const sim::SramVoltages& volts) {
        const sim::EnergyPricer pricer(configWith({{"weight_sram", {{"protection", protection}}}}));
        double pj = 0;
        for (const models::LayerStats& layer : counts.layers)
            pj += pricer.layer(layer, volts).weightSramPj;
        return pj;
    };
    const sim::EnergyPricer reference(plain);
    double reads = 0;
    for (const models::LayerStats& layer : counts.layers)
        reads += static_cast<double>(layer.timing.filterSramReads);
    ASSERT_GT(reads, 0.0);
    const sim::SramVoltages at704 = reference.voltages(704);
    EXPECT_NEAR(weightPj("none", at704), reads * 1.25 * 0.77, 1e-6 * reads);
    EXPECT_NEAR(weightPj("secded:64", at704), reads * (1.25 * 9.0 / 8.0 * 0.77 + 340 * 0.001875 / 8.0),
                1e-6 * reads);
    EXPECT_NEAR(weightPj("msb:2", at704), reads * 1.25 * (6.0 / 8.0 * 0.77 + 2.0 / 8.0), 1e-6 * reads);
    // The savings' reference is the design without protection, whatever the priced one has.
    EXPECT_NEAR(weightPj("secded:64", reference.nominal()), reads * 1.25, 1e-6 * reads);
}
