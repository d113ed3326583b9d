// Placement policies, derived by hand on a 128-byte weight memory (one bank of 16 x 64 bits):
// `resident` places the tensors back to back or refuses, naming the key; `stream` puts step s in
// half s mod 2 and splits a layer larger than a half into balanced steps of whole output channels;
// `auto` picks one of them; every tile is read back from the addresses it was written to.
#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/WeightMemory.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace voltsim::memory;

namespace {

const ChipGeometry kGeometry{1, {16, 64}}; // 128 bytes: halves of 64

WeightLayoutConfig config(const std::string& placement)
{
    WeightLayoutConfig layout;
    layout.placement = placement;
    return layout;
}

/// Layer 0: 4 channels x 10 codes + 4 biases (44 bytes); layer 2: 6 channels x 20 codes + 6
/// biases (126 bytes, more than a half). 8-bit codes.
struct TwoLayers {
    std::vector<std::uint8_t> w0 = std::vector<std::uint8_t>(40, 1), b0 = std::vector<std::uint8_t>(4, 2);
    std::vector<std::uint8_t> w2 = std::vector<std::uint8_t>(120, 3), b2 = std::vector<std::uint8_t>(6, 4);

    std::vector<CodeTensorView> views() const
    {
        return {{w0.data(), w0.size(), 8, 0, 4},
                {b0.data(), b0.size(), 8, 0, 4},
                {w2.data(), w2.size(), 8, 2, 6},
                {b2.data(), b2.size(), 8, 2, 6}};
    }
};

} // namespace

TEST(WeightPlacement, StreamAlternatesHalvesAndSplitsALayerLargerThanAHalf)
{
    const TwoLayers model;
    const WeightLayout layout(kGeometry, config("stream"));
    const WeightPlan plan = planWeights(model.views(), layout, "weight_sram.placement");
    EXPECT_TRUE(plan.streamed);
    ASSERT_EQ(plan.steps.size(), 3u);
    // Step 0: layer 0 in half 0. Steps 1 and 2: layer 2, rows [0, 3) in half 1, [3, 6) in half 0.
    EXPECT_EQ(plan.steps[0].group, 0u);
    EXPECT_EQ(plan.steps[1].group, 2u);
    EXPECT_EQ(plan.steps[1].firstRow, 0u);
    EXPECT_EQ(plan.steps[1].endRow, 3u);
    EXPECT_EQ(plan.steps[2].firstRow, 3u);
    EXPECT_EQ(plan.steps[2].endRow, 6u);
    const std::vector<std::uint64_t> address{0, 40, 64, 124, 0, 60};
    const std::vector<std::uint64_t> bytes{40, 4, 60, 3, 60, 3};
    const std::vector<std::size_t> firstCode{0, 0, 0, 0, 60, 3};
    const std::vector<std::uint64_t> dram{0, 40, 44, 104, 107, 167};
    ASSERT_EQ(plan.tiles.size(), 6u);
    for (std::size_t t = 0; t < 6; ++t) {
        EXPECT_EQ(plan.tiles[t].address, address[t]) << t;
        EXPECT_EQ(plan.tiles[t].bytes, bytes[t]) << t;
        EXPECT_EQ(plan.tiles[t].firstCode, firstCode[t]) << t;
        EXPECT_EQ(plan.tiles[t].dramOffset, dram[t]) << t;
    }
    EXPECT_EQ(plan.dramBytes(), 170u);
    EXPECT_EQ(plan.stepBytes(1), 63u);
}

