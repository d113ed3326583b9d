// The functional evaluation engine against hand-derived numbers and an independent corruption of
// the codes (bits flipped by hand from the chip's active cells, not through the read path).
#include "ShippedData.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"
#include "voltsim/sim/experiment/Outcome.hpp"
#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"
#include "voltsim/sim/stats/EnergyPricer.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include "CorruptByHand.hpp"
#include "TestPaths.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <utility>

namespace {

using namespace voltsim;
using memory::OperatingPoint;

const workloads::ModelPackage& package()
{
    return test::randbet8bit();
}
const workloads::Dataset& testSet()
{
    return test::fashionMnistTestSet();
}

sim::ImageSet firstImages(std::size_t count)
{
    return {testSet().pixels().data(), testSet().labels().data(), count};
}

std::shared_ptr<const memory::SramProfile> profile(const std::string& name)
{
    return std::make_shared<const memory::SramProfile>(memory::loadProfile(name));
}

/// Robust errors counted the plain way: every image of the first `count` classified with the clean
/// and with `codes` by a full IntegerReference inference (no shortcut, no prefix caching).
std::uint64_t robustErrorsByFullInference(const std::vector<std::uint8_t>& codes, std::size_t count)
{
    const workloads::IntegerReference reference(package(), 1);
    const auto clean = reference.classify(package().codes, testSet().image(0), count);
    const auto faulty = reference.classify(codes, testSet().image(0), count);
    std::uint64_t errors = 0;
    for (std::size_t i = 0; i < count; ++i)
        errors += clean[i] != testSet().label(i) || faulty[i] != testSet().label(i);
    return errors;
}

/// The package's codes with the top bit of every `stride`-th weight and bias code of the named layers
/// flipped.
std::vector<std::uint8_t> flipLayers(const std::vector<std::string>& names, std::size_t stride)
{
    std::vector<std::uint8_t> codes = package().codes;
    for (const auto& layer : package().network.layers)
        if (std::find(names.begin(), names.end(), layer.name) != names.end())
            for (const auto* tensor : {&*layer.weight, &*layer.bias})
                for (std::size_t i = 0; i < tensor->count; i += stride)
                    codes[tensor->blobOffset + i] ^= static_cast<std::uint8_t>(1u << (tensor->bits - 1));
    return codes;
}

} // namespace

TEST(EngineChipSeeds, FollowTheDocumentedSplitmix64Rule)
{
    // splitmix64's finaliser (Steele et al. 2014) written out independently.
    const auto mix = [](std::uint64_t x) {
        x += 0x9e3779b97f4a7c15ULL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    };
    // The first output of splitmix64 seeded with 0 is the reference implementation's 0xe220a8397b1dcdaf.
    EXPECT_EQ(mix(0), 0xe220a8397b1dcdafULL);
    for (std::uint64_t i = 0; i < 5; ++i)
        EXPECT_EQ(memory::chipSeed(42, i), mix(mix(42) + i)) << "chip " << i;
    EXPECT_EQ(memory::chipSeeds(42, 3),
              (std::vector<std::uint64_t>{memory::chipSeed(42, 0), memory::chipSeed(42, 1),
                                          memory::chipSeed(42, 2)}));
}

TEST(EngineRErrSummary, MatchHandComputedValues)
{
    sim::PointOutcome outcome;
    outcome.images = 10;
    outcome.cleanErrors = 1;
    outcome.storedBits = 1000;
    outcome.chips = {{1, 0, 0, 1}, {2, 4, 5, 3}, {3, 8, 9, 5}};
    const sim::RErrSummary stats = sim::summarize(outcome);
    EXPECT_DOUBLE_EQ(stats.err, 0.1);
    EXPECT_DOUBLE_EQ(stats.rerrMean, 0.3);
    EXPECT_NEAR(stats.rerrStd, std::sqrt(0.08 / 3), 1e-15); // deviations -0.2, 0, 0.2
    EXPECT_DOUBLE_EQ(stats.rerrMin, 0.1);
    EXPECT_DOUBLE_EQ(stats.rerrMax, 0.5);
    EXPECT_DOUBLE_EQ(stats.flipsMean, 4.0);
    EXPECT_DOUBLE_EQ(stats.berSeen, 0.004);
}

