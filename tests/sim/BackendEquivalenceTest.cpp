// One experiment, two back-ends: the SystemC accelerator and the functional engine evaluate the
// same model, images, accelerator, faulty operating point and chips, with the weights resident
// (stutz2021-14nm) and streamed through the faulty SRAM (salami2018-vc707, 64 KiB). Each must see the codes
// corrupted by hand (the chip's active cells flipped in the packed layout, not through any read
// path) and infer exactly the integer reference's logits on them; both must return the same
// outcome, counts and energy per inference; through the executable, `voltsim sweep` and
// `voltsim run` write the same results whichever back-end they use.
#include "ShippedData.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/sim/experiment/impl/AcceleratorBackend.hpp"
#include "voltsim/sim/stats/EnergyPricer.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include "CliFixture.hpp"
#include "CorruptByHand.hpp"
#include "TestPaths.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <tuple>

namespace {

using namespace voltsim;

constexpr std::size_t kImages = 40;

/// An accelerator and a faulty operating point with hundreds of flips per chip.
struct Placement {
    const char* name;
    const char* profile;
    double voltageMv;
};
const Placement kResident{"resident", "stutz2021-14nm", 676};   // p = 1 %
const Placement kStreamed{"streamed", "salami2018-vc707", 540}; // p = 6.2e-4; 64 KiB, streamed

void PrintTo(const Placement& placement, std::ostream* out)
{
    *out << placement.name;
}

const workloads::ModelPackage& package()
{
    return test::randbet8bit();
}
const workloads::Dataset& testSet()
{
    return test::fashionMnistTestSet();
}

/// The built-in accelerator (configs/accelerator/default.json) with the setup's profile, the
/// `random` fault model (faulty cells flip, as corruptByHand derives) and batches of 16 images, so
/// the SystemC back-end reads (and streams) the weights several times.
const sim::RunConfig& accelerator(const Placement& setup)
{
    static std::map<std::string, sim::RunConfig> configs;
    auto found = configs.find(setup.name);
    if (found == configs.end()) {
        sim::ConfigNode root(
            nlohmann::json{{"weight_sram", {{"profile", setup.profile}, {"fault_model", "random"}}},
                           {"run", {{"batch_images", 16}}}},
            "<test>");
        found = configs.emplace(setup.name, sim::readRunConfig(root)).first;
    }
    return found->second;
}

sim::Experiment experiment(const Placement& setup)
{
    sim::Experiment run;
    run.model = &package();
    run.images = {testSet().pixels().data(), testSet().labels().data(), kImages};
    run.accelerator = &accelerator(setup);
    run.point = memory::OperatingPoint::atVoltage(setup.voltageMv);
    run.chipSeeds = memory::chipSeeds(5, 3);
    run.cleanSeed = memory::chipSeed(5, 0);
    run.keepLogits = true;
    return run;
}

/// The outcome of each back-end on each setup, evaluated once.
const sim::PointOutcome& outcome(const std::string& backend, const Placement& setup)
{
    static std::map<std::string, sim::PointOutcome> outcomes;
    const std::string key = backend + "/" + setup.name;
    auto found = outcomes.find(key);
    if (found == outcomes.end())
        found =
            outcomes.emplace(key, sim::makeBackend(backend, "test", {})->evaluate(experiment(setup))).first;
    return found->second;
}

/// The codes of the chip of `seed` at the setup's point, derived by hand.
std::vector<std::uint8_t> corruptByHand(const Placement& setup, std::uint64_t seed)
{
    const models::WeightSramSpecs& sram = accelerator(setup).accelerator.weightSram;
    memory::SramChip chip(sram.profile, seed, sram.chip);
    chip.setOperatingPoint(memory::OperatingPoint::atVoltage(setup.voltageMv));
    return test::corruptByHand(chip, sram.layout, package());
}

std::vector<std::int32_t> referenceLogits(const std::vector<std::uint8_t>& codes)
{
    const workloads::IntegerReference reference(package(), 1);
    const auto logits = reference.logits(codes, testSet().pixels().data(), kImages);
    return {logits.data(), logits.data() + logits.size()};
}

std::vector<int> predictions(const std::vector<std::int32_t>& logits)
{
    const auto classes = static_cast<std::size_t>(package().network.dataset.numClasses);
    std::vector<int> predicted;
    for (std::size_t i = 0; i < kImages; ++i)
        predicted.push_back(workloads::argmaxLowest(logits.data() + i * classes, classes));
    return predicted;
}

std::uint64_t differingBits(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b)
{
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        bits += static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(a[i] ^ b[i])));
    return bits;
}