TEST(WeightPlacement, StreamSplitsPackedCodesOnWholeBytes)
{
    // 4-bit codes, 3 per channel: 12 bits, so steps hold an even number of channels. 10 channels
    // take 15 + 5 bytes; halves of 8 bytes need 3 steps: 2, 4 and 4 channels (4, 8, 8 bytes).
    const std::vector<std::uint8_t> w(30, 5), b(10, 6);
    const WeightLayout layout({1, {2, 64}}, config("stream")); // 16 bytes: halves of 8
    const WeightPlan plan = planWeights({{w.data(), w.size(), 4, 0, 10}, {b.data(), b.size(), 4, 0, 10}},
                                        layout, "weight_sram.placement");
    ASSERT_EQ(plan.steps.size(), 3u);
    EXPECT_EQ(plan.steps[0].endRow, 2u);
    EXPECT_EQ(plan.steps[1].endRow, 6u);
    EXPECT_EQ(plan.steps[2].endRow, 10u);
    for (const WeightStep& step : plan.steps)
        EXPECT_EQ(step.firstRow % 2, 0u);
    EXPECT_EQ(plan.tiles[2].firstCode, 6u); // weight codes of channels 2..5
    EXPECT_EQ(plan.tiles[2].bytes, 6u);
    EXPECT_EQ(plan.tiles[2].address, 8u);
}

TEST(WeightPlacement, ResidentPlacesBackToBackOrNamesTheKey)
{
    const std::vector<std::uint8_t> a(50, 1), b(3, 1);
    const WeightLayout layout(kGeometry, config("resident"));
    const WeightPlan plan = planWeights({{a.data(), a.size(), 8, 0, 5}, {b.data(), b.size(), 4, 1, 1}},
                                        layout, "weight_sram.placement");
    EXPECT_FALSE(plan.streamed);
    ASSERT_EQ(plan.tiles.size(), 2u);
    EXPECT_EQ(plan.tiles[1].address, 50u);
    EXPECT_EQ(plan.tiles[1].bytes, 2u);
    ASSERT_EQ(plan.steps.size(), 2u);

    const TwoLayers model;
    try {
        planWeights(model.views(), layout, "weight_sram.placement");
        FAIL() << "170 bytes do not fit 128";
    } catch (const voltsim::InputError& error) {
        EXPECT_EQ(
            std::string(error.what()),
            "weight_sram.placement: resident weights need 170 bytes but the weight SRAM holds 128 (stream "
            "or auto streams them through it)");
    }
}

TEST(WeightPlacement, AutoIsResidentIfTheWeightsFitAndStreamsOtherwise)
{
    const TwoLayers model;
    const WeightLayout layout(kGeometry, config("auto"));
    EXPECT_TRUE(planWeights(model.views(), layout, "k").streamed);
    const std::vector<CodeTensorView> all = model.views();
    const std::vector<CodeTensorView> first(all.begin(), all.begin() + 2);
    EXPECT_FALSE(planWeights(first, layout, "k").streamed);
    EXPECT_THROW(planWeights(first, WeightLayout(kGeometry, config("spread")), "k"), voltsim::InputError);
}

TEST(WeightPlacement, AChannelLargerThanAHalfIsAnError)
{
    const std::vector<std::uint8_t> w(65, 1);
    const WeightLayout layout(kGeometry, config("stream"));
    EXPECT_THROW(planWeights({{w.data(), w.size(), 8, 0, 1}}, layout, "weight_sram.placement"),
                 voltsim::InputError);
}

TEST(WeightPlacement, StreamedTilesSeeTheFaultyCellsOfTheAddressesTheyOccupy)
{
    // Every cell stuck at 1 from bit 0 of byte 60 on: step 1's tiles (half 1) and the end of step 2's
    // weight tile plus its bias tile (bytes 60..62 of half 0) read 0xff, the rest reads clean.
    SramChip chip(voltsim::test::shared(loadProfile("uniform")), 1, [] {
        ChipOptions options;
        options.useProfileGeometry = false;
        options.geometry = kGeometry;
        options.faultModel = "none";
        return options;
    }());
    for (std::uint64_t byte = 60; byte < 128; ++byte)
        for (std::uint64_t bit = 0; bit < 8; ++bit)
            chip.bank(0).addStuck(byte * 8 + bit, 1);
    const TwoLayers model;
    WeightMemory memory(chip, config("stream"));
    const auto read = memory.readBack(model.views());
    EXPECT_EQ(read[0], model.w0);
    EXPECT_EQ(read[1], model.b0);
    for (std::size_t i = 0; i < 120; ++i)
        EXPECT_EQ(read[2][i], i < 60 ? 0xff : 3) << i; // rows 0..2 in half 1; rows 3..5 at bytes 0..59
    EXPECT_EQ(read[3], (std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
}