TEST(EngineEvaluator, FaultyCodesEqualCodesCorruptedByHand)
{
    const sim::FunctionalEvaluator evaluator(package(), firstImages(200), {}, 2);
    memory::SramChip chip(profile("stutz2021-14nm"), memory::chipSeed(7, 0));
    const auto codes = evaluator.faultyCodes(chip, OperatingPoint::atVoltage(676)); // p = 1 %
    const auto expected = test::corruptByHand(chip, {}, package());
    EXPECT_EQ(codes, expected);
    EXPECT_NE(codes, package().codes);
}

TEST(EngineEvaluator, RobustErrorsEqualCleanOrFaultyOverAllImages)
{
    const std::size_t count = 300;
    const sim::FunctionalEvaluator evaluator(package(), firstImages(count), {}, 2);
    memory::SramChip chip(profile("stutz2021-14nm"), memory::chipSeed(3, 1));
    const sim::ChipOutcome outcome = evaluator.evaluateChip(chip, OperatingPoint::atVoltage(640));
    // Independent count: classify every image with the clean and with the hand-corrupted codes.
    EXPECT_EQ(outcome.robustErrors,
              robustErrorsByFullInference(test::corruptByHand(chip, {}, package()), count));
    EXPECT_GT(outcome.flips, 0u);
}

TEST(EngineEvaluator, PrefixCachedRobustErrorsEqualFullInferenceForEveryLayerSubset)
{
    const std::size_t count = 500;
    const sim::FunctionalEvaluator evaluator(package(), firstImages(count), {}, 2);
    const std::vector<std::pair<std::vector<std::string>, std::size_t>> cases = {
        {{"conv1"}, 0},        {{"conv2"}, 2},
        {{"fc1"}, 5},          {{"fc2"}, 6},
        {{"fc1", "fc2"}, 5},   {{"conv2", "fc2"}, 2},
        {{"conv1", "fc1"}, 0}, {{"conv1", "conv2", "fc1", "fc2"}, 0}};
    for (const auto& [layers, firstChanged] : cases)
        for (const std::size_t stride : {1u, 97u}) {
            const auto codes = flipLayers(layers, stride);
            const std::uint64_t expected = robustErrorsByFullInference(codes, count);
            EXPECT_EQ(evaluator.firstChangedLayer(codes), firstChanged) << layers.front();
            EXPECT_EQ(evaluator.robustErrors(codes), expected)
                << layers.front() << " ... " << layers.back() << ", stride " << stride;
            if (stride == 1) {
                EXPECT_GT(expected, evaluator.cleanErrors())
                    << "the flips of " << layers.front() << " matter";
            }
        }
    EXPECT_EQ(evaluator.firstChangedLayer(package().codes), package().network.layers.size());
    EXPECT_EQ(evaluator.robustErrors(package().codes), evaluator.cleanErrors());
}

TEST(EngineEvaluator, PrefixCachedChipsEqualFullInferenceAcrossVoltages)
{
    const std::size_t count = 400;
    const sim::FunctionalEvaluator evaluator(package(), firstImages(count), {}, 2);
    std::set<std::size_t> firstChanged;
    for (const double mv : {760.0, 744.0, 720.0, 676.0})
        for (std::uint64_t chipIndex = 0; chipIndex < 3; ++chipIndex) {
            memory::SramChip chip(profile("stutz2021-14nm"), memory::chipSeed(1, chipIndex));
            const auto codes = evaluator.faultyCodes(chip, OperatingPoint::atVoltage(mv));
            firstChanged.insert(evaluator.firstChangedLayer(codes));
            EXPECT_EQ(evaluator.evaluateChip(chip, OperatingPoint::atVoltage(mv)).robustErrors,
                      robustErrorsByFullInference(codes, count))
                << mv << " mV, chip " << chipIndex;
        }
    EXPECT_GE(firstChanged.size(), 2u) << "the chips resume at different layers";
}

TEST(EngineEvaluator, ChipWithoutFlipsScoresTheCleanErrors)
{
    const sim::FunctionalEvaluator evaluator(package(), firstImages(100), {}, 1);
    memory::SramChip chip(profile("stutz2021-14nm"), 5);
    const sim::ChipOutcome outcome = evaluator.evaluateChip(chip, OperatingPoint::atVoltage(800));
    EXPECT_EQ(outcome.flips, 0u);
    EXPECT_EQ(outcome.robustErrors, evaluator.cleanErrors());
}