class BackendEquivalence : public ::testing::TestWithParam<std::tuple<std::string, Placement>> {
  protected:
    const std::string& backend() const { return std::get<0>(GetParam()); }
    const Placement& setup() const { return std::get<1>(GetParam()); }
    const sim::PointOutcome& result() const { return outcome(backend(), setup()); }
};

} // namespace

TEST_P(BackendEquivalence, TheCleanRunHasNoFlipsAndTheReferenceLogits)
{
    const sim::PointOutcome& result = this->result();
    const std::vector<std::int32_t> logits = referenceLogits(package().codes);
    std::uint64_t errors = 0;
    const std::vector<int> predicted = predictions(logits);
    for (std::size_t i = 0; i < kImages; ++i)
        errors += predicted[i] != testSet().label(i);
    EXPECT_EQ(result.clean.flips, 0u);
    EXPECT_EQ(result.clean.faultyCells, 0u);
    EXPECT_EQ(result.clean.seed, memory::chipSeed(5, 0));
    EXPECT_EQ(result.clean.logits, logits);
    EXPECT_EQ(result.clean.errors, errors);
    EXPECT_EQ(result.cleanErrors, errors);
    EXPECT_EQ(result.images, kImages);
    EXPECT_EQ(result.storedBits, 8u * package().codes.size()); // every tensor of randbet-8bit has 8-bit codes
}

TEST_P(BackendEquivalence, EveryChipSeesTheCodesCorruptedByHand)
{
    const sim::PointOutcome& result = this->result();
    const std::vector<int> clean = predictions(referenceLogits(package().codes));
    const models::WeightSramSpecs& sram = accelerator(setup()).accelerator.weightSram;
    ASSERT_EQ(result.chips.size(), 3u);
    for (std::size_t c = 0; c < 3; ++c) {
        const sim::ChipOutcome& chip = result.chips[c];
        const std::vector<std::uint8_t> codes = corruptByHand(setup(), memory::chipSeed(5, c));
        const std::vector<std::int32_t> logits = referenceLogits(codes);
        const std::vector<int> predicted = predictions(logits);
        std::uint64_t errors = 0, robust = 0;
        for (std::size_t i = 0; i < kImages; ++i) {
            errors += predicted[i] != testSet().label(i);
            robust += predicted[i] != testSet().label(i) || clean[i] != testSet().label(i);
        }
        memory::SramChip fresh(sram.profile, memory::chipSeed(5, c), sram.chip);
        fresh.setOperatingPoint(memory::OperatingPoint::atVoltage(setup().voltageMv));
        EXPECT_EQ(chip.seed, memory::chipSeed(5, c));
        EXPECT_EQ(chip.flips, differingBits(codes, package().codes)) << "chip " << c;
        EXPECT_GT(chip.flips, 100u);
        EXPECT_EQ(chip.faultyCells, fresh.faultCounts().faultyCells);
        EXPECT_EQ(chip.ber, fresh.bitErrorRate());
        EXPECT_EQ(chip.logits, logits) << "chip " << c;
        EXPECT_EQ(chip.errors, errors);
        EXPECT_EQ(chip.robustErrors, robust);
    }
}

TEST_P(BackendEquivalence, CountsAndEnergyPerInferenceAreTheCountedInference)
{
    const sim::PointOutcome& result = this->result();
    const models::AcceleratorStats one = sim::countInference(accelerator(setup()), package(), kImages);
    const sim::EnergyPricer pricer(accelerator(setup()));
    for (const sim::ChipOutcome* chip : {&result.clean, &result.chips[0], &result.chips[2]}) {
        const models::AcceleratorStats& counts = chip->counts;
        EXPECT_EQ(sim::cyclesPerInference(counts), sim::cyclesPerInference(one));
        EXPECT_EQ(sim::dramBytesPerInference(counts), sim::dramBytesPerInference(one));
        ASSERT_EQ(counts.layers.size(), one.layers.size());
        for (std::size_t l = 0; l < one.layers.size(); ++l) {
            const models::LayerStats& a = counts.layers[l];
            const models::LayerStats& b = one.layers[l];
            const auto perImage = [](std::uint64_t count, std::uint64_t images) {
                return static_cast<double>(count) / static_cast<double>(images);
            };
            EXPECT_EQ(a.name, b.name);
            EXPECT_EQ(a.cyclesPerImage, b.cyclesPerImage);
            EXPECT_EQ(a.timing.macs, b.timing.macs);
            EXPECT_EQ(a.timing.filterSramReads, b.timing.filterSramReads);
            EXPECT_EQ(a.weightStoredBitsPerCode, b.weightStoredBitsPerCode);
            EXPECT_EQ(perImage(a.activationReads, a.images), perImage(b.activationReads, b.images));
            EXPECT_EQ(perImage(a.accumulatorWrites, a.images), perImage(b.accumulatorWrites, b.images));
        }
        for (const double mv : {setup().voltageMv, pricer.nominalVoltageMv()}) {
            const sim::EnergyBreakdown energy = pricer.perInference(counts, pricer.voltages(mv));
            const sim::EnergyBreakdown expected = pricer.perInference(one, pricer.voltages(mv));
            EXPECT_EQ(energy.totalPj(), expected.totalPj()) << mv << " mV";
            EXPECT_EQ(energy.weightSramTotalPj(), expected.weightSramTotalPj()) << mv << " mV";
        }
    }
}

