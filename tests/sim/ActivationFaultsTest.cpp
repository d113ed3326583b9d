// Faults in the activation SRAM on a scaled rail (docs/accelerator.md, "Activation SRAM"): both
// back-ends infer exactly the integer reference's logits on the weight codes corrupted by hand and
// with every stored tensor read through the activation SRAM's active cells, placed by hand at the
// addresses of the shipped CNN's map; the functional engine's shortcuts (resuming from clean
// activations, incremental layers) give the same robust errors as full inference; bad buffer
// geometries are one-line errors.
#include "ShippedData.hpp"
#include "voltsim/memory/BufferSram.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include "CliFixture.hpp"
#include "CorruptByHand.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using namespace voltsim;

constexpr std::size_t kImages = 40;
constexpr double kVoltageMv = 676; // p = 1 %: about 2,600 of the activation SRAM's 262,144 cells
constexpr std::uint64_t kRunSeed = 5;

const workloads::ModelPackage& package()
{
    return test::randbet8bit();
}
const workloads::Dataset& testSet()
{
    return test::fashionMnistTestSet();
}

/// The default accelerator with the activation SRAM on the weight SRAM's rail (the accumulator SRAM
/// stays at V_nom), the `random` fault model and batches of 16 images.
const sim::RunConfig& accelerator()
{
    static const sim::RunConfig config = [] {
        sim::ConfigNode root(nlohmann::json{{"weight_sram", {{"fault_model", "random"}}},
                                            {"activation_sram", {{"rail", "weight"}}},
                                            {"run", {{"batch_images", 16}}}},
                             "<test>");
        return sim::readRunConfig(root);
    }();
    return config;
}

/// The faulty bytes under the shipped CNN's tensors for chip `seed`, by hand: the active cells of
/// the activation SRAM's own chip (8 banks of 512 x 64 bits, seeded bufferSeed(seed, "activation"))
/// flip bit b % 8 of buffer byte ((b / 8 / 8) x 8 + bank) x 8 + (b / 8) % 8 (words interleaved);
/// the tensors lie at the addresses of the map derived in ActivationMapTest.cpp.
workloads::TensorFaults activationFaultsByHand(std::uint64_t seed)
{
    const models::WeightSramSpecs& sram = accelerator().accelerator.weightSram;
    memory::ChipOptions options = sram.chip;
    options.geometry = memory::ChipGeometry{8, memory::BankGeometry{512, 64}};
    options.useProfileGeometry = false;
    memory::SramChip chip(sram.profile, memory::bufferSeed(seed, "activation"), options);
    chip.setOperatingPoint(memory::OperatingPoint::atVoltage(kVoltageMv));
    std::vector<std::uint8_t> flips(std::size_t{32} * 1024, 0);
    for (std::uint32_t bank = 0; bank < 8; ++bank)
        for (const memory::FaultCell& cell : chip.cells(bank))
            if (chip.isActive(bank, cell)) {
                const std::uint64_t byte = cell.bit / 8;
                flips[(byte / 8 * 8 + bank) * 8 + byte % 8] ^=
                    static_cast<std::uint8_t>(1u << (cell.bit % 8));
            }
    const auto under = [&](std::uint64_t address, std::uint64_t bytes) {
        ByteFaults faults;
        for (std::uint64_t i = 0; i < bytes; ++i)
            if (flips[address + i] != 0)
                faults.push_back({static_cast<std::uint32_t>(i), 0xff, 0, flips[address + i]});
        return faults;
    };
    // conv1, pool1, conv2, pool2, flatten (pool2's bytes), fc1, fc2 (logits), the image.
    return {{under(784, 12544),
             under(13328, 3136),
             under(0, 6272),
             under(6272, 1568),
             under(6272, 1568),
             under(0, 64),
             {},
             under(0, 784)},
            {}};
}

std::vector<std::int32_t> referenceLogits(const std::vector<std::uint8_t>& codes,
                                          const workloads::TensorFaults* faults)
{
    const workloads::IntegerReference reference(package(), 1);
    const auto logits = reference.logits(codes, testSet().pixels().data(), kImages, faults);
    return {logits.data(), logits.data() + logits.size()};
}