TEST(EngineEvaluator, CodesSeenBeforeReuseTheirCountExactly)
{
    const sim::FunctionalEvaluator evaluator(package(), firstImages(200), {}, 1);
    memory::SramChip chip(profile("stutz2021-14nm"), memory::chipSeed(4, 2));
    const sim::ChipOutcome first = evaluator.evaluateChip(chip, OperatingPoint::atVoltage(688));
    const sim::ChipOutcome again = evaluator.evaluateChip(chip, OperatingPoint::atVoltage(688));
    const sim::FunctionalEvaluator fresh(package(), firstImages(200), {}, 1);
    EXPECT_EQ(again.robustErrors, first.robustErrors);
    EXPECT_EQ(fresh.evaluateChip(chip, OperatingPoint::atVoltage(688)).robustErrors, first.robustErrors);
    EXPECT_EQ(fresh.robustErrors(evaluator.faultyCodes(chip, OperatingPoint::atVoltage(688))),
              first.robustErrors);
}

TEST(EngineEvaluator, ResultsDoNotDependOnTheThreadCount)
{
    sim::ChipPool pool(profile("uniform"), memory::ChipOptions{"random"});
    const auto seeds = memory::chipSeeds(11, 2);
    const auto point = OperatingPoint::atRate(0.02);
    const sim::FunctionalEvaluator single(package(), firstImages(250), {}, 1);
    const sim::FunctionalEvaluator dual(package(), firstImages(250), {}, 2);
    for (const std::uint64_t seed : seeds) {
        const sim::ChipOutcome one = single.evaluateChip(pool.chip(seed), point);
        const sim::ChipOutcome two = dual.evaluateChip(pool.chip(seed), point);
        EXPECT_EQ(one.robustErrors, two.robustErrors);
        EXPECT_EQ(one.flips, two.flips);
        EXPECT_DOUBLE_EQ(one.ber, 0.02);
    }
}

/// The built-in accelerator config (= configs/accelerator/default.json: 16x16 WS, 500 MHz).
const sim::RunConfig& defaultAccelerator()
{
    static const sim::RunConfig config = [] {
        sim::ConfigNode root(nlohmann::json::object(), "<defaults>");
        return sim::readRunConfig(root);
    }();
    return config;
}

TEST(EngineInferenceCounts, GemmsOfTheShippedNetwork)
{
    // conv1 1->16 3x3 pad 1 on 28x28, conv2 16->32 3x3 on 14x14, fc1 1568->64, fc2 64->10.
    const models::AcceleratorStats counts = sim::countInference(defaultAccelerator(), package(), 1);
    std::vector<workloads::GemmShape> gemms;
    for (const models::LayerStats& layer : counts.layers)
        if (layer.shape.macs() > 0)
            gemms.push_back(layer.shape);
    ASSERT_EQ(gemms.size(), 4u);
    EXPECT_EQ(gemms[0].m, 784);
    EXPECT_EQ(gemms[0].k, 9);
    EXPECT_EQ(gemms[0].n, 16);
    EXPECT_EQ(gemms[1].m, 196);
    EXPECT_EQ(gemms[1].k, 144);
    EXPECT_EQ(gemms[1].n, 32);
    EXPECT_EQ(gemms[2].m, 1);
    EXPECT_EQ(gemms[2].k, 1568);
    EXPECT_EQ(gemms[3].k, 64);
    EXPECT_EQ(gemms[3].n, 10);
    EXPECT_EQ(counts.host.images, 1u);
}