TEST_P(BackendEquivalence, TheSummaryEqualsTheOtherBackEnds)
{
    const std::string other = backend() == "systemc" ? "functional" : "systemc";
    const sim::PointOutcome& mine = result();
    const sim::PointOutcome& theirs = outcome(other, setup());
    const sim::RErrSummary a = sim::summarize(mine);
    const sim::RErrSummary b = sim::summarize(theirs);
    EXPECT_EQ(a.err, b.err);
    EXPECT_EQ(a.rerrMean, b.rerrMean);
    EXPECT_EQ(a.rerrStd, b.rerrStd);
    EXPECT_EQ(a.rerrMin, b.rerrMin);
    EXPECT_EQ(a.rerrMax, b.rerrMax);
    EXPECT_EQ(a.flipsMean, b.flipsMean);
    EXPECT_EQ(a.berSeen, b.berSeen);
    EXPECT_EQ(mine.ber, theirs.ber);
    EXPECT_GT(a.rerrMax, 0.0);
}

TEST_P(BackendEquivalence, StreamedWeightsAreReloadedEveryBatch)
{
    const models::AcceleratorStats& counts = result().chips[0].counts;
    std::uint64_t loaded = 0;
    for (const models::LayerStats& layer : counts.layers)
        loaded += layer.weightBytesLoaded;
    // 40 images in batches of 16: three batches, each loading every code once (8-bit: one byte each).
    EXPECT_EQ(loaded, std::string(setup().name) == "streamed" ? 3 * package().codes.size() : 0u);
    EXPECT_EQ(counts.host.modelBytes, std::string(setup().name) == "streamed" ? 0u : package().codes.size());
}

