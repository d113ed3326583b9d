#include "voltsim/workloads/model/GoldenVectors.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"
#include "voltsim/common/JsonCursor.hpp"
#include "voltsim/workloads/util/Sha256.hpp"

#include <cstdint>

namespace voltsim::workloads {
namespace {

constexpr std::int64_t kInt32Min = -2147483648LL;
constexpr std::int64_t kInt32Max = 2147483647LL;
constexpr std::size_t kMinGoldenImages = 32;

std::vector<std::int32_t> readLogits(const JsonCursor& cursor, int numClasses)
{
    const auto values = cursor.asIntArray(kInt32Min, kInt32Max, static_cast<std::size_t>(numClasses));
    return {values.begin(), values.end()};
}

GoldenImage readImage(const JsonCursor& cursor, const ModelPackage& package)
{
    const int classes = package.network.dataset.numClasses;
    GoldenImage image;
    image.index = static_cast<int>(cursor["index"].asInt(0, package.testImages - 1));
    image.label = static_cast<int>(cursor["label"].asInt(0, classes - 1));
    const auto pixels =
        cursor["pixels"].asIntArray(0, 255, static_cast<std::size_t>(package.network.inputSize()));
    image.pixels.assign(pixels.begin(), pixels.end());
    image.logits = readLogits(cursor["logits"], classes);
    image.predicted = static_cast<int>(cursor["predicted"].asInt(0, classes - 1));
    const int argmax = argmaxLowest(image.logits.data(), image.logits.size());
    if (image.predicted != argmax)
        cursor["predicted"].fail("is " + std::to_string(image.predicted) +
                                 " but the argmax of logits (lowest index on ties) is " +
                                 std::to_string(argmax));
    cursor.finish();
    return image;
}

/// The code width of the tensor holding blob byte `index`.
int bitsAt(const ModelPackage& package, std::size_t index)
{
    for (const ParameterTensor& tensor : package.network.parameterTensors())
        if (index >= tensor.blobOffset && index < tensor.blobOffset + tensor.count)
            return static_cast<int>(tensor.bits);
    return 0;
}

void readFaulty(const JsonCursor& cursor, const ModelPackage& package, GoldenVectors& golden)
{
    golden.faultySeed = static_cast<std::uint64_t>(cursor["seed"].asInt(0, INT64_MAX));
    golden.faultyP = cursor["p"].asDouble(0, 1);
    const JsonCursor flips = cursor["flips"];
    for (std::size_t i = 0; i < flips.size(); ++i) {
        const auto pair = flips[i].asIntArray(0, INT64_MAX, 2);
        if (pair[0] >= std::int64_t(package.codes.size()))
            flips[i][0].fail("blob index " + std::to_string(pair[0]) + " is outside codes.bin (" +
                             std::to_string(package.codes.size()) + " codes)");
        const int bits = bitsAt(package, static_cast<std::size_t>(pair[0]));
        if (pair[1] < 1 || pair[1] >= (1 << bits))
            flips[i][1].fail("xor mask must be in 1.." + std::to_string((1 << bits) - 1) + " for a " +
                             std::to_string(bits) + "-bit code, got " + std::to_string(pair[1]));
        golden.flips.emplace_back(static_cast<std::size_t>(pair[0]), static_cast<std::uint8_t>(pair[1]));
    }
    const JsonCursor logits = cursor["logits"];
    if (logits.size() != golden.images.size())
        logits.fail("must have one entry per image (" + std::to_string(golden.images.size()) + "), got " +
                    std::to_string(logits.size()));
    for (std::size_t i = 0; i < logits.size(); ++i)
        golden.faultyLogits.push_back(readLogits(logits[i], package.network.dataset.numClasses));
    cursor.finish();
}

} // namespace

GoldenVectors GoldenVectors::load(const ModelPackage& package)
{
    const std::string path = package.goldenPath();
    const std::string text = readTextFile(path, "file");
    const std::string digest = Sha256::hexOf(text.data(), text.size());
    if (digest != package.golden.sha256)
        throw InputError(path + ": SHA-256 " + digest + " does not match manifest golden.sha256 " +
                         package.golden.sha256);
    const JsonCursor root = JsonCursor::parse(text, path);
    GoldenVectors golden;
    const JsonCursor images = root["images"];
    if (images.size() < kMinGoldenImages)
        images.fail("must hold at least " + std::to_string(kMinGoldenImages) + " images, got " +
                    std::to_string(images.size()));
    for (std::size_t i = 0; i < images.size(); ++i)
        golden.images.push_back(readImage(images[i], package));
    readFaulty(root["faulty"], package, golden);
    root.finish();
    return golden;
}

std::vector<std::uint8_t> GoldenVectors::faultyCodes(const std::vector<std::uint8_t>& codes) const
{
    std::vector<std::uint8_t> faulty = codes;
    for (const auto& [index, mask] : flips)
        faulty[index] ^= mask;
    return faulty;
}

int argmaxLowest(const std::int32_t* values, std::size_t count)
{
    std::size_t best = 0;
    for (std::size_t i = 1; i < count; ++i)
        if (values[i] > values[best])
            best = i;
    return static_cast<int>(best);
}

} // namespace voltsim::workloads