TEST(EngineInferenceCounts, OnlyTheWeightSramFollowsTheVoltage)
{
    const models::AcceleratorStats counts = sim::countInference(defaultAccelerator(), package(), 1);
    const sim::EnergyPricer pricer(defaultAccelerator());
    const sim::EnergyBreakdown nominal = pricer.perInference(counts, pricer.nominal());
    const sim::EnergyBreakdown low = pricer.perInference(counts, pricer.voltages(608));
    // The profile's energy table gives 0.57 of V_nom's per-access energy at 608 mV.
    EXPECT_NEAR(low.weightSramPj / nominal.weightSramPj, 0.57, 1e-12);
    EXPECT_LT(low.weightLeakagePj, nominal.weightLeakagePj);
    EXPECT_EQ(low.macPj, nominal.macPj);
    EXPECT_EQ(low.activationSramPj, nominal.activationSramPj);
    EXPECT_EQ(low.accumulatorSramPj, nominal.accumulatorSramPj);
    EXPECT_EQ(low.dramPj, nominal.dramPj);
    EXPECT_GT(nominal.dramPj, 0.0);
    EXPECT_DOUBLE_EQ(sim::latencyUsPerInference(counts, 500), sim::cyclesPerInference(counts) / 500.0);
}

TEST(EngineInferenceCounts, WeightReadsArePricedAtTheCodeWidthTheSramStores)
{
    // Same network, same reads: packed 4-bit codes cost half the SRAM access energy of 8-bit ones
    // (read energy is linear in bits, profile: 10 pJ per 64-bit read at V_nom); one code per byte
    // costs a full byte again. Nothing else changes.
    const auto clipping4 = workloads::ModelPackage::load(test::modelDir("clipping-4bit"));
    const auto clipping8 = workloads::ModelPackage::load(test::modelDir("clipping-8bit"));
    const sim::EnergyPricer pricer(defaultAccelerator());
    const sim::EnergyBreakdown eight =
        pricer.perInference(sim::countInference(defaultAccelerator(), clipping8, 1), pricer.nominal());
    const sim::EnergyBreakdown four =
        pricer.perInference(sim::countInference(defaultAccelerator(), clipping4, 1), pricer.nominal());
    EXPECT_DOUBLE_EQ(four.weightSramPj, eight.weightSramPj / 2);
    EXPECT_EQ(four.macPj, eight.macPj);
    EXPECT_EQ(four.activationSramPj, eight.activationSramPj);

    sim::RunConfig bytePerCode = defaultAccelerator();
    bytePerCode.accelerator.weightSram.layout.packing = memory::Packing::BytePerCode;
    const sim::EnergyBreakdown fourInBytes =
        pricer.perInference(sim::countInference(bytePerCode, clipping4, 1), pricer.nominal());
    EXPECT_DOUBLE_EQ(fourInBytes.weightSramPj, eight.weightSramPj);
}

namespace {

/// An evaluator of `model` on the first `count` test images with the incremental `policy`.
std::unique_ptr<sim::FunctionalEvaluator> evaluatorWith(const workloads::ModelPackage& model,
                                                        std::size_t count,
                                                        sim::IncrementalOptions::Policy policy,
                                                        std::size_t budgetBytes = std::size_t{512} << 20)
{
    return std::make_unique<sim::FunctionalEvaluator>(model, firstImages(count), memory::WeightLayoutConfig{},
                                                      2, sim::IncrementalOptions{policy, budgetBytes});
}

} // namespace

TEST(EngineIncremental, EveryPolicyGivesTheSameRobustErrorsOnRealChips)
{
    using Policy = sim::IncrementalOptions::Policy;
    const std::size_t count = 300;
    for (const std::string name : {"randbet-8bit", "randbet-4bit", "resnet-randbet-8bit"}) {
        SCOPED_TRACE(name);
        const workloads::ModelPackage model = workloads::ModelPackage::load(test::modelDir(name));
        const auto always = evaluatorWith(model, count, Policy::Always);
        const auto never = evaluatorWith(model, count, Policy::Never);
        const auto automatic = evaluatorWith(model, count, Policy::Auto);
        EXPECT_GE(always->incrementalLayers().size(), 3u);
        EXPECT_TRUE(never->incrementalLayers().empty());
        std::set<std::size_t> incremental;
        for (const double mv : {784.0, 752.0, 736.0, 720.0, 704.0, 676.0})
            for (std::uint64_t chipIndex = 0; chipIndex < 3; ++chipIndex) {
                memory::SramChip chip(profile("stutz2021-14nm"), memory::chipSeed(1, chipIndex));
                const auto codes = always->faultyCodes(chip, OperatingPoint::atVoltage(mv));
                const std::uint64_t dense = never->robustErrors(codes);
                EXPECT_EQ(always->robustErrors(codes), dense) << mv << " mV, chip " << chipIndex;
                EXPECT_EQ(automatic->robustErrors(codes), dense) << mv << " mV, chip " << chipIndex;
                const std::size_t changed = always->firstChangedLayer(codes);
                if (always->prefersIncremental(changed, 0))
                    incremental.insert(changed);
            }
        EXPECT_GE(incremental.size(), 2u) << "chips start incrementally at several layers";
    }
}

