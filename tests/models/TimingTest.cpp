// Analytic timing models on hand-worked shapes (4x4 and 2x2 arrays, partial folds in every
// dimension). Every expected number is derived in the comment above it.
#include "voltsim/common/Error.hpp"
#include "voltsim/models/array/FoldSchedule.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"
#include "voltsim/models/timing/impl/NativeTiming.hpp"
#include "voltsim/models/timing/impl/ScaleSimTiming.hpp"

#include <gtest/gtest.h>

namespace voltsim::models {
namespace {

using workloads::GemmShape;

ArraySpec array(std::int64_t rows, std::int64_t cols, Dataflow dataflow)
{
    return ArraySpec{rows, cols, dataflow};
}

/// The worked example of docs/timing.md ("Adding a timing model"), verbatim.
class IdealTiming : public ITimingModel {
  public:
    std::string name() const override { return "ideal"; }
    LayerTiming layer(const workloads::GemmShape& shape, const ArraySpec& spec) const override
    {
        LayerTiming timing;
        timing.macs = shape.macs();
        timing.folds = 1;
        timing.totalCycles = (timing.macs + spec.peCount() - 1) / spec.peCount();
        timing.overallUtil =
            static_cast<double>(timing.macs) / static_cast<double>(timing.totalCycles * spec.peCount());
        timing.mappingEfficiency = 1;
        timing.computeUtil = timing.overallUtil;
        return timing;
    }
    std::string acceleratorMismatch() const override { return "a bound, not a schedule any array executes"; }
};

// The shape used throughout: M = 5 pixels, K = 6, N = 6 on a 4x4 array. Every dataflow then has a
// partial fold in both spatial dimensions.
const GemmShape kShape{5, 6, 6};

TEST(TimingScaleSimTest, OutputStationary4x4)
{
    // OS: Sr = M = 5, Sc = N = 6, T = K = 6. Folds: ceil(5/4) * ceil(6/4) = 4.
    // Cycles per fold T + R + C - 2 = 6 + 4 + 4 - 2 = 12; reported 4 * 12 - 1 = 47.
    const LayerTiming t = ScaleSimTiming().layer(kShape, array(4, 4, Dataflow::OS));
    EXPECT_EQ(t.folds, 4);
    EXPECT_EQ(t.totalCycles, 47);
    EXPECT_EQ(t.stallCycles, 0);
    EXPECT_EQ(t.macs, 180);
    // Used PEs per fold: 4x4, 1x4, 4x2, 1x2 = 16 + 4 + 8 + 2 = 30 -> mean 30 / (4 * 16).
    EXPECT_DOUBLE_EQ(t.mappingEfficiency, 30.0 / 64.0);
    // Compute util per fold used * T / (16 * 12), mean = 30 * 6 / (4 * 16 * 12).
    EXPECT_DOUBLE_EQ(t.computeUtil, 180.0 / 768.0);
    // Overall 180 MACs / (47 cycles * 16 PEs).
    EXPECT_DOUBLE_EQ(t.overallUtil, 180.0 / 752.0);
    // Inputs re-read per column fold: 2 * 5 * 6; weights per row fold: 2 * 6 * 6;
    // outputs 5 * 6 plus SCALE-Sim's extra R + C per fold: 30 + 4 * 8.
    EXPECT_EQ(t.ifmapSramReads, 60);
    EXPECT_EQ(t.filterSramReads, 72);
    EXPECT_EQ(t.ofmapSramWrites, 62);
}

TEST(TimingScaleSimTest, WeightStationary4x4)
{
    // WS: Sr = K = 6, Sc = N = 6, T = M = 5. Folds 2 * 2 = 4; cycles per fold
    // 2R + C + T - 2 = 8 + 4 + 5 - 2 = 15; reported 4 * 15 - 1 = 59.
    const LayerTiming t = ScaleSimTiming().layer(kShape, array(4, 4, Dataflow::WS));
    EXPECT_EQ(t.folds, 4);
    EXPECT_EQ(t.totalCycles, 59);
    // Used PEs: 4x4, 2x4, 4x2, 2x2 = 36 -> 36 / 64.
    EXPECT_DOUBLE_EQ(t.mappingEfficiency, 36.0 / 64.0);
    // Compute util divides by 2R + 2C + T - 3 = 18: 36 * 5 / (4 * 16 * 18).
    EXPECT_DOUBLE_EQ(t.computeUtil, 180.0 / 1152.0);
    EXPECT_DOUBLE_EQ(t.overallUtil, 180.0 / (59.0 * 16.0));
    // Inputs per column fold 2 * 5 * 6, weights once 6 * 6, outputs per row fold 2 * 5 * 6.
    EXPECT_EQ(t.ifmapSramReads, 60);
    EXPECT_EQ(t.filterSramReads, 36);
    EXPECT_EQ(t.ofmapSramWrites, 60);
}

TEST(TimingScaleSimTest, InputStationary4x4)
{
    // IS: Sr = K = 6, Sc = M = 5, T = N = 6. Folds 2 * 2 = 4; cycles per fold
    // 8 + 4 + 6 - 2 = 16; reported 4 * 16 - 1 = 63.
    const LayerTiming t = ScaleSimTiming().layer(kShape, array(4, 4, Dataflow::IS));
    EXPECT_EQ(t.totalCycles, 63);
    // Used PEs: 4x4, 2x4, 4x1, 2x1 = 30.
    EXPECT_DOUBLE_EQ(t.mappingEfficiency, 30.0 / 64.0);
    // 2R + 2C + T - 3 = 19: 30 * 6 / (4 * 16 * 19).
    EXPECT_DOUBLE_EQ(t.computeUtil, 180.0 / 1216.0);
    // Inputs once 6 * 5, weights per column fold 2 * 6 * 6, outputs per row fold 2 * 5 * 6.
    EXPECT_EQ(t.ifmapSramReads, 30);
    EXPECT_EQ(t.filterSramReads, 72);
    EXPECT_EQ(t.ofmapSramWrites, 60);
}

TEST(TimingScaleSimTest, AlexNetConv1On32x32)
{
    // Conv1 224x224x3, 96 filters 11x11, stride 4: 55x55 = 3025 pixels, K = 363.
    // WS: ceil(363/32) = 12 row folds, ceil(96/32) = 3 column folds = 36 folds of
    // 2*32 + 32 + 3025 - 2 = 3119 cycles -> 36 * 3119 - 1 = 112283.
    EXPECT_EQ(ScaleSimTiming().layer(GemmShape{3025, 363, 96}, array(32, 32, Dataflow::WS)).totalCycles,
              112283);
    // OS: ceil(3025/32) = 95 * 3 = 285 folds of 363 + 62 = 425 -> 121124.
    EXPECT_EQ(ScaleSimTiming().layer(GemmShape{3025, 363, 96}, array(32, 32, Dataflow::OS)).totalCycles,
              121124);
    // IS: Sr = 363 (12 folds), Sc = 3025 (95 folds), T = 96: 1140 folds of 64 + 32 + 96 - 2 = 190
    // -> 216599.
    EXPECT_EQ(ScaleSimTiming().layer(GemmShape{3025, 363, 96}, array(32, 32, Dataflow::IS)).totalCycles,
              216599);
}

TEST(TimingNativeTest, WeightStationary4x4)
{
    // Folds (column fold outer): R' = 4, 2, 4, 2; C' = 4, 4, 2, 2; T = 5.
    // L0 = 0, S0 = 1. L1 = L0 + 4 = 4, S1 = max(1 + 5, 4 + 1) = 6.
    // L2 = max(4 + 2, S0 + 5) = 6, S2 = max(11, 7) = 11.
    // L3 = max(6 + 4, S1 + 5) = 11, S3 = max(16, 12) = 16.
    // Total = S3 + T + R + C'_last - 1 = 16 + 5 + 4 + 2 - 1 = 26; the stream never waits.
    const ArraySpec spec = array(4, 4, Dataflow::WS);
    const NativeSchedule s = nativeSchedule(mapGemm(kShape, Dataflow::WS), spec);
    ASSERT_EQ(s.folds.size(), 4u);
    EXPECT_EQ(s.folds[3].loadStart, 11);
    EXPECT_EQ(s.folds[3].streamStart, 16);
    const LayerTiming t = NativeTiming().layer(kShape, spec);
    EXPECT_EQ(t.totalCycles, 26);
    EXPECT_EQ(t.stallCycles, 0);
    EXPECT_DOUBLE_EQ(t.overallUtil, 180.0 / (26.0 * 16.0));
    EXPECT_DOUBLE_EQ(t.computeUtil, 180.0 / (26.0 * 16.0));
    EXPECT_DOUBLE_EQ(t.mappingEfficiency, 36.0 / 64.0);
    // Weights once (36), inputs per column fold (2 * 30), accumulator: 2 K folds write 2 * 30,
    // the second one reads 30 first.
    EXPECT_EQ(t.filterSramReads, 36);
    EXPECT_EQ(t.ifmapSramReads, 60);
    EXPECT_EQ(t.ofmapSramWrites, 60);
    EXPECT_EQ(t.ofmapSramReads, 30);
}

TEST(TimingNativeTest, WeightStationaryStallsWhenStreamShorterThanLoad)
{
    // M = 2 (T = 2), K = 8, N = 4: two folds with R' = 4. S0 = 1, L1 = 4,
    // S1 = max(1 + 2, 4 + 1) = 5: the stream waits 5 - 1 - 2 = 2 cycles for the weights.
    // Total = 5 + 2 + 4 + 4 - 1 = 14.
    const LayerTiming t = NativeTiming().layer(GemmShape{2, 8, 4}, array(4, 4, Dataflow::WS));
    EXPECT_EQ(t.totalCycles, 14);
    EXPECT_EQ(t.stallCycles, 2);
    EXPECT_DOUBLE_EQ(t.computeUtil, 64.0 / (12.0 * 16.0));
}

TEST(TimingNativeTest, OutputStationary4x4)
{
    // OS folds: R' = 4, 1, 4, 1; C' = 4, 4, 2, 2; T = K = 6.
    // S_{i+1} = S_i + max(6, R'_i): 0, 6, 12, 18. Total = 18 + 6 + R'_last 1 + C'_last 2 - 1 = 26.
    const LayerTiming t = NativeTiming().layer(kShape, array(4, 4, Dataflow::OS));
    EXPECT_EQ(t.totalCycles, 26);
    EXPECT_EQ(t.stallCycles, 0);
    EXPECT_EQ(t.ofmapSramWrites, 30);
    EXPECT_EQ(t.ofmapSramReads, 0);
}

TEST(TimingNativeTest, OutputStationaryDrainBoundWhenKShort)
{
    // M = 8, K = 2, N = 4: two folds with R' = 4 but only T = 2; the output bus needs 4 cycles
    // per fold, so S1 = 0 + max(2, 4) = 4 (2 stall cycles). Total = 4 + 2 + 4 + 4 - 1 = 13.
    const LayerTiming t = NativeTiming().layer(GemmShape{8, 2, 4}, array(4, 4, Dataflow::OS));
    EXPECT_EQ(t.totalCycles, 13);
    EXPECT_EQ(t.stallCycles, 2);
}

TEST(TimingNativeTest, InputStationary4x4)
{
    // IS: Sr = K = 6, Sc = M = 5, T = N = 6; R' = 4, 2, 4, 2; C' = 4, 4, 1, 1.
    // S0 = 1; L1 = 4, S1 = max(7, 5) = 7; L2 = max(6, S0 + 6 = 7) = 7, S2 = max(13, 8) = 13;
    // L3 = max(11, S1 + 6 = 13) = 13, S3 = max(19, 14) = 19. Total = 19 + 6 + 4 + 1 - 1 = 29.
    const LayerTiming t = NativeTiming().layer(kShape, array(4, 4, Dataflow::IS));
    EXPECT_EQ(t.totalCycles, 29);
    EXPECT_EQ(t.ifmapSramReads, 30);
    EXPECT_EQ(t.filterSramReads, 72);
}

TEST(TimingNativeTest, TwoByTwoArrays)
{
    // M = K = N = 3 on 2x2: R' = 2, 1, 2, 1 and C' = 2, 2, 1, 1, T = 3 in every dataflow.
    // WS/IS: S = 1, 4, 7, 10 (L = 0, 2, 4, 7); total = 10 + 3 + 2 + 1 - 1 = 15.
    // OS: S = 0, 3, 6, 9; total = 9 + 3 + 1 + 1 - 1 = 13.
    const GemmShape shape{3, 3, 3};
    EXPECT_EQ(NativeTiming().layer(shape, array(2, 2, Dataflow::WS)).totalCycles, 15);
    EXPECT_EQ(NativeTiming().layer(shape, array(2, 2, Dataflow::IS)).totalCycles, 15);
    EXPECT_EQ(NativeTiming().layer(shape, array(2, 2, Dataflow::OS)).totalCycles, 13);
    // SCALE-Sim on the same: 4 folds of 3+2+2-2 = 5 (OS) or 4+2+3-2 = 7 (WS/IS), minus one.
    EXPECT_EQ(ScaleSimTiming().layer(shape, array(2, 2, Dataflow::OS)).totalCycles, 19);
    EXPECT_EQ(ScaleSimTiming().layer(shape, array(2, 2, Dataflow::WS)).totalCycles, 27);
}

TEST(TimingModelsTest, CreatesByNameAndRejectsUnknown)
{
    EXPECT_EQ(timingModels().create("scalesim", "--timing")->name(), "scalesim");
    EXPECT_EQ(timingModels().create("native", "--timing")->name(), "native");
    EXPECT_EQ(timingModels().names(), (std::vector<std::string>{"scalesim", "native"}));
    try {
        timingModels().create("fast", "--timing");
        FAIL() << "no error";
    } catch (const InputError& error) {
        EXPECT_STREQ(error.what(), "--timing: unknown timing model 'fast' (valid: scalesim, native)");
    }
}

TEST(TimingModelsTest, OnlyModelsOfTheAcceleratorsArrayTimeTheAccelerator)
{
    EXPECT_EQ(makeAcceleratorTimingModel("native", "array.timing_model")->name(), "native");
    try {
        makeAcceleratorTimingModel("scalesim", "array.timing_model");
        FAIL() << "no error";
    } catch (const InputError& error) {
        EXPECT_EQ(std::string(error.what())
                      .rfind("array.timing_model: timing model 'scalesim' cannot time the "
                             "accelerator: ",
                             0),
                  0u)
            << error.what();
    }
    EXPECT_THROW(makeAcceleratorTimingModel("fast", "array.timing_model"), InputError);
}

TEST(TimingModelsTest, TheDocumentedExampleIsOneRegistrationLine)
{
    TimingModels registry("timing model");
    registerTimingModels(registry);
    registry.add("ideal", "lower bound: every PE does a useful MAC every cycle",
                 [] { return std::make_unique<IdealTiming>(); });
    EXPECT_EQ(registry.names(), (std::vector<std::string>{"scalesim", "native", "ideal"}));
    // 5 x 6 x 6 = 180 MACs on 16 PEs: ceil(180 / 16) = 12 cycles.
    const LayerTiming t = registry.create("ideal", "--timing")->layer(kShape, array(4, 4, Dataflow::WS));
    EXPECT_EQ(t.totalCycles, 12);
    EXPECT_DOUBLE_EQ(t.overallUtil, 180.0 / (12 * 16));
}

TEST(ArraySpecTest, ParsesDimsAndDataflow)
{
    const ArraySpec spec = parseArrayDims("16x8", Dataflow::IS, "--array");
    EXPECT_EQ(spec.rows, 16);
    EXPECT_EQ(spec.cols, 8);
    EXPECT_EQ(parseDataflow("WS", "--dataflow"), Dataflow::WS);
    EXPECT_THROW(parseArrayDims("16", Dataflow::OS, "--array"), InputError);
    EXPECT_THROW(parseArrayDims("0x4", Dataflow::OS, "--array"), InputError);
    EXPECT_THROW(parseArrayDims("4x-4", Dataflow::OS, "--array"), InputError);
    EXPECT_THROW(parseDataflow("rs", "--dataflow"), InputError);
}

} // namespace
} // namespace voltsim::models
