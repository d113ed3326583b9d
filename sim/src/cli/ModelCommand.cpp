// voltsim model check NAME|DIR | info NAME|DIR [--json]: validate and describe a model package.
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/GoldenVectors.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;
using namespace voltsim::workloads;

struct ModelOptions {
    std::string action;
    std::string directory;
    bool json = false;
    std::string dataset = workloads::kFashionMnistSpec;
    unsigned threads = 1; ///< inference threads (>= 1)
};

const char* kUsage =
    "usage: voltsim model check NAME|DIR [--dataset SPEC] [--threads N] | info NAME|DIR [--json]";

po::options_description describeOptions()
{
    po::options_description options("voltsim model options");
    options.add_options()("help,h", "show this help")("json", "info: print one JSON object")(
        "dataset", po::value<std::string>(),
        "check: fashion-mnist (default), idx:DIR or npz:FILE (docs/datasets.md)")(
        "threads", po::value<std::string>(),
        "check: worker threads for the test-set pass, 1 to 1024 (default: one per hardware thread)");
    return options;
}

/// Parses the arguments; returns false if only help was asked for.
bool parseOptions(const Args& args, ModelOptions& parsed)
{
    po::options_description options = describeOptions();
    po::options_description hidden;
    hidden.add_options()("action", po::value<std::string>())("dir", po::value<std::string>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("action", 1).add("dir", 1);
    const po::variables_map values = voltsim::sim::parseOptions("model", args, all, &positional);
    if (values.count("help")) {
        std::cout << kUsage << "\n" << options;
        return false;
    }
    if (!values.count("action") || !values.count("dir"))
        throw InputError(std::string("voltsim model: missing action or package directory (") + kUsage + ")");
    parsed.action = values["action"].as<std::string>();
    parsed.directory = values["dir"].as<std::string>();
    parsed.json = values.count("json") > 0;
    if (values.count("dataset"))
        parsed.dataset = values["dataset"].as<std::string>();
    parsed.threads = threadsFlag(values);
    if (parsed.action != "check" && parsed.action != "info")
        throw InputError("voltsim model: unknown action '" + parsed.action + "' (valid: check, info)");
    if (parsed.json && parsed.action != "info")
        throw InputError("voltsim model: --json: only valid with 'info'");
    if ((values.count("dataset") || values.count("threads")) && parsed.action != "check")
        throw InputError("voltsim model: --dataset/--threads: only valid with 'check'");
    parsed.directory = resolveModelDir(parsed.directory);
    return true;
}

/// kernel/stride/padding (and /g groups of a grouped conv2d), "-" for layers without a window.
std::string layerWindow(const Layer& layer)
{
    const bool windowed = layer.type == LayerType::Conv2d || layer.type == LayerType::MaxPool2d ||
                          layer.type == LayerType::AvgPool2d;
    if (!windowed)
        return "-";
    std::string text = std::to_string(layer.kernelH) + "x" + std::to_string(layer.kernelW) + "/" +
                       std::to_string(layer.stride) + "/" + std::to_string(layer.padding);
    if (layer.groups != 1)
        text += "/g" + std::to_string(layer.groups);
    return text;
}

/// The names of the layer's inputs ("input": the network's), comma-separated.
std::vector<std::string> inputNames(const Network& network, const Layer& layer)
{
    std::vector<std::string> names;
    for (const std::size_t producer : layer.inputs)
        names.push_back(producer == workloads::kNetworkInput ? "input" : network.layers[producer].name);
    return names;
}

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : ",") + name;
    return text;
}

nlohmann::json tensorJson(const QuantizedTensor& tensor)
{
    return {{"shape", tensor.shape},
            {"bits", tensor.bits},
            {"quantizer", quantizerName(tensor.quantizer)},
            {"range", {tensor.rangeMin, tensor.rangeMax}},
            {"count", tensor.count}};
}

nlohmann::json layerJson(const Network& network, const Layer& layer)
{
    nlohmann::json json{{"name", layer.name},
                        {"type", layerTypeName(layer.type)},
                        {"inputs", inputNames(network, layer)},
                        {"in_shape", layer.inShape},
                        {"out_shape", layer.outShape},
                        {"params", layer.parameterCount()},
                        {"macs", layer.macs()}};
    if (layerWindow(layer) != "-") {
        json["kernel"] = {layer.kernelH, layer.kernelW};
        json["stride"] = layer.stride;
        json["padding"] = layer.padding;
    }
    if (layer.type == LayerType::Conv2d)
        json["groups"] = layer.groups;
    if (layer.hasParameters()) {
        json["relu"] = layer.relu;
        json["weight"] = tensorJson(*layer.weight);
        json["bias"] = tensorJson(*layer.bias);
    }
    return json;
}

nlohmann::json packageJson(const ModelPackage& package)
{
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : package.network.layers)
        layers.push_back(layerJson(package.network, layer));
    return {{"name", package.name},
            {"description", package.description},
            {"directory", package.directory},
            {"dataset",
             {{"name", package.network.dataset.name},
              {"input_shape", package.network.dataset.inputShape},
              {"num_classes", package.network.dataset.numClasses}}},
            {"layers", layers},
            {"parameters", package.network.parameterCount()},
            {"macs_per_image", package.network.macsPerImage()},
            {"blob_bytes", package.blob.bytes},
            {"training", package.training},
            {"clean_test_error", package.cleanTestError},
            {"test_images", package.testImages}};
}

std::string bitsText(const Layer& layer)
{
    if (!layer.hasParameters())
        return "-";
    return std::to_string(layer.weight->bits) + "/" + std::to_string(layer.bias->bits);
}

