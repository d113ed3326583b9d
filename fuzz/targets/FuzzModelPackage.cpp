// libFuzzer target: model package loader (manifest.json, codes.bin, golden.json) and, for
// packages that load, the golden vectors and one exact integer inference.
//
// Input: <flags byte><manifest.json> SEP <codes.bin> SEP <golden.json> (SEP = kPartSeparator).
// Flag bit 0 set: the harness rewrites blob.bytes, blob.sha256 and golden.sha256 in a manifest
// that parses as JSON so mutations of the blob and golden file get past the checksum checks and
// reach the deeper validation; bit 0 clear: the files are taken as they are (checksums checked).
#include "FuzzSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"
#include "voltsim/workloads/util/Sha256.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace voltsim::workloads;

/// Largest activation (elements) the harness runs inference on; the loader bounds sizes by the
/// files, the limit only keeps one fuzz iteration short.
constexpr std::int64_t kMaxInferenceElements = std::int64_t(1) << 16;

std::string fixChecksums(std::string_view manifest, std::string_view codes, std::string_view golden)
{
    nlohmann::json document = nlohmann::json::parse(manifest.begin(), manifest.end(), nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return std::string(manifest);
    if (document.contains("blob") && document["blob"].is_object()) {
        document["blob"]["bytes"] = codes.size();
        document["blob"]["sha256"] = Sha256::hexOf(codes.data(), codes.size());
    }
    if (document.contains("golden") && document["golden"].is_object())
        document["golden"]["sha256"] = Sha256::hexOf(golden.data(), golden.size());
    return document.dump();
}

bool smallEnough(const Network& network)
{
    for (const auto& layer : network.layers)
        for (const auto* shape : {&layer.inShape, &layer.outShape}) {
            std::int64_t elements = 1;
            for (auto dim : *shape)
                elements *= dim;
            if (elements > kMaxInferenceElements)
                return false;
        }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace voltsim::fuzz;
    if (size < 1)
        return 0;
    const bool fix = (data[0] & 1) != 0;
    const auto parts = splitParts(data + 1, size - 1, kPartSeparator);
    const std::string_view codes = parts.size() > 1 ? parts[1] : std::string_view();
    const std::string_view golden = parts.size() > 2 ? parts[2] : std::string_view();
    const std::string dir = scratchDir();
    writeFile(dir + "/manifest.json", fix ? fixChecksums(parts[0], codes, golden) : std::string(parts[0]));
    writeFile(dir + "/codes.bin", codes);
    writeFile(dir + "/golden.json", golden);
    try {
        const ModelPackage package = ModelPackage::load(dir);
        const GoldenVectors vectors = GoldenVectors::load(package);
        if (!vectors.images.empty() && smallEnough(package.network)) {
            const IntegerReference reference(package, 1);
            const auto logits = reference.logits(package.codes, vectors.images.front().pixels.data(), 1);
            if (static_cast<int>(logits.cols()) != package.network.dataset.numClasses)
                std::abort();
            const auto faulty =
                reference.logits(vectors.faultyCodes(package.codes), vectors.images.front().pixels.data(), 1);
            (void)faulty;
        }
    } catch (const voltsim::InputError&) {
    }
    return 0;
}
