// Every package under workloads/models/ (found by listing the folder, so new packages are covered
// automatically): it loads, and the integer reference reproduces its golden logits bit for bit,
// clean and with the listed bit flips. One package also gets its clean test error checked on the
// full Fashion-MNIST test set.
#include "TestPaths.hpp"

#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace voltsim::test {
namespace {

using namespace workloads;

std::vector<std::string> shippedPackages()
{
    std::vector<std::string> directories;
    const std::filesystem::path zoo = sourceDir() + "/workloads/models";
    if (std::filesystem::is_directory(zoo))
        for (const auto& entry : std::filesystem::directory_iterator(zoo))
            if (std::filesystem::exists(entry.path() / "manifest.json"))
                directories.push_back(entry.path().string());
    std::sort(directories.begin(), directories.end());
    return directories;
}

std::vector<std::int32_t> row(const IntegerReference::Logits& logits, std::size_t index)
{
    const auto* begin = logits.data() + index * static_cast<std::size_t>(logits.cols());
    return {begin, begin + logits.cols()};
}

TEST(ShippedModelsTest, EveryPackageReproducesItsGoldenLogits)
{
    const auto packages = shippedPackages();
    ASSERT_FALSE(packages.empty()) << "no model package under " << sourceDir() << "/workloads/models";
    for (const auto& directory : packages) {
        SCOPED_TRACE(directory);
        const ModelPackage package = ModelPackage::load(directory);
        const GoldenVectors golden = GoldenVectors::load(package);
        std::vector<std::uint8_t> pixels;
        for (const auto& image : golden.images)
            pixels.insert(pixels.end(), image.pixels.begin(), image.pixels.end());
        const IntegerReference reference(package);
        const auto clean = reference.logits(package.codes, pixels.data(), golden.images.size());
        const auto faulty =
            reference.logits(golden.faultyCodes(package.codes), pixels.data(), golden.images.size());
        EXPECT_FALSE(golden.flips.empty());
        for (std::size_t i = 0; i < golden.images.size(); ++i) {
            EXPECT_EQ(row(clean, i), golden.images[i].logits) << "image " << i;
            EXPECT_EQ(row(faulty, i), golden.faultyLogits[i]) << "faulty image " << i;
        }
    }
}

TEST(ShippedModelsTest, CleanTestErrorMatchesManifestOnFullTestSet)
{
    const auto packages = shippedPackages();
    ASSERT_FALSE(packages.empty());
    const auto preferred = std::find_if(packages.begin(), packages.end(), [](const std::string& dir) {
        return dir.find("randbet-8bit") != std::string::npos;
    });
    const ModelPackage package =
        ModelPackage::load(preferred != packages.end() ? *preferred : packages.front());
    const Dataset test = Dataset::fashionMnist(Dataset::defaultFashionMnistDir(), false);
    ASSERT_LE(static_cast<std::size_t>(package.testImages), test.size());
    const auto count = static_cast<std::size_t>(package.testImages);
    const std::size_t errors =
        IntegerReference(package).countErrors(package.codes, test.image(0), test.labels().data(), count);
    EXPECT_EQ(errors, static_cast<std::size_t>(std::llround(package.cleanTestError * double(count))))
        << package.name;
}

} // namespace
} // namespace voltsim::test