TEST(EngineIncremental, PatchedChannelsGiveTheSameRobustErrorsOnRealChips)
{
    using Policy = sim::IncrementalOptions::Policy;
    const std::size_t count = 300;
    for (const std::string name : {"randbet-8bit", "randbet-4bit"}) {
        SCOPED_TRACE(name);
        const workloads::ModelPackage model = workloads::ModelPackage::load(test::modelDir(name));
        // No accumulators kept: a chip with a changed conv1 resumes at conv2 with patched channels.
        const auto patched = evaluatorWith(model, count, Policy::Always, 0);
        const auto never = evaluatorWith(model, count, Policy::Never);
        const auto automatic = evaluatorWith(model, count, Policy::Auto, 0);
        EXPECT_EQ(patched->patchableLayers(), std::vector<std::size_t>{0}); // conv1 (+ pool1) -> conv2
        EXPECT_TRUE(never->patchableLayers().empty());
        std::size_t resumedAfterConv1 = 0;
        for (const double mv : {720.0, 704.0, 688.0, 656.0})
            for (std::uint64_t chipIndex = 0; chipIndex < 3; ++chipIndex) {
                memory::SramChip chip(profile("stutz2021-14nm"), memory::chipSeed(2, chipIndex));
                const auto codes = patched->faultyCodes(chip, OperatingPoint::atVoltage(mv));
                const std::uint64_t dense = never->robustErrors(codes);
                EXPECT_EQ(patched->robustErrors(codes), dense) << mv << " mV, chip " << chipIndex;
                EXPECT_EQ(automatic->robustErrors(codes), dense) << mv << " mV, chip " << chipIndex;
                resumedAfterConv1 += patched->firstChangedLayer(codes) == 0;
            }
        EXPECT_GE(resumedAfterConv1, 6u) << "most chips change conv1 at these voltages";
    }
}

TEST(EngineIncremental, IncrementalRobustErrorsEqualFullInferenceForEveryLayerSubset)
{
    const std::size_t count = 300;
    const auto evaluator = evaluatorWith(package(), count, sim::IncrementalOptions::Policy::Always);
    for (const std::vector<std::string>& layers :
         std::vector<std::vector<std::string>>{{"conv2"}, {"fc1"}, {"fc2"}, {"conv2", "fc1", "fc2"}})
        for (const std::size_t stride : {1u, 97u}) {
            const auto codes = flipLayers(layers, stride);
            EXPECT_EQ(evaluator->robustErrors(codes), robustErrorsByFullInference(codes, count))
                << layers.front() << ", stride " << stride;
        }
}

TEST(EngineIncremental, AccumulatorsStayWithinTheBudgetFromTheLastLayerBackwards)
{
    using Policy = sim::IncrementalOptions::Policy;
    const std::size_t count = 200;
    const auto unbounded = evaluatorWith(package(), count, Policy::Always);
    EXPECT_EQ(unbounded->incrementalLayers(),
              (std::vector<std::size_t>{0, 2, 5, 6})); // conv1, conv2, fc1, fc2
    const auto none = evaluatorWith(package(), count, Policy::Always, 0);
    EXPECT_TRUE(none->incrementalLayers().empty());
    EXPECT_EQ(none->accumulatorBytes(), 0u);
    // Room for fc2's and fc1's accumulators (and sums of inputs) but not conv2's.
    const std::size_t linear = (count - unbounded->cleanErrors()) * (10 + 1 + 64 + 1) * sizeof(std::int32_t);
    const auto small = evaluatorWith(package(), count, Policy::Always, linear);
    EXPECT_EQ(small->incrementalLayers(), (std::vector<std::size_t>{5, 6}));
    EXPECT_EQ(small->accumulatorBytes(), linear);
    EXPECT_LE(unbounded->accumulatorBytes(), std::size_t{512} << 20);
}
