// Every kernel path the CPU supports (KernelPath.hpp) computes the integers of docs/datapath.md:
// the golden logits of every shipped package and of the trainer's every-layer fixture, and, with
// heavily corrupted codes (codes 0 and 2^m - 1 included), the portable path's logits on real images.
#include "GoldenCheck.hpp"
#include "KernelPathFixture.hpp"
#include "TestPaths.hpp"

#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <random>

namespace voltsim::test {
namespace {

using namespace workloads;

class KernelPathsTest : public KernelPathTest {};

TEST_P(KernelPathsTest, EveryPackageAndTheFixtureReproduceTheirGoldenLogits)
{
    EXPECT_EQ(activeKernelPath(), GetParam());
    for (const std::string& name : shippedModelNames())
        expectGoldenLogits(modelDir(name));
    expectGoldenLogits(sourceDir() + "/tests/data/graph-every-layer");
}

TEST_P(KernelPathsTest, CorruptedCodesGiveThePortableLogits)
{
    const Dataset test = Dataset::fashionMnist(Dataset::defaultFashionMnistDir(), false);
    const std::size_t count = 130; // two threads, a partial last batch
    for (const std::string name : {"randbet-8bit", "randbet-4bit", "resnet-randbet-8bit"}) {
        SCOPED_TRACE(name);
        const ModelPackage package = ModelPackage::load(modelDir(name));
        std::mt19937 random(17);
        std::vector<std::uint8_t> codes = package.codes;
        const std::uint8_t top = package.name.find("4bit") != std::string::npos ? 15 : 255; // 2^m - 1
        for (auto& code : codes) { // about 1 code in 10 forced to an extreme or flipped in bit 0
            const auto draw = random() % 30;
            if (draw < 3)
                code = draw == 0 ? std::uint8_t(0) : draw == 1 ? top : std::uint8_t(code ^ 1);
        }
        const IntegerReference reference(package, 2);
        const auto logits = reference.logits(codes, test.image(0), count);
        setKernelPath(KernelPath::Portable);
        const auto portable = reference.logits(codes, test.image(0), count);
        setKernelPath(GetParam());
        for (std::size_t i = 0; i < count; ++i)
            ASSERT_EQ(logitRow(logits, i), logitRow(portable, i)) << "image " << i;
    }
}
VOLTSIM_FOR_EVERY_KERNEL_PATH(KernelPathsTest);

TEST(KernelPathNamesTest, NamesRoundTripAndTheActivePathIsSupported)
{
    for (const KernelPath path : supportedKernelPaths())
        EXPECT_EQ(parseKernelPath(kernelPathName(path)), path);
    EXPECT_TRUE(kernelPathSupported(activeKernelPath()));
    EXPECT_TRUE(kernelPathSupported(KernelPath::Portable));
    EXPECT_THROW(parseKernelPath("avx9"), std::invalid_argument);
}

} // namespace
} // namespace voltsim::test