std::vector<int> predictions(const std::vector<std::int32_t>& logits)
{
    const auto classes = static_cast<std::size_t>(package().network.dataset.numClasses);
    std::vector<int> predicted;
    for (std::size_t i = 0; i < logits.size() / classes; ++i)
        predicted.push_back(workloads::argmaxLowest(logits.data() + i * classes, classes));
    return predicted;
}

std::vector<std::uint8_t> weightCodesByHand(std::uint64_t seed)
{
    const models::WeightSramSpecs& sram = accelerator().accelerator.weightSram;
    memory::SramChip chip(sram.profile, seed, sram.chip);
    chip.setOperatingPoint(memory::OperatingPoint::atVoltage(kVoltageMv));
    return test::corruptByHand(chip, sram.layout, package());
}

sim::Experiment experiment(bool keepLogits)
{
    sim::Experiment run;
    run.model = &package();
    run.images = {testSet().pixels().data(), testSet().labels().data(), kImages};
    run.accelerator = &accelerator();
    run.point = memory::OperatingPoint::atVoltage(kVoltageMv);
    run.chipSeeds = memory::chipSeeds(kRunSeed, 2);
    run.cleanSeed = memory::chipSeed(kRunSeed, 0);
    run.keepLogits = keepLogits;
    return run;
}

const sim::PointOutcome& outcome(const std::string& backend, bool keepLogits)
{
    static std::map<std::string, sim::PointOutcome> outcomes;
    const std::string key = backend + (keepLogits ? "/logits" : "");
    auto found = outcomes.find(key);
    if (found == outcomes.end())
        found = outcomes.emplace(key, sim::makeBackend(backend, "test", {})->evaluate(experiment(keepLogits)))
                    .first;
    return found->second;
}

class ActivationFaults : public ::testing::TestWithParam<std::string> {};

} // namespace

TEST_P(ActivationFaults, EveryChipInfersTheReferenceLogitsOnTensorsReadThroughItsCellsByHand)
{
    const sim::PointOutcome& result = outcome(GetParam(), true);
    const std::vector<int> clean = predictions(referenceLogits(package().codes, nullptr));
    EXPECT_EQ(result.clean.logits, referenceLogits(package().codes, nullptr)); // every SRAM at V_nom
    ASSERT_EQ(result.chips.size(), 2u);
    for (std::size_t c = 0; c < 2; ++c) {
        const std::uint64_t seed = memory::chipSeed(kRunSeed, c);
        const std::vector<std::uint8_t> codes = weightCodesByHand(seed);
        const workloads::TensorFaults faults = activationFaultsByHand(seed);
        ASSERT_GT(faults.of(0).size(), 50u); // conv1's 12,544 bytes hold about 1,000 faulty cells
        const std::vector<std::int32_t> logits = referenceLogits(codes, &faults);
        EXPECT_NE(logits, referenceLogits(codes, nullptr)) << "chip " << c; // the activation faults show
        const sim::ChipOutcome& chip = result.chips[c];
        EXPECT_EQ(chip.logits, logits) << "chip " << c;
        // The weight SRAM's faults of a seed do not change when the activation SRAM has faults.
        EXPECT_EQ(chip.flips, sim::differingBits(codes, package().codes)) << "chip " << c;
        const std::vector<int> predicted = predictions(logits);
        std::uint64_t robust = 0;
        for (std::size_t i = 0; i < kImages; ++i)
            robust += predicted[i] != testSet().label(i) || clean[i] != testSet().label(i);
        EXPECT_EQ(chip.robustErrors, robust) << "chip " << c;
    }
}

TEST_P(ActivationFaults, RobustErrorsWithoutLogitsAreThoseWithLogits)
{
    const sim::PointOutcome& withLogits = outcome(GetParam(), true);
    const sim::PointOutcome& without = outcome(GetParam(), false);
    ASSERT_EQ(without.chips.size(), withLogits.chips.size());
    for (std::size_t c = 0; c < without.chips.size(); ++c) {
        EXPECT_EQ(without.chips[c].robustErrors, withLogits.chips[c].robustErrors) << "chip " << c;
        EXPECT_EQ(without.chips[c].flips, withLogits.chips[c].flips) << "chip " << c;
    }
    EXPECT_GT(sim::summarize(without).rerrMax, sim::summarize(without).err);
}

