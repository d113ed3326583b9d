// The accelerator against independent references: the trainer's golden logits and the C++
// IntegerReference, clean and on the codes read back from an identical faulty chip.
#include "AcceleratorTestSupport.hpp"
#include "ScFixture.hpp"

#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/WeightMemory.hpp"
#include "voltsim/models/accelerator/WeightSram.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <gtest/gtest.h>

namespace voltsim::test {
namespace {

struct Golden {
    workloads::ModelPackage package;
    workloads::GoldenVectors golden;
    std::vector<std::uint8_t> pixels;

    /// A shipped model by name, or a package directory (a path with '/').
    explicit Golden(const std::string& nameOrDirectory)
        : package(workloads::ModelPackage::load(
              nameOrDirectory.find('/') == std::string::npos ? modelDir(nameOrDirectory) : nameOrDirectory)),
          golden(workloads::GoldenVectors::load(package))
    {
        for (const auto& image : golden.images)
            pixels.insert(pixels.end(), image.pixels.begin(), image.pixels.end());
    }
};

/// Reads every tensor back through memory::WeightMemory on a chip identical to the accelerator's
/// and reassembles the blob.
std::vector<std::uint8_t> readBackCodes(const models::AcceleratorSpecs& specs,
                                        const workloads::ModelPackage& package, std::uint64_t seed,
                                        std::uint64_t* faultyCells)
{
    memory::SramChip chip(specs.weightSram.profile, seed, specs.weightSram.chip);
    chip.setOperatingPoint(specs.weightSram.operatingPoint);
    memory::WeightMemory memory(chip, specs.weightSram.layout);
    const std::vector<workloads::ParameterTensor> tensors = package.network.parameterTensors();
    const auto read = memory.readBack(models::weightTensors(package));
    std::vector<std::uint8_t> codes(package.codes.size());
    for (std::size_t t = 0; t < tensors.size(); ++t)
        std::copy(read[t].begin(), read[t].end(),
                  codes.begin() + static_cast<std::ptrdiff_t>(tensors[t].blobOffset));
    *faultyCells = chip.faultCounts().faultyCells;
    return codes;
}

std::vector<std::int32_t> flatten(const workloads::IntegerReference::Logits& logits)
{
    return std::vector<std::int32_t>(logits.data(), logits.data() + logits.size());
}

class AcceleratorReferenceTest : public ScFixture {};

TEST_F(AcceleratorReferenceTest, CleanLogitsEqualGoldenAndIntegerReferenceInBothModes)
{
    for (const std::string& name : shippedModelNames()) {
        SCOPED_TRACE(name);
        const Golden g(name);
        for (const std::string mode : {"fast", "cycle"}) {
            // Cycle mode steps every PE every clock: a few images suffice.
            const std::size_t count = mode == "fast" ? g.golden.images.size() : 2;
            const auto run = runAccelerator(acceleratorSpecs("stutz2021-14nm", mode), g.package, 1,
                                            g.pixels.data(), count);
            const workloads::IntegerReference reference(g.package, 1);
            EXPECT_EQ(run.logits, flatten(reference.logits(g.package.codes, g.pixels.data(), count)));
            for (std::size_t i = 0; i < count; ++i)
                EXPECT_TRUE(std::equal(g.golden.images[i].logits.begin(), g.golden.images[i].logits.end(),
                                       run.logits.begin() + static_cast<std::ptrdiff_t>(i * 10)))
                    << "image " << i;
            for (const auto& layer : run.stats.layers)
                EXPECT_EQ(layer.weightBitsFlipped, 0u);
        }
    }
}

TEST_F(AcceleratorReferenceTest, FaultyLogitsEqualIntegerReferenceOnCodesReadBackFromAnIdenticalChip)
{
    const Golden g("randbet-8bit");
    for (const std::string mode : {"fast", "cycle"}) {
        auto specs = acceleratorSpecs("stutz2021-14nm", mode);
        specs.weightSram.operatingPoint = memory::OperatingPoint::atVoltage(690);
        specs.weightSram.layout.startOffsetBytes = 4096 + 17; // a different "mapping" of the chip
        specs.weightSram.layout.interleaveBytes = 64;
        const std::uint64_t seed = memory::chipSeed(7, 3);
        const std::size_t count = mode == "fast" ? g.golden.images.size() : 2;
        const auto run = runAccelerator(specs, g.package, seed, g.pixels.data(), count);
        std::uint64_t faultyCells = 0;
        const auto codes = readBackCodes(specs, g.package, seed, &faultyCells);
        ASSERT_GT(faultyCells, 1000u);
        ASSERT_NE(codes, g.package.codes) << "the chip must corrupt some codes";
        const workloads::IntegerReference reference(g.package, 1);
        EXPECT_EQ(run.logits, flatten(reference.logits(codes, g.pixels.data(), count)));
        EXPECT_NE(run.logits, flatten(reference.logits(g.package.codes, g.pixels.data(), count)));
        std::uint64_t flipped = 0;
        for (const auto& layer : run.stats.layers)
            flipped += layer.weightBitsFlipped;
        std::uint64_t differing = 0;
        for (std::size_t i = 0; i < codes.size(); ++i)
            differing += static_cast<std::uint64_t>(__builtin_popcount(codes[i] ^ g.package.codes[i]));
        EXPECT_EQ(flipped, differing) << "flips seen = bits that read differently";
    }
}

TEST_F(AcceleratorReferenceTest, BitErrorRateModeOnTheUniformProfileMatchesReadBackCodes)
{
    const Golden g("randbet-8bit");
    auto specs = acceleratorSpecs("uniform", "fast");
    specs.weightSram.operatingPoint = memory::OperatingPoint::atRate(0.01);
    const std::uint64_t seed = 11;
    const auto run = runAccelerator(specs, g.package, seed, g.pixels.data(), 8);
    std::uint64_t faultyCells = 0;
    const auto codes = readBackCodes(specs, g.package, seed, &faultyCells);
    const workloads::IntegerReference reference(g.package, 1);
    EXPECT_EQ(run.logits, flatten(reference.logits(codes, g.pixels.data(), 8)));
    // Independent check of the flip rate: about 1 % of the ~847k stored bits.
    std::uint64_t flipped = 0;
    for (const auto& layer : run.stats.layers)
        flipped += layer.weightBitsFlipped;
    EXPECT_GT(flipped, 7000u);
    EXPECT_LT(flipped, 10000u);
}

// The trainer's fixture with every version 2 layer type (a graph: skip tensors, a depthwise and a
// grouped conv2d, add, concat, the pools) on the accelerator: the golden logits clean, and the
// integer reference on the codes read back from an identical faulty chip.
TEST_F(AcceleratorReferenceTest, EveryGraphLayerTypeEqualsGoldenAndIntegerReferenceInBothModes)
{
    const Golden g(sourceDir() + "/tests/data/graph-every-layer");
    const auto classes = static_cast<std::size_t>(g.package.network.dataset.numClasses);
    for (const std::string mode : {"fast", "cycle"}) {
        SCOPED_TRACE(mode);
        const std::size_t count = mode == "fast" ? g.golden.images.size() : 2;
        const auto clean =
            runAccelerator(acceleratorSpecs("stutz2021-14nm", mode), g.package, 1, g.pixels.data(), count);
        for (std::size_t i = 0; i < count; ++i)
            EXPECT_TRUE(std::equal(g.golden.images[i].logits.begin(), g.golden.images[i].logits.end(),
                                   clean.logits.begin() + static_cast<std::ptrdiff_t>(i * classes)))
                << "image " << i;
        auto specs = acceleratorSpecs("uniform", mode);
        specs.weightSram.operatingPoint = memory::OperatingPoint::atRate(0.02);
        const auto faulty = runAccelerator(specs, g.package, 5, g.pixels.data(), count);
        std::uint64_t faultyCells = 0;
        const auto codes = readBackCodes(specs, g.package, 5, &faultyCells);
        ASSERT_NE(codes, g.package.codes) << "the chip must corrupt some codes";
        const workloads::IntegerReference reference(g.package, 1);
        EXPECT_EQ(faulty.logits, flatten(reference.logits(codes, g.pixels.data(), count)));
    }
}

} // namespace
} // namespace voltsim::test