/// Every shipped model, on a faulty chip of the default accelerator (stutz2021-14nm at p = 1 %;
/// a model larger than its 128 KiB is streamed, in batches of 4 images): both back-ends infer the
/// integer reference's logits of the clean codes and of the codes corrupted by hand.
TEST(EveryShippedModel, EitherBackEndInfersTheReferenceLogitsOfTheCorruptedCodes)
{
    constexpr std::size_t kFewImages = 8;
    constexpr double kVoltageMv = 676;
    sim::ConfigNode root(
        nlohmann::json{{"weight_sram", {{"fault_model", "random"}}}, {"run", {{"batch_images", 4}}}},
        "<test>");
    const sim::RunConfig config = sim::readRunConfig(root);
    const models::WeightSramSpecs& sram = config.accelerator.weightSram;
    for (const std::string& name : test::shippedModelNames()) {
        const workloads::ModelPackage model = workloads::ModelPackage::load(test::modelDir(name));
        const workloads::IntegerReference reference(model, 1);
        const auto logitsOf = [&](const std::vector<std::uint8_t>& codes) {
            const auto logits = reference.logits(codes, testSet().pixels().data(), kFewImages);
            return std::vector<std::int32_t>(logits.data(), logits.data() + logits.size());
        };
        memory::SramChip chip(sram.profile, memory::chipSeed(7, 0), sram.chip);
        chip.setOperatingPoint(memory::OperatingPoint::atVoltage(kVoltageMv));
        const std::vector<std::uint8_t> corrupted = test::corruptByHand(chip, sram.layout, model);
        ASSERT_GT(differingBits(corrupted, model.codes), 100u) << name;
        ASSERT_NE(logitsOf(corrupted), logitsOf(model.codes)) << name; // the flips show in the logits
        sim::Experiment run;
        run.model = &model;
        run.images = {testSet().pixels().data(), testSet().labels().data(), kFewImages};
        run.accelerator = &config;
        run.point = memory::OperatingPoint::atVoltage(kVoltageMv);
        run.chipSeeds = {memory::chipSeed(7, 0)};
        run.cleanSeed = memory::chipSeed(7, 1);
        run.keepLogits = true;
        for (const char* backend : {"systemc", "functional"}) {
            const sim::PointOutcome outcome = sim::makeBackend(backend, "test", {})->evaluate(run);
            EXPECT_EQ(outcome.clean.logits, logitsOf(model.codes)) << name << " on " << backend;
            EXPECT_EQ(outcome.chips.at(0).logits, logitsOf(corrupted)) << name << " on " << backend;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendEquivalence,
                         ::testing::Combine(::testing::Values("systemc", "functional"),
                                            ::testing::Values(kResident, kStreamed)),
                         [](const ::testing::TestParamInfo<std::tuple<std::string, Placement>>& info) {
                             return std::get<0>(info.param) + "_" + std::get<1>(info.param).name;
                         });

namespace {

class BackendChoice : public voltsim::test::CliFixture {
  protected:
    BackendChoice() : CliFixture("voltsim-backend") {}

    /// Runs `sweep` (without --out and --backend) on both back-ends and compares their files.
    void expectSameFilesOnEitherBackEnd(const std::string& sweep)
    {
        ASSERT_EQ(voltsim(sweep + " --out functional --backend functional"), 0) << stderrText();
        ASSERT_EQ(voltsim(sweep + " --out systemc --backend systemc"), 0) << stderrText();
        for (const char* file : {"sweep.csv", "chips.csv", "points.jsonl", "summary.json", "stats.json"})
            EXPECT_EQ(voltsim::test::readFile(m_dir / "functional" / file),
                      voltsim::test::readFile(m_dir / "systemc" / file))
                << sweep << ": " << file;
        std::filesystem::remove_all(m_dir / "functional");
        std::filesystem::remove_all(m_dir / "systemc");
    }
};

} // namespace

TEST_F(BackendChoice, SweepWritesTheSameFilesOnEitherBackEnd)
{
    // A voltage axis, and a rate axis (where the fault model defaults to `random` on both).
    for (const std::string axis : {"--voltages-rel 1.0,0.86", "--profile uniform --bers 0,0.01"})
        expectSameFilesOnEitherBackEnd("sweep --models randbet-8bit,clipping-4bit " + axis +
                                       " --chips 2 --images 30 --seed 4 --quiet --no-plots");
}

TEST_F(BackendChoice, ProtectedSweepsAreTheSameOnEitherBackEnd)
{
    // Every protection corrects (or zeroes) inside the read path both back-ends share; at 0.84 V_min
    // (p about 1.2 %) SECDED words see double errors and parity words fail, so every decoder path
    // runs. Streamed through salami2018-vc707's 64 KiB too (check bits travel with every tile).
    for (const std::string axis :
         {"--voltages-rel 1.0,0.84", "--voltages-rel 1.0,0.89 --profile salami2018-vc707"})
        expectSameFilesOnEitherBackEnd("sweep --models randbet-8bit " + axis +
                                       " --protections none,secded:64,secded:32,parity:16,msb:2 --chips 2 "
                                       "--images 30 --seed 4 --quiet --no-plots");
}

TEST_F(BackendChoice, RunSummaryAndLogitsAreTheSameOnEitherBackEnd)
{
    // Resident weights; weights streamed through salami2018-vc707's 64 KiB in batches of 8; the
    // graph fixture (grouped and depthwise conv2d, add, concat) streamed through 64 bytes, its
    // layers split into steps of a few output channels.
    const std::string randbet = "--model " + test::modelDir("randbet-8bit");
    const std::string graph = "--model " + test::sourceDir() + "/tests/data/graph-every-layer";
    for (const std::string& point :
         {randbet + " --voltage-rel 0.86",
          randbet + " --profile salami2018-vc707 --voltage-rel 0.9 --set run.batch_images=8",
          graph +
              " --set weight_sram.banks=1 --set weight_sram.rows=8 --set run.batch_images=16 --ber 0.05"}) {
        const std::string run = "run " + point + " --chips 2 --images 30 --seed 4 --json --dump-logits ";
        ASSERT_EQ(voltsim(run + "functional.csv --backend functional", "functional.json"), 0) << stderrText();
        ASSERT_EQ(voltsim(run + "systemc.csv --backend systemc", "systemc.json"), 0) << stderrText();
        EXPECT_EQ(test::readFile(m_dir / "functional.json"), test::readFile(m_dir / "systemc.json")) << point;
        EXPECT_EQ(test::readFile(m_dir / "functional.csv"), test::readFile(m_dir / "systemc.csv")) << point;
    }
}

TEST_F(BackendChoice, AnUnknownBackEndIsRefusedBeforeAnythingIsLoaded)
{
    // The model does not exist: the back-end's name must be the first thing refused.
    for (const char* command : {"run --model no-such-model --backend bogus",
                                "sweep --models no-such-model --voltages-rel 1.0 --backend bogus --quiet"}) {
        EXPECT_EQ(voltsim(command), 2) << command;
        EXPECT_NE(stderrText().find("--backend"), std::string::npos) << command << ": " << stderrText();
        EXPECT_NE(stderrText().find("bogus"), std::string::npos) << command << ": " << stderrText();
        EXPECT_EQ(stderrText().find("no-such-model"), std::string::npos) << command << ": " << stderrText();
    }
}
