#pragma once
// The golden-vector check of a model package: the C++ integer reference reproduces the logits the
// trainer's integer reference wrote into golden.json, bit for bit, clean and with its bit flips.
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace voltsim::test {

inline std::vector<std::int32_t> logitRow(const workloads::IntegerReference::Logits& logits,
                                          std::size_t index)
{
    const auto* begin = logits.data() + index * static_cast<std::size_t>(logits.cols());
    return {begin, begin + logits.cols()};
}

/// Loads the package in `directory` and expects its golden logits, clean and faulty.
inline void expectGoldenLogits(const std::string& directory)
{
    SCOPED_TRACE(directory);
    const workloads::ModelPackage package = workloads::ModelPackage::load(directory);
    const workloads::GoldenVectors golden = workloads::GoldenVectors::load(package);
    std::vector<std::uint8_t> pixels;
    for (const auto& image : golden.images)
        pixels.insert(pixels.end(), image.pixels.begin(), image.pixels.end());
    const workloads::IntegerReference reference(package);
    const auto clean = reference.logits(package.codes, pixels.data(), golden.images.size());
    const auto faulty =
        reference.logits(golden.faultyCodes(package.codes), pixels.data(), golden.images.size());
    EXPECT_FALSE(golden.flips.empty());
    for (std::size_t i = 0; i < golden.images.size(); ++i) {
        EXPECT_EQ(logitRow(clean, i), golden.images[i].logits) << "image " << i;
        EXPECT_EQ(logitRow(faulty, i), golden.faultyLogits[i]) << "faulty image " << i;
    }
}

} // namespace voltsim::test
