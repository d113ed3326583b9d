// Hand-worked cycle counts of the accelerator (docs/accelerator.md, docs/timing.md) on 2x2 and
// 4x4 arrays in every dataflow with partial folds, in fast and cycle mode, a strided conv checked
// against the IntegerReference, and the overlap of streamed weight loads with compute.
#include "AcceleratorTestSupport.hpp"
#include "ScFixture.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/models/controller/WeightStreamSchedule.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace voltsim::test {
namespace {

using models::Dataflow;

workloads::QuantizedTensor tensor(std::vector<std::int64_t> shape, std::size_t offset)
{
    workloads::QuantizedTensor t;
    t.shape = std::move(shape);
    t.bits = 8;
    t.offset = 128;
    t.scale = 1.0 / 128;
    t.rangeMin = -1;
    t.rangeMax = 1;
    t.blobOffset = offset;
    t.count = static_cast<std::size_t>(workloads::shapeSize(t.shape));
    return t;
}

workloads::Layer makeLayer(const std::string& name, workloads::LayerType type, std::vector<std::int64_t> in,
                           std::vector<std::int64_t> out)
{
    workloads::Layer layer;
    layer.name = name;
    layer.type = type;
    layer.inShape = std::move(in);
    layer.outShape = std::move(out);
    return layer;
}

/// One linear layer, K = 5 inputs, N = 3 outputs, logits = sum_k (v_nk - 128) q_k exactly
/// (m_acc = 2, shift = 1: (2 (acc - 128 Sq) + 1) >> 1).
workloads::ModelPackage linearPackage()
{
    workloads::ModelPackage package;
    package.name = "linear-5x3";
    package.network.dataset = {"hand", {5}, 3, 1.0 / 255};
    workloads::Layer fc = makeLayer("fc", workloads::LayerType::Linear, {5}, {3});
    fc.weight = tensor({3, 5}, 0);
    fc.bias = tensor({3}, 15);
    fc.requant = workloads::Requant{1, 2, 0, 0, 0, 1, 1, true};
    package.network.layers.push_back(fc);
    package.network.connectAsChain();
    package.codes = {129, 130, 131, 132, 133, 127, 127, 127, 127,
                     127, 128, 128, 128, 128, 138, 128, 128, 128};
    return package;
}

struct HandCase {
    std::int64_t side;
    Dataflow dataflow;
    std::int64_t cycles;
    std::int64_t stalls;
};

class AcceleratorTimingTest : public ScFixture,
                              public ::testing::WithParamInterface<std::tuple<HandCase, std::string>> {};

// GEMM M = 1, K = 5, N = 3. Stationary (WS: rows K, cols N, T = M; IS: rows K, cols M, T = N):
// L_0 = 0, S_0 = 1, L_{i+1} = max(L_i + R'_i, S_{i-1} + T), S_{i+1} = max(S_i + T, L_{i+1} + 1),
// total = S_last + T + R + C'_last - 1.
//  2x2 WS: folds (R',C') = (2,2)(2,2)(1,2)(2,1)(2,1)(1,1); S = 1,3,5,6,8,10; total 10+1+2+1-1 = 13;
//          stalls (S_{i+1} - S_i - 1) = 1+1+0+1+1 = 4.
//  2x2 IS: folds (2,1)(2,1)(1,1), T = 3; S = 1,4,7; total 7+3+2+1-1 = 12; stalls 0.
//  4x4 WS: folds (4,3)(1,3); L_1 = 4, S_1 = 5; total 5+1+4+3-1 = 12; stalls 3.
//  4x4 IS: folds (4,1)(1,1), T = 3; L_1 = 4, S_1 = 5; total 5+3+4+1-1 = 12; stalls 1.
// OS (rows M, cols N, T = K = 5): S_0 = 0, S_{i+1} = S_i + max(T, R'_i), total = S_last + T + R'_last +
// C'_last - 1.
//  2x2 OS: folds (1,2)(1,1); S_1 = 5; total 5+5+1+1-1 = 11; stalls 0.
//  4x4 OS: one fold (1,3); total 0+5+1+3-1 = 8.
TEST_P(AcceleratorTimingTest, LinearLayerCyclesAndLogitsByHand)
{
    const auto [hand, mode] = GetParam();
    const workloads::ModelPackage package = linearPackage();
    const auto specs = acceleratorSpecs("stutz2021-14nm", mode, {hand.side, hand.side, hand.dataflow});
    const std::vector<std::uint8_t> images{1, 2, 3, 4, 5, 0, 0, 0, 0, 1};
    const auto run = runAccelerator(specs, package, 1, images.data(), 2);
    // (1..5).(1..5) = 55; -(1+2+3+4+5) = -15; 10 * 5 = 50; second image: q = e_5.
    EXPECT_EQ(run.logits, (std::vector<std::int32_t>{55, -15, 50, 5, -1, 10}));
    ASSERT_EQ(run.stats.layers.size(), 1u);
    EXPECT_EQ(run.stats.layers[0].cyclesPerImage, hand.cycles);
    EXPECT_EQ(run.stats.layers[0].timing.stallCycles, hand.stalls);
    EXPECT_EQ(run.stats.layers[0].timing.macs, 15);
    // DRAM: 100 ns + bytes / 12.8 GB/s at 2 ns per cycle: 5 input bytes -> ceil(50.195) = 51 cycles,
    // 12 logit bytes -> ceil(50.47) = 51 cycles.
    EXPECT_EQ(run.stats.host.inputDmaCycles, 2u * 51);
    EXPECT_EQ(run.stats.host.outputDmaCycles, 2u * 51);
    EXPECT_EQ(run.stats.host.inferenceCycles, 2u * (51 + 51 + static_cast<std::uint64_t>(hand.cycles)));
    EXPECT_EQ(run.stats.dram.bytesRead, 18u + 2 * 5);
    EXPECT_EQ(run.stats.dram.bytesWritten, 2u * 12);
}

INSTANTIATE_TEST_SUITE_P(
    HandWorked, AcceleratorTimingTest,
    ::testing::Combine(::testing::Values(HandCase{2, Dataflow::WS, 13, 4}, HandCase{2, Dataflow::IS, 12, 0},
                                         HandCase{2, Dataflow::OS, 11, 0}, HandCase{4, Dataflow::WS, 12, 3},
                                         HandCase{4, Dataflow::IS, 12, 1}, HandCase{4, Dataflow::OS, 8, 0}),
                       ::testing::Values("fast", "cycle")));

/// conv (1x5x5 -> 2x3x3, 3x3 kernel, stride 2, padding 1, ReLU) -> max-pool 2 stride 1 ->
/// flatten -> linear 8 -> 3, with arbitrary codes.
workloads::ModelPackage stridedConvPackage()
{
    workloads::ModelPackage package;
    package.name = "strided";
    package.network.dataset = {"hand", {1, 5, 5}, 3, 1.0 / 255};
    workloads::Layer conv = makeLayer("conv", workloads::LayerType::Conv2d, {1, 5, 5}, {2, 3, 3});
    conv.kernelH = conv.kernelW = 3;
    conv.stride = 2;
    conv.padding = 1;
    conv.relu = true;
    conv.weight = tensor({2, 1, 3, 3}, 0);
    conv.bias = tensor({2}, 18);
    conv.requant = workloads::Requant{12, 90, 700, 2000, 1 << 14, 1, 1, false};
    workloads::Layer pool = makeLayer("pool", workloads::LayerType::MaxPool2d, {2, 3, 3}, {2, 2, 2});
    pool.kernelH = pool.kernelW = 2;
    pool.stride = 1;
    const workloads::Layer flat = makeLayer("flatten", workloads::LayerType::Flatten, {2, 2, 2}, {8});
    workloads::Layer fc = makeLayer("fc", workloads::LayerType::Linear, {8}, {3});
    fc.relu = false;
    fc.weight = tensor({3, 8}, 20);
    fc.bias = tensor({3}, 44);
    fc.requant = workloads::Requant{4, 3, -1, 40, 7, 1, 1, true};
    package.network.layers = {conv, pool, flat, fc};
    package.network.connectAsChain();
    package.codes.resize(47);
    for (std::size_t i = 0; i < package.codes.size(); ++i)
        package.codes[i] = static_cast<std::uint8_t>((i * 37 + 11) % 256);
    return package;
}

class AcceleratorConvTest : public ScFixture,
                            public ::testing::WithParamInterface<std::tuple<Dataflow, std::string>> {};

TEST_P(AcceleratorConvTest, StridedPaddedConvEqualsIntegerReference)
{
    const auto [dataflow, mode] = GetParam();
    const workloads::ModelPackage package = stridedConvPackage();
    std::vector<std::uint8_t> images(std::size_t{3} * 25);
    for (std::size_t i = 0; i < images.size(); ++i)
        images[i] = static_cast<std::uint8_t>((i * 53 + 7) % 256);
    const auto run = runAccelerator(acceleratorSpecs("stutz2021-14nm", mode, {2, 2, dataflow}), package, 1,
                                    images.data(), 3);
    const workloads::IntegerReference reference(package, 1);
    const auto expected = reference.logits(package.codes, images.data(), 3);
    EXPECT_EQ(run.logits, std::vector<std::int32_t>(expected.data(), expected.data() + expected.size()));
    std::set<std::int32_t> distinct(run.logits.begin(), run.logits.end());
    EXPECT_GT(distinct.size(), 3u) << "the check must not pass on a degenerate network";
    // max-pool: 8 outputs x 4 compares on 16 lanes = 2 cycles.
    EXPECT_EQ(run.stats.layers[1].cyclesPerImage, 2);
}

INSTANTIATE_TEST_SUITE_P(AllDataflows, AcceleratorConvTest,
                         ::testing::Combine(::testing::Values(Dataflow::WS, Dataflow::OS, Dataflow::IS),
                                            ::testing::Values("fast", "cycle")));

class AcceleratorModesTest : public ScFixture {};

TEST_F(AcceleratorModesTest, FastAndCycleModeAgreeOnLogitsAndEveryLayersCyclesForAShippedModel)
{
    const auto package = workloads::ModelPackage::load(modelDir("randbet-8bit"));
    std::vector<std::uint8_t> images(std::size_t{2} * 784);
    for (std::size_t i = 0; i < images.size(); ++i)
        images[i] = static_cast<std::uint8_t>((i * 29) % 251);
    for (const Dataflow dataflow : {Dataflow::WS, Dataflow::OS, Dataflow::IS}) {
        const models::ArraySpec array{8, 8, dataflow};
        const auto fast =
            runAccelerator(acceleratorSpecs("stutz2021-14nm", "fast", array), package, 1, images.data(), 2);
        const auto cycle =
            runAccelerator(acceleratorSpecs("stutz2021-14nm", "cycle", array), package, 1, images.data(), 2);
        EXPECT_EQ(fast.logits, cycle.logits);
        ASSERT_EQ(fast.stats.layers.size(), cycle.stats.layers.size());
        for (std::size_t i = 0; i < fast.stats.layers.size(); ++i)
            EXPECT_EQ(fast.stats.layers[i].cyclesPerImage, cycle.stats.layers[i].cyclesPerImage)
                << fast.stats.layers[i].name;
        EXPECT_EQ(fast.stats.host.inferenceCycles, cycle.stats.host.inferenceCycles);
    }
}

TEST_F(AcceleratorModesTest, TimingModelComesFromTheSpecs)
{
    const workloads::ModelPackage package = linearPackage();
    auto specs = acceleratorSpecs("stutz2021-14nm", "fast", {2, 2, Dataflow::WS});
    EXPECT_EQ(specs.timingModel, "native");
    const std::vector<std::uint8_t> images{1, 2, 3, 4, 5};
    const auto run = runAccelerator(specs, package, 1, images.data(), 1);
    // The native schedule of M = 1, K = 5, N = 3 on 2x2 WS (hand-derived above): 13 cycles.
    EXPECT_EQ(run.stats.layers[0].cyclesPerImage, 13);
}

// Separate from the run above: under AddressSanitizer, an exception thrown after SystemC's
// coroutines have run is reported as a false stack error (docs/hardening.md).
TEST_F(AcceleratorModesTest, ATimingModelThatDoesNotDescribeTheArrayIsRefusedAtElaboration)
{
    const workloads::ModelPackage package = linearPackage();
    auto specs = acceleratorSpecs("stutz2021-14nm", "fast", {2, 2, Dataflow::WS});
    for (const char* refused : {"scalesim", "warp"}) {
        specs.timingModel = refused;
        models::SimContextScope context;
        EXPECT_THROW(models::Accelerator("accelerator", specs, package, 1), InputError) << refused;
    }
}

TEST(WeightStreamSchedule, LoadsOverlapTheComputeBeforeThemByHand)
{
    // Loads 10, 30, 5, 50 cycles; compute: step 0 for 20, a max-pool for 4, steps 1, 2, 3 for 15,
    // 40, 10. Load 0: 0..10, step 0 waits 10 and computes 10..30; pool 30..34. Load 1: 10..40 (DMA
    // free at 10), step 1 waits 6, computes 40..55. Load 2 needs step 0 done (30) and the DMA (40):
    // 40..45; step 2 computes 55..95. Load 3 needs step 1 done (55): 55..105; step 3 waits 10,
    // computes 105..115.
    models::WeightStreamSchedule schedule;
    schedule.startBatch();
    for (const auto& [step, cycles] :
         {std::pair<std::size_t, std::uint64_t>{0, 10}, {1, 30}, {2, 5}, {3, 50}})
        schedule.setLoadCycles(step, cycles);
    EXPECT_EQ(schedule.compute(0, 20), 10u);
    schedule.computeOther(4);
    EXPECT_EQ(schedule.compute(1, 15), 6u);
    EXPECT_EQ(schedule.compute(2, 40), 0u);
    EXPECT_EQ(schedule.compute(3, 10), 10u);
    EXPECT_EQ(schedule.now(), 115u);
    schedule.startBatch();
    EXPECT_THROW(schedule.compute(1, 5), std::logic_error);
}

TEST_F(AcceleratorModesTest, StreamedWeightsAddTheirWaitsAndCountEveryReload)
{
    const auto package = workloads::ModelPackage::load(modelDir("randbet-8bit"));
    std::vector<std::uint8_t> images(std::size_t{20} * 784);
    for (std::size_t i = 0; i < images.size(); ++i)
        images[i] = static_cast<std::uint8_t>((i * 31) % 253);
    auto specs = acceleratorSpecs("stutz2021-14nm", "fast");
    specs.batchImages = 8; // batches of 8, 8 and 4 images
    specs.weightSram.layout.placement = "resident";
    const auto resident = runAccelerator(specs, package, 1, images.data(), 20);
    specs.weightSram.layout.placement = "stream";
    const auto streamed = runAccelerator(specs, package, 1, images.data(), 20);
    const std::uint64_t modelBytes = package.codes.size(); // 8-bit codes, one byte each

    EXPECT_EQ(streamed.logits, resident.logits);
    EXPECT_EQ(resident.stats.host.modelBytes, modelBytes);
    EXPECT_EQ(streamed.stats.host.modelBytes, 0u);
    EXPECT_EQ(streamed.stats.host.modelLoadCycles, 0u);
    EXPECT_EQ(resident.stats.host.weightLoadStallCycles, 0u);
    std::uint64_t waits = 0, loaded = 0;
    for (std::size_t i = 0; i < streamed.stats.layers.size(); ++i) {
        const models::LayerStats& layer = streamed.stats.layers[i];
        EXPECT_EQ(layer.cyclesPerImage, resident.stats.layers[i].cyclesPerImage) << layer.name;
        EXPECT_EQ(layer.weightBitsRead, resident.stats.layers[i].weightBitsRead) << layer.name;
        waits += layer.weightLoadStallCycles;
        loaded += layer.weightBytesLoaded;
    }
    // Per batch: every tile once (fc1 in two steps of 32 channels: 2 + 2 + 4 + 2 tiles).
    EXPECT_EQ(loaded, 3 * modelBytes);
    EXPECT_EQ(streamed.stats.layers[5].weightTilesLoaded, 3u * 4u);
    EXPECT_EQ(streamed.stats.dma.bytesToWeightSram, 3 * modelBytes);
    EXPECT_EQ(streamed.stats.dram.bytesRead, resident.stats.dram.bytesRead + 2 * modelBytes);
    // Only the waits are added. conv1 (step 0) waits for its own load every batch: weight (144 B)
    // 100 ns + 144 / 12.8 ns from DRAM + bursts of 8, 8, 2 words at 2 ns; bias (16 B) 100 + 1.25 ns
    // + 2 words: 252.5 ns = 127 cycles at 500 MHz.
    EXPECT_EQ(streamed.stats.layers[0].weightLoadStallCycles, 3u * 127u);
    EXPECT_EQ(streamed.stats.host.weightLoadStallCycles, waits);
    EXPECT_EQ(streamed.stats.host.inferenceCycles, resident.stats.host.inferenceCycles + waits);
}

// input [1, 4, 4] -> pool_a (1x1 max-pool) -> pool_b -> add(pool_b, input) -> flatten -> fc: the
// input is a skip tensor until the add. While pool_b runs, the input (16 bytes), pool_a's output
// (16) and pool_b's (16) are live: 48 bytes, more than a 40-byte activation SRAM, although every
// tensor fits one 20-byte half.
TEST_F(AcceleratorModesTest, ASkipTensorThatDoesNotFitTheActivationSramIsRefusedAtElaboration)
{
    workloads::ModelPackage package;
    package.name = "skip";
    package.network.dataset = {"hand", {1, 4, 4}, 2, 1.0 / 255};
    workloads::Layer poolA = makeLayer("pool_a", workloads::LayerType::MaxPool2d, {1, 4, 4}, {1, 4, 4});
    poolA.kernelH = poolA.kernelW = 1;
    workloads::Layer poolB = poolA;
    poolB.name = "pool_b";
    workloads::Layer add = makeLayer("add", workloads::LayerType::Add, {1, 4, 4}, {1, 4, 4});
    add.merge = workloads::MergeRequant{1, {1, 1}, {1, 1}, 1};
    const workloads::Layer flat = makeLayer("flatten", workloads::LayerType::Flatten, {1, 4, 4}, {16});
    workloads::Layer fc = makeLayer("fc", workloads::LayerType::Linear, {16}, {2});
    fc.weight = tensor({2, 16}, 0);
    fc.bias = tensor({2}, 32);
    fc.requant = workloads::Requant{1, 2, 0, 0, 0, 1, 1, true};
    package.network.layers = {poolA, poolB, add, flat, fc};
    package.network.connectAsChain();
    package.network.layers[2].inputs = {1, workloads::kNetworkInput};
    package.codes.assign(34, 128);
    auto specs = acceleratorSpecs("stutz2021-14nm", "fast", {2, 2, Dataflow::WS});
    specs.activationSram.sizeBytes = 40;
    try {
        models::Accelerator accelerator("accelerator", specs, package, 1);
        FAIL() << "a 40-byte activation SRAM holds the 48 live bytes";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("activation_sram.size_kib: layer pool_b: the tensors live"), std::string::npos)
            << message;
        EXPECT_NE(message.find("needs 48 bytes but only 40"), std::string::npos) << message;
    }
    specs.activationSram.sizeBytes = 48;
    models::SimContextScope context;
    EXPECT_NO_THROW(models::Accelerator("accelerator", specs, package, 1));
}

} // namespace
} // namespace voltsim::test