INSTANTIATE_TEST_SUITE_P(Backends, ActivationFaults, ::testing::Values("systemc", "functional"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

namespace {

/// Every SRAM on the weight SRAM's rail with the array's dataflow `dataflow`.
const sim::RunConfig& oneRail(const std::string& dataflow)
{
    static std::map<std::string, sim::RunConfig> configs;
    auto found = configs.find(dataflow);
    if (found == configs.end()) {
        sim::ConfigNode root(nlohmann::json{{"array", {{"dataflow", dataflow}}},
                                            {"weight_sram", {{"fault_model", "random"}}},
                                            {"activation_sram", {{"rail", "weight"}}},
                                            {"accumulator_sram", {{"rail", "weight"}}},
                                            {"run", {{"batch_images", 16}}}},
                             "<test>");
        found = configs.emplace(dataflow, sim::readRunConfig(root)).first;
    }
    return found->second;
}

class AccumulatorFaults : public ::testing::TestWithParam<std::string> {};

} // namespace

/// With the accumulator SRAM on the scaled rail too, both back-ends deliver the same logits, robust
/// errors and flips under every dataflow (partial sums read-modify-written per fold under weight
/// and input stationary, stored once under output stationary), and the accumulator's faults show.
TEST_P(AccumulatorFaults, BothBackEndsAgreeUnderEveryDataflow)
{
    sim::Experiment run = experiment(true);
    run.accelerator = &oneRail(GetParam());
    run.point = memory::OperatingPoint::atVoltage(704); // p = 1e-3
    const sim::PointOutcome systemc = sim::makeBackend("systemc", "test", {})->evaluate(run);
    const sim::PointOutcome functional = sim::makeBackend("functional", "test", {})->evaluate(run);
    run.keepLogits = false;
    const sim::PointOutcome summary = sim::makeBackend("functional", "test", {})->evaluate(run);
    ASSERT_EQ(systemc.chips.size(), 2u);
    for (std::size_t c = 0; c < 2; ++c) {
        EXPECT_EQ(systemc.chips[c].logits, functional.chips[c].logits) << "chip " << c;
        EXPECT_EQ(systemc.chips[c].robustErrors, functional.chips[c].robustErrors) << "chip " << c;
        EXPECT_EQ(summary.chips[c].robustErrors, functional.chips[c].robustErrors) << "chip " << c;
        EXPECT_EQ(systemc.chips[c].flips, functional.chips[c].flips) << "chip " << c;
    }
    EXPECT_EQ(systemc.clean.logits, referenceLogits(package().codes, nullptr));
    EXPECT_EQ(functional.clean.logits, systemc.clean.logits);
    // The same chips without the accumulator SRAM's faults infer other logits.
    sim::Experiment activationsOnly = run;
    activationsOnly.keepLogits = true;
    activationsOnly.accelerator = &accelerator();
    const sim::PointOutcome without = sim::makeBackend("functional", "test", {})->evaluate(activationsOnly);
    EXPECT_TRUE(without.chips[0].logits != functional.chips[0].logits ||
                without.chips[1].logits != functional.chips[1].logits);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, AccumulatorFaults, ::testing::Values("ws", "os", "is"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

namespace {

/// Robust errors of `codes` with `faults`, by full inference of every image (no shortcut).
std::uint64_t robustByFullInference(const std::vector<std::uint8_t>& codes,
                                    const workloads::TensorFaults& faults, std::size_t count)
{
    const workloads::IntegerReference reference(package(), 1);
    const auto cleanLogits = reference.logits(package().codes, testSet().pixels().data(), count);
    const auto faultyLogits = reference.logits(codes, testSet().pixels().data(), count, &faults);
    const auto classes = static_cast<std::size_t>(cleanLogits.cols());
    std::uint64_t errors = 0;
    for (std::size_t i = 0; i < count; ++i)
        errors += workloads::argmaxLowest(cleanLogits.data() + i * classes, classes) != testSet().label(i) ||
                  workloads::argmaxLowest(faultyLogits.data() + i * classes, classes) != testSet().label(i);
    return errors;
}

/// Stuck-at-0 cells on bits 5..7 of every 7th byte of a tensor of `bytes` bytes: large values drop.
ByteFaults clearHighBits(std::uint64_t bytes)
{
    ByteFaults faults;
    for (std::uint64_t i = 0; i < bytes; i += 7)
        faults.push_back({static_cast<std::uint32_t>(i), 0x1f, 0, 0});
    return faults;
}

} // namespace

/// The functional engine resumes inference no later than the first layer reading a faulty tensor
/// and runs a layer incrementally only if the tensor entering it is intact: faults under pool2
/// (read by fc1 through the flatten) force fc1 dense from its clean inputs read through them;
/// faults under fc1's output leave fc1 incremental (its weight codes differ) and hit fc2.
TEST(ActivationFaultsEngine, ShortcutsGiveTheRobustErrorsOfFullInference)
{
    constexpr std::size_t kCount = 300;
    const sim::FunctionalEvaluator evaluator(package(),
                                             {testSet().pixels().data(), testSet().labels().data(), kCount},
                                             {}, 2, {sim::IncrementalOptions::Policy::Always});
    std::vector<std::uint8_t> codes = package().codes;
    const workloads::QuantizedTensor& fc1 = *package().network.layers[5].weight;
    for (std::size_t i = 0; i < 40; ++i)
        codes[fc1.blobOffset + i * 997] ^= 0x40;
    ASSERT_EQ(evaluator.firstChangedLayer(codes), 5u);
    workloads::TensorFaults underPool2{std::vector<ByteFaults>(8), {}};
    underPool2.byTensor[3] = clearHighBits(1568);
    underPool2.byTensor[4] = underPool2.byTensor[3]; // the flatten views pool2's bytes
    workloads::TensorFaults underFc1{std::vector<ByteFaults>(8), {}};
    underFc1.byTensor[5] = clearHighBits(64);
    for (const workloads::TensorFaults* faults : {&underPool2, &underFc1}) {
        const std::uint64_t expected = robustByFullInference(codes, *faults, kCount);
        EXPECT_EQ(evaluator.robustErrors(codes, faults), expected);
        EXPECT_EQ(evaluator.robustErrors(package().codes, faults),
                  robustByFullInference(package().codes, *faults, kCount));
        const workloads::IntegerReference reference(package(), 1);
        const auto with = reference.logits(codes, testSet().pixels().data(), kCount, faults);
        const auto without = reference.logits(codes, testSet().pixels().data(), kCount);
        EXPECT_NE(with, without); // the faults show in the logits
    }
}

namespace {

class ActivationFaultsCli : public test::CliFixture {
  protected:
    ActivationFaultsCli() : CliFixture("voltsim-actfaults") {}
};

} // namespace

TEST_F(ActivationFaultsCli, BanksOfPartialWordsBelowVminAreAOneLineError)
{
    const std::string model = test::modelDir("randbet-8bit");
    const auto expectOneLineError = [this](const std::string& args, const std::string& message) {
        ASSERT_EQ(voltsim(args), 2);
        EXPECT_EQ(test::lines(stderrText()).size(), 1u) << stderrText();
        EXPECT_NE(stderrText().find(message), std::string::npos) << stderrText();
    };
    expectOneLineError("run --model " + model +
                           " --images 2 --voltage-rel 0.88 --set activation_sram.rail=weight"
                           " --set activation_sram.banks=3",
                       "activation_sram.banks: 32768 bytes do not split into 3 banks");
    // A sweep on the SystemC back-end refuses it before it simulates the point at V_nom.
    expectOneLineError("sweep --models " + model +
                           " --images 2 --chips 1 --voltages-rel 1.0,0.88 --backend systemc --out sweep"
                           " --accelerator " +
                           test::sourceDir() + "/configs/accelerator/one-rail.json" +
                           " --set accelerator.accumulator_sram.banks=5",
                       "accumulator_sram.banks: 65536 bytes do not split into 5 banks");
    // At V_nom the cells are not modelled (none fails), so any bank count is fine.
    EXPECT_EQ(voltsim("run --model " + model + " --images 2 --set activation_sram.banks=3"), 0)
        << stderrText();
}
