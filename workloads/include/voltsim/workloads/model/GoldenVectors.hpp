#pragma once
// golden.json of a model package: test images with the trainer's exact integer logits, clean and
// after a listed set of bit flips (docs/model_package.md).
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace voltsim::workloads {

/// One golden image and its clean logits.
struct GoldenImage {
    int index = 0; ///< index into the test set
    int label = 0;
    std::vector<std::uint8_t> pixels; ///< network.inputSize() raw pixels
    std::vector<std::int32_t> logits; ///< num_classes exact logits
    int predicted = 0;                ///< argmax of logits, lowest index on ties
};

/// The golden file's content.
struct GoldenVectors {
    std::vector<GoldenImage> images;
    std::uint64_t faultySeed = 0;
    double faultyP = 0;
    std::vector<std::pair<std::size_t, std::uint8_t>> flips; ///< (blob index, xor mask)
    std::vector<std::vector<std::int32_t>> faultyLogits;     ///< per image, after the flips

    /// Loads and validates `package`'s golden file (SHA-256, keys, sizes, ranges, that `predicted`
    /// is the argmax and that every flip stays inside its tensor's code width).
    /// @throws voltsim::InputError naming the file and the JSON path of the first problem.
    static GoldenVectors load(const ModelPackage& package);

    /// The package's codes with every flip applied.
    std::vector<std::uint8_t> faultyCodes(const std::vector<std::uint8_t>& codes) const;
};

/// Index of the largest value, the lowest index on ties. `values` must not be empty.
int argmaxLowest(const std::int32_t* values, std::size_t count);

} // namespace voltsim::workloads