void printInfo(const ModelPackage& package)
{
    const Network& network = package.network;
    std::cout << "model " << package.name << " (" << package.method << "): " << package.description << "\n"
              << "dataset " << network.dataset.name << ", input " << shapeText(network.dataset.inputShape)
              << ", " << network.dataset.numClasses << " classes\n\n";
    std::printf("%-10s %-14s %-16s %-14s %-14s %-12s %-5s %-9s %10s %12s\n", "layer", "type", "inputs", "in",
                "out", "k/s/p", "bits", "quantizer", "params", "MACs");
    for (const auto& layer : network.layers)
        std::printf("%-10s %-14s %-16s %-14s %-14s %-12s %-5s %-9s %10lld %12lld\n", layer.name.c_str(),
                    layerTypeName(layer.type), joined(inputNames(network, layer)).c_str(),
                    shapeText(layer.inShape).c_str(), shapeText(layer.outShape).c_str(),
                    layerWindow(layer).c_str(), bitsText(layer).c_str(),
                    layer.hasParameters() ? quantizerName(layer.weight->quantizer) : "-",
                    static_cast<long long>(layer.parameterCount()), static_cast<long long>(layer.macs()));
    std::cout << "\nparameters " << network.parameterCount() << " (" << package.blob.bytes << " code bytes)\n"
              << "macs_per_image " << network.macsPerImage() << "\n"
              << "training " << package.training.dump() << "\n"
              << "clean_test_error " << package.cleanTestError << " on " << package.testImages
              << " test images\n";
}

std::string logitsMismatch(const IntegerReference::Logits& got, const std::vector<std::int32_t>& expected,
                           std::size_t row)
{
    for (std::size_t c = 0; c < expected.size(); ++c)
        if (got(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(c)) != expected[c])
            return "[" + std::to_string(c) + "]: expected " + std::to_string(expected[c]) + ", computed " +
                   std::to_string(got(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(c)));
    return "";
}

/// Reproduces every golden logit, clean and faulty; throws on the first difference.
void checkGolden(const ModelPackage& package, const GoldenVectors& golden, const IntegerReference& reference,
                 std::ostream& report)
{
    std::vector<std::uint8_t> pixels;
    for (const auto& image : golden.images)
        pixels.insert(pixels.end(), image.pixels.begin(), image.pixels.end());
    const auto clean = reference.logits(package.codes, pixels.data(), golden.images.size());
    const auto faulty =
        reference.logits(golden.faultyCodes(package.codes), pixels.data(), golden.images.size());
    for (std::size_t i = 0; i < golden.images.size(); ++i) {
        const std::string cleanProblem = logitsMismatch(clean, golden.images[i].logits, i);
        if (!cleanProblem.empty())
            throw InputError(package.goldenPath() + ": images[" + std::to_string(i) + "].logits" +
                             cleanProblem);
        const std::string faultyProblem = logitsMismatch(faulty, golden.faultyLogits[i], i);
        if (!faultyProblem.empty())
            throw InputError(package.goldenPath() + ": faulty.logits[" + std::to_string(i) + "]" +
                             faultyProblem);
    }
    report << "golden: " << golden.images.size() << " images, clean and faulty (" << golden.flips.size()
           << " flipped codes, p = " << golden.faultyP << ") logits reproduced bit-exactly\n";
}

/// A number as the manifest would print it ("0.26", not "0.260000").
std::string formatNumber(double value)
{
    std::ostringstream text;
    text << value;
    return text.str();
}

/// Counts the clean test errors on the first test_images images; throws if the count differs.
void checkCleanError(const ModelPackage& package, const IntegerReference& reference,
                     const std::string& datasetSpec, std::ostream& report)
{
    const Dataset test = Dataset::fromSpec(datasetSpec, "--dataset");
    test.checkFits(package.network.dataset.inputShape, package.network.dataset.numClasses, package.name);
    if (static_cast<std::size_t>(package.testImages) > test.size())
        throw InputError(package.manifestPath() + ": test_images: " + std::to_string(package.testImages) +
                         " exceeds the " + std::to_string(test.size()) + " test images of " + datasetSpec);
    const auto count = static_cast<std::size_t>(package.testImages);
    const std::size_t errors =
        reference.countErrors(package.codes, test.image(0), test.labels().data(), count);
    const auto expected = static_cast<std::size_t>(std::llround(package.cleanTestError * double(count)));
    if (errors != expected)
        throw InputError(package.manifestPath() + ": clean_test_error: manifest says " +
                         formatNumber(package.cleanTestError) + " (" + std::to_string(expected) +
                         " errors), the integer reference gives " + std::to_string(errors) + "/" +
                         std::to_string(count));
    report << "clean test error: " << errors << "/" << count << " = " << double(errors) / double(count)
           << ", matches the manifest\n";
}

/// Prints the report only once every check passed, so a failure is the error line alone.
int runCheck(const ModelOptions& options)
{
    std::ostringstream report;
    const ModelPackage package = ModelPackage::load(options.directory);
    report << "package " << package.name << ": manifest, " << package.blob.file << " (" << package.blob.bytes
           << " codes, SHA-256 ok) valid\n";
    const GoldenVectors golden = GoldenVectors::load(package);
    const IntegerReference reference(package, options.threads);
    checkGolden(package, golden, reference, report);
    checkCleanError(package, reference, options.dataset, report);
    std::cout << report.str() << "OK\n";
    return 0;
}

} // namespace

int runModelCommand(const Args& args)
{
    ModelOptions options;
    if (!parseOptions(args, options))
        return 0;
    if (options.action == "check")
        return runCheck(options);
    const ModelPackage package = ModelPackage::load(options.directory);
    if (options.json)
        std::cout << packageJson(package).dump() << "\n";
    else
        printInfo(package);
    return 0;
}

} // namespace voltsim::sim
