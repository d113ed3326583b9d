// Every package under workloads/models/ (found by listing the folder, so new packages are covered
// automatically): it loads, and the integer reference reproduces its golden logits bit for bit,
// clean and with the listed bit flips. One package also gets its clean test error checked on the
// full Fashion-MNIST test set.
#include "GoldenCheck.hpp"
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
    for (const std::string& name : shippedModelNames())
        directories.push_back(modelDir(name));
    return directories;
}

TEST(ShippedModelsTest, EveryPackageReproducesItsGoldenLogits)
{
    const auto packages = shippedPackages();
    ASSERT_FALSE(packages.empty()) << "no model package under " << sourceDir() << "/workloads/models";
    for (const auto& directory : packages)
        expectGoldenLogits(directory);
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
