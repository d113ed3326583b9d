// The `voltsim` Python module (docs/python.md): model packages, SRAM profiles, chips and their
// faulty weights as numpy arrays, and the functional back-end's evaluate and sweep, all through the
// simulator's own code (the same config readers, weight SRAM read path and experiment core as the
// command line). Long C++ work runs without the GIL; voltsim::InputError becomes voltsim.Error.
#include "voltsim/common/DataDir.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/models/accelerator/WeightTensors.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/engine/FunctionalEvaluator.hpp"
#include "voltsim/sim/experiment/impl/FunctionalBackend.hpp"
#include "voltsim/sim/report/RunReport.hpp"
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// libsystemc defines main() calling sc_main; the module never runs it, but the loader resolves it
// (so it is exported despite pybind11's hidden visibility).
extern "C" __attribute__((visibility("default"))) int sc_main(int /*argc*/, char* /*argv*/[])
{
    return 0;
}

namespace voltsim::python {
namespace {

namespace py = pybind11;
using workloads::ModelPackage;
using ModelPtr = std::shared_ptr<ModelPackage>;

/// A 1-D or N-D numpy array owning a copy of @p values.
template <typename T> py::array_t<T> toArray(const std::vector<T>& values, std::vector<py::ssize_t> shape)
{
    py::array_t<T> array(shape);
    std::copy(values.begin(), values.end(), array.mutable_data());
    return array;
}

py::object toPython(const nlohmann::json& value)
{
    return py::module_::import("json").attr("loads")(value.dump());
}

py::tuple shapeTuple(const std::vector<std::int64_t>& shape)
{
    py::tuple tuple(shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i)
        tuple[i] = shape[i];
    return tuple;
}

/// The operating point and accelerator a chip or an experiment runs with.
struct PointArgs {
    std::optional<std::string> profile;
    std::optional<double> voltageRel;
    std::optional<double> voltageMv;
    std::optional<double> ber;
    std::optional<std::string> config;    ///< accelerator config JSON file
    std::vector<std::string> assignments; ///< "key=value" overrides, as `--set`
};

/// A resolved configuration: the typed config and its resolved JSON echo.
struct Resolved {
    sim::RunConfig config;
    nlohmann::json json;
};

/// The config of `voltsim run` built as its flags build it (sim/src/cli/RunCommand.cpp): the file,
/// then the point and profile (errors name the Python argument), then the overrides.
Resolved resolveConfig(const PointArgs& args, const nlohmann::json& runKeys = nlohmann::json::object())
{
    nlohmann::json config = args.config ? sim::loadConfigFile(*args.config) : nlohmann::json::object();
    auto origins = std::make_shared<sim::ValueOrigins>();
    const auto set = [&](const char* argument, const std::string& key, const nlohmann::json& value) {
        sim::applyOverride(config, key + "=" + value.dump(), origins.get(), argument);
    };
    const int given =
        int{args.voltageRel.has_value()} + int{args.voltageMv.has_value()} + int{args.ber.has_value()};
    if (given > 1)
        throw InputError("give at most one of voltage_rel, voltage_mv and ber");
    const std::pair<const char*, const std::optional<double>*> points[] = {
        {"voltage_rel", &args.voltageRel}, {"voltage_mv", &args.voltageMv}, {"ber", &args.ber}};
    for (const auto& [name, value] : points) {
        if (!value->has_value())
            continue;
        if (!std::isfinite(**value))
            throw InputError(std::string(name) + ": " + std::to_string(**value) + " is not a finite number");
        for (const char* key : {"voltage_rel", "voltage_mv", "ber"})
            set(name, std::string("weight_sram.") + key, nullptr);
        set(name, std::string("weight_sram.") + name, **value);
    }
    if (args.ber && !args.profile)
        set("ber", "weight_sram.profile", "uniform");
    if (args.profile)
        set("profile", "weight_sram.profile", *args.profile);
    for (const auto& [key, value] : runKeys.items())
        set(key.c_str(), "run." + key, value);
    for (const std::string& assignment : args.assignments)
        sim::applyOverride(config, assignment, origins.get(), "set");
    sim::ConfigNode root(config, args.config ? *args.config : "<built-in config>", "", origins);
    Resolved resolved{sim::readRunConfig(root), {}};
    resolved.json = root.resolved();
    return resolved;
}

ModelPtr loadModel(const std::string& nameOrDir)
{
    py::gil_scoped_release release;
    return std::make_shared<ModelPackage>(ModelPackage::load(workloads::resolveModelDir(nameOrDir)));
}

py::dict tensorDict(const workloads::QuantizedTensor& tensor)
{
    py::dict out;
    out["shape"] = shapeTuple(tensor.shape);
    out["bits"] = tensor.bits;
    out["quantizer"] = workloads::quantizerName(tensor.quantizer);
    out["scale"] = tensor.scale;
    out["center"] = tensor.center;
    out["offset"] = tensor.offset;
    out["range"] = py::make_tuple(tensor.rangeMin, tensor.rangeMax);
    out["blob_offset"] = tensor.blobOffset;
    out["count"] = tensor.count;
    return out;
}

py::list layerList(const ModelPackage& model)
{
    py::list layers;
    const auto& all = model.network.layers;
    for (const workloads::Layer& layer : all) {
        py::dict out;
        out["name"] = layer.name;
        out["type"] = workloads::layerTypeName(layer.type);
        py::list inputs;
        for (const std::size_t input : layer.inputs)
            inputs.append(input == workloads::kNetworkInput ? std::string("input") : all[input].name);
        out["inputs"] = inputs;
        out["in_shape"] = shapeTuple(layer.inShape);
        out["out_shape"] = shapeTuple(layer.outShape);
        out["kernel"] = py::make_tuple(layer.kernelH, layer.kernelW);
        out["stride"] = layer.stride;
        out["padding"] = layer.padding;
        out["groups"] = layer.groups;
        out["relu"] = layer.relu;
        out["weight"] = layer.weight ? py::object(tensorDict(*layer.weight)) : py::none();
        out["bias"] = layer.bias ? py::object(tensorDict(*layer.bias)) : py::none();
        if (layer.requant) // informative scales: a float model's activations are s * q
            out["scales"] = py::dict(py::arg("input") = layer.requant->inScale,
                                     py::arg("output") = layer.requant->outScale);
        layers.append(out);
    }
    return layers;
}

/// How a code decodes to a float: w = scale * (v - offset) + center.
struct Affine {
    double scale = 0;
    double center = 0;
};

/// The manifest's decode of a tensor (docs/model_package.md; informative).
Affine manifestAffine(const workloads::QuantizedTensor& tensor)
{
    return {tensor.scale, tensor.center};
}

/// The decode the integer datapath computes with, from the layer's requant integers
/// (docs/datapath.md, "One layer": m_acc = 2^shift s_in a / s_out, m_sum = 2^shift s_in c / s_out,
/// m_bias = 2^shift a_b / s_out, b0 = 2^shift (c_b / s_out + z_out), solved for a, c, a_b, c_b). It includes
/// whatever the exporter folded into the integers (the trainer's per-layer gains), so a float model
/// with these weights computes what the package computes, up to the rounding of the integers and of
/// the activations.
std::pair<Affine, Affine> datapathAffine(const workloads::Layer& layer)
{
    const workloads::Requant& rq = *layer.requant;
    const double unit = std::ldexp(rq.outScale, -rq.shift); // s_out / 2^shift
    const auto value = [&](std::int64_t m) { return static_cast<double>(m) * unit; };
    const std::int64_t b0 = rq.b0 - (std::int64_t{rq.zeroPoint} << rq.shift); // the zero point is no bias
    return {{value(rq.mAcc) / rq.inScale, value(rq.mSum) / rq.inScale}, {value(rq.mBias), value(b0)}};
}

/// affine(v) of every code of @p tensor in @p codes, float32 shaped like the tensor (PyTorch's
/// layout: [out, in/groups, kh, kw] and [out, in]).
py::array_t<float> decode(const workloads::QuantizedTensor& tensor, const Affine& affine,
                          const std::vector<std::uint8_t>& codes)
{
    std::vector<float> values(tensor.count);
    for (std::size_t i = 0; i < tensor.count; ++i)
        values[i] = static_cast<float>(
            affine.scale * static_cast<double>(std::int64_t{codes[tensor.blobOffset + i]} - tensor.offset) +
            affine.center);
    return toArray(values, std::vector<py::ssize_t>(tensor.shape.begin(), tensor.shape.end()));
}

/// {layer name: {"weight": array, "bias": array}} of every conv2d and linear layer, decoded the
/// datapath's way ("datapath") or the manifest's ("manifest").
py::dict decodedWeights(const ModelPackage& model, const std::vector<std::uint8_t>& codes,
                        const std::string& decoding)
{
    if (decoding != "datapath" && decoding != "manifest")
        throw InputError("decode: '" + decoding + "' is not one of datapath, manifest");
    py::dict out;
    for (const workloads::Layer& layer : model.network.layers) {
        if (!layer.hasParameters())
            continue;
        const auto [weight, bias] =
            decoding == "datapath" ? datapathAffine(layer)
                                   : std::pair{manifestAffine(*layer.weight), manifestAffine(*layer.bias)};
        py::dict tensors;
        tensors["weight"] = decode(*layer.weight, weight, codes);
        tensors["bias"] = decode(*layer.bias, bias, codes);
        out[py::str(layer.name)] = tensors;
    }
    return out;
}

/// One chip: a profile (with the accelerator's fault model, geometry and layout), an operating
/// point and a seed. Its cells are drawn once, on first use.
class Chip {
  public:
    Chip(const PointArgs& args, std::uint64_t seed, std::uint64_t index)
        : m_resolved(resolveConfig(args)), m_runSeed(seed), m_index(index),
          m_seed(memory::chipSeed(seed, index))
    {
    }

    /// The codes the weight SRAM read path delivers for @p model (the package's blob layout).
    std::vector<std::uint8_t> codes(const ModelPackage& model)
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        const models::WeightSramSpecs& sram = m_resolved.config.accelerator.weightSram;
        if (!m_chip)
            m_chip = std::make_unique<memory::SramChip>(sram.profile, m_seed, sram.chip);
        return sim::readBackCodes(model, models::weightTensors(model), sram.layout, *m_chip,
                                  sram.operatingPoint);
    }

    const sim::RunConfig& config() const { return m_resolved.config; }
    const nlohmann::json& resolved() const { return m_resolved.json; }
    std::uint64_t runSeed() const { return m_runSeed; }
    std::uint64_t index() const { return m_index; }
    std::uint64_t seed() const { return m_seed; }

  private:
    Resolved m_resolved;
    std::uint64_t m_runSeed;
    std::uint64_t m_index;
    std::uint64_t m_seed;
    std::mutex m_mutex;
    std::unique_ptr<memory::SramChip> m_chip;
};

std::vector<std::uint8_t> chipCodes(Chip& chip, const ModelPtr& model)
{
    py::gil_scoped_release release;
    return chip.codes(*model);
}

/// What evaluate and sweep share: the dataset, the images used and the run keys.
struct DataArgs {
    std::string dataset = workloads::kFashionMnistSpec;
    std::optional<std::int64_t> images; ///< none: every image of the dataset
    std::int64_t chips = 1;
    std::uint64_t seed = 1;
    unsigned threads = 0;
};

std::shared_ptr<const workloads::Dataset> loadDataset(const std::string& spec)
{
    return std::make_shared<const workloads::Dataset>(workloads::Dataset::fromSpec(spec, "dataset"));
}

sim::ImageSet imagesOf(const workloads::Dataset& dataset, const ModelPackage& model, const DataArgs& args)
{
    dataset.checkFits(model.network.dataset.inputShape, model.network.dataset.numClasses, model.name);
    const std::size_t count = args.images ? static_cast<std::size_t>(*args.images) : dataset.size();
    if (args.images && (*args.images < 1 || count > dataset.size()))
        throw InputError("images: " + std::to_string(*args.images) + " is not in 1.." +
                         std::to_string(dataset.size()) + " (the images of " + dataset.spec() + ")");
    return {dataset.pixels().data(), dataset.labels().data(), count};
}

nlohmann::json runKeys(const DataArgs& args)
{
    return {{"chips", args.chips}, {"seed", args.seed}, {"dataset", args.dataset}};
}

/// One evaluated point: the summary of `voltsim run --json` and the per-chip results.
struct PointResult {
    sim::PointOutcome outcome;
    nlohmann::json summary;
};

PointResult evaluatePoint(sim::FunctionalBackend& backend, const sim::RunConfig& accelerator,
                          const Resolved& point, const ModelPackage& model, const sim::ImageSet& images,
                          const DataArgs& args, bool keepLogits)
{
    sim::Experiment experiment;
    experiment.model = &model;
    experiment.images = images;
    experiment.accelerator = &accelerator;
    experiment.point = point.config.accelerator.weightSram.operatingPoint;
    experiment.chipSeeds = memory::chipSeeds(args.seed, static_cast<std::uint64_t>(args.chips));
    experiment.cleanSeed = memory::chipSeed(args.seed, 0);
    experiment.keepLogits = keepLogits;
    PointResult result{backend.evaluate(experiment), {}};
    const sim::RunReportInput report{&point.config, &point.json, &model, &result.outcome, images.labels};
    result.summary = sim::summaryJson(sim::summarizeRun(report));
    return result;
}

py::dict evaluate(const ModelPtr& model, const PointArgs& pointArgs, const DataArgs& args)
{
    PointResult result;
    std::size_t classes = 0;
    {
        py::gil_scoped_release release;
        const auto dataset = loadDataset(args.dataset);
        const sim::ImageSet images = imagesOf(*dataset, *model, args);
        const Resolved point = resolveConfig(pointArgs, runKeys(args));
        sim::FunctionalBackend backend({args.threads, {}});
        result = evaluatePoint(backend, point.config, point, *model, images, args, true);
        classes = static_cast<std::size_t>(model->network.dataset.numClasses);
    }
    py::dict out = toPython(result.summary);
    const auto& chips = result.outcome.chips;
    std::vector<std::uint64_t> seeds, flips, errors;
    std::vector<double> rerr;
    std::vector<std::int32_t> logits;
    for (const sim::ChipOutcome& chip : chips) {
        seeds.push_back(chip.seed);
        flips.push_back(chip.flips);
        errors.push_back(chip.errors.value_or(0));
        rerr.push_back(sim::chipRErr(chip, result.outcome.images));
        logits.insert(logits.end(), chip.logits.begin(), chip.logits.end());
    }
    const auto n = static_cast<py::ssize_t>(chips.size());
    const auto images = static_cast<py::ssize_t>(result.outcome.images);
    out["chip_seeds"] = toArray(seeds, {n});
    out["flips_per_chip"] = toArray(flips, {n});
    out["errors_per_chip"] = toArray(errors, {n});
    out["rerr_per_chip"] = toArray(rerr, {n});
    out["clean_errors"] = result.outcome.cleanErrors;
    out["logits"] = toArray(logits, {n, images, static_cast<py::ssize_t>(classes)});
    out["clean_logits"] = toArray(result.outcome.clean.logits, {images, static_cast<py::ssize_t>(classes)});
    return out;
}

/// The sweep's operating points: exactly one of the three lists.
std::vector<PointArgs> sweepPoints(const PointArgs& base, const std::optional<std::vector<double>>& rel,
                                   const std::optional<std::vector<double>>& mv,
                                   const std::optional<std::vector<double>>& bers)
{
    if (int{rel.has_value()} + int{mv.has_value()} + int{bers.has_value()} != 1)
        throw InputError("sweep: give exactly one of voltages_rel, voltages_mv and bers");
    const std::vector<double>& values = rel ? *rel : mv ? *mv : *bers;
    if (values.empty())
        throw InputError("sweep: the list of operating points is empty");
    std::vector<PointArgs> points;
    for (const double value : values) {
        PointArgs point = base;
        (rel ? point.voltageRel : mv ? point.voltageMv : point.ber) = value;
        points.push_back(point);
    }
    return points;
}

py::dict sweep(const std::vector<std::string>& modelNames, const PointArgs& base,
               const std::optional<std::vector<double>>& rel, const std::optional<std::vector<double>>& mv,
               const std::optional<std::vector<double>>& bers, const DataArgs& args)
{
    if (modelNames.empty())
        throw InputError("sweep: models is empty");
    std::vector<std::vector<PointResult>> results;
    {
        py::gil_scoped_release release;
        std::vector<Resolved> points;
        for (const PointArgs& point : sweepPoints(base, rel, mv, bers))
            points.push_back(resolveConfig(point, runKeys(args)));
        const auto dataset = loadDataset(args.dataset);
        for (const std::string& name : modelNames) {
            const ModelPackage model = ModelPackage::load(workloads::resolveModelDir(name));
            const sim::ImageSet images = imagesOf(*dataset, model, args);
            // One back-end and accelerator per model: chips drawn once, reused at every point.
            sim::FunctionalBackend backend({args.threads, {}});
            results.emplace_back();
            for (const Resolved& point : points)
                results.back().push_back(
                    evaluatePoint(backend, points.front().config, point, model, images, args, false));
        }
    }
    const auto m = static_cast<py::ssize_t>(results.size());
    const auto v = static_cast<py::ssize_t>(results.front().size());
    const auto c = static_cast<py::ssize_t>(args.chips);
    std::vector<double> rerrChip, flipsChip;
    py::list rows;
    for (const auto& model : results)
        for (const PointResult& point : model) {
            rows.append(toPython(point.summary));
            for (const sim::ChipOutcome& chip : point.outcome.chips) {
                rerrChip.push_back(sim::chipRErr(chip, point.outcome.images));
                flipsChip.push_back(static_cast<double>(chip.flips));
            }
        }
    /// The number at @p path of a summary (NaN for null).
    const auto at = [](const nlohmann::json& summary, const std::vector<const char*>& path) {
        const nlohmann::json* value = &summary;
        for (const char* key : path)
            value = &(*value)[key];
        return value->is_null() ? std::nan("") : value->get<double>();
    };
    /// The sum of the numbers at @p paths of every point's summary, [models, points].
    const auto column = [&](const std::vector<std::vector<const char*>>& paths) {
        std::vector<double> values;
        for (const auto& model : results)
            for (const PointResult& point : model) {
                double sum = 0;
                for (const auto& path : paths)
                    sum += at(point.summary, path);
                values.push_back(sum);
            }
        return toArray(values, {m, v});
    };
    py::dict out;
    out["models"] = modelNames;
    out["rows"] = rows;
    out["voltage_mv"] = column({{"voltage_mv"}});
    out["voltage_rel"] = column({{"voltage_rel"}});
    out["ber"] = column({{"faulty_cell_rate"}});
    out["err"] = column({{"clean_error"}});
    out["rerr_mean"] = column({{"rerr", "mean"}});
    out["rerr_std"] = column({{"rerr", "std"}});
    out["rerr_min"] = column({{"rerr", "min"}});
    out["rerr_max"] = column({{"rerr", "max"}});
    out["flips"] = column({{"bits_flipped_per_chip"}});
    out["energy_pj"] = column({{"energy_per_inference", "total_pj"}});
    out["sram_energy_pj"] = column(
        {{"energy_per_inference", "weight_sram_pj"}, {"energy_per_inference", "weight_sram_leakage_pj"}});
    out["energy_saving"] = column({{"energy_saving"}});
    out["cycles"] = column({{"cycles_per_inference"}});
    out["latency_us"] = column({{"latency_us"}});
    out["sram_energy_saving"] = column({{"weight_sram_energy_saving"}});
    out["rerr_per_chip"] = toArray(rerrChip, {m, v, c});
    out["flips_per_chip"] = toArray(flipsChip, {m, v, c});
    return out;
}

PointArgs pointArgs(std::optional<std::string> profile, std::optional<double> voltageRel,
                    std::optional<double> voltageMv, std::optional<double> ber,
                    std::optional<std::string> config, std::vector<std::string> assignments)
{
    return {std::move(profile), voltageRel, voltageMv, ber, std::move(config), std::move(assignments)};
}

void bindModel(py::module_& m)
{
    py::class_<ModelPackage, std::shared_ptr<ModelPackage>>(m, "Model", "A loaded model package.")
        .def(py::init(&loadModel), py::arg("name_or_dir"))
        .def_readonly("name", &ModelPackage::name)
        .def_readonly("directory", &ModelPackage::directory)
        .def_readonly("description", &ModelPackage::description)
        .def_readonly("method", &ModelPackage::method)
        .def_readonly("clean_test_error", &ModelPackage::cleanTestError)
        .def_readonly("test_images", &ModelPackage::testImages)
        .def_property_readonly("dataset", [](const ModelPackage& p) { return p.network.dataset.name; })
        .def_property_readonly("input_shape",
                               [](const ModelPackage& p) { return shapeTuple(p.network.dataset.inputShape); })
        .def_property_readonly("classes", [](const ModelPackage& p) { return p.network.dataset.numClasses; })
        .def_property_readonly("layers", &layerList)
        .def_property_readonly("training", [](const ModelPackage& p) { return toPython(p.training); })
        .def_property_readonly("code_bits", [](const ModelPackage& p) { return p.network.codeBits(); })
        .def_property_readonly("codes",
                               [](const ModelPackage& p) {
                                   return toArray(p.codes, {static_cast<py::ssize_t>(p.codes.size())});
                               })
        .def(
            "weights",
            [](const ModelPackage& p, std::optional<py::array_t<std::uint8_t, py::array::c_style>> codes,
               const std::string& decoding) {
                if (!codes)
                    return decodedWeights(p, p.codes, decoding);
                if (codes->ndim() != 1 || static_cast<std::size_t>(codes->size()) != p.codes.size())
                    throw InputError("codes: expected " + std::to_string(p.codes.size()) +
                                     " codes (one per byte), got an array of " +
                                     std::to_string(codes->size()));
                std::vector<std::uint8_t> values(codes->data(), codes->data() + codes->size());
                return decodedWeights(p, values, decoding);
            },
            py::arg("codes") = py::none(), py::arg("decode") = "datapath")
        .def("__repr__", [](const ModelPackage& p) { return "voltsim.Model('" + p.name + "')"; });
}

void bindChip(py::module_& m)
{
    py::class_<Chip>(m, "Chip", "A weight SRAM chip: profile, operating point and seed.")
        .def(py::init([](std::optional<std::string> profile, std::optional<double> voltageRel,
                         std::optional<double> voltageMv, std::optional<double> ber, std::uint64_t seed,
                         std::uint64_t index, std::optional<std::string> config,
                         std::vector<std::string> assignments) {
                 const PointArgs args = pointArgs(std::move(profile), voltageRel, voltageMv, ber,
                                                  std::move(config), std::move(assignments));
                 py::gil_scoped_release release;
                 return std::make_unique<Chip>(args, seed, index);
             }),
             py::arg("profile") = py::none(), py::kw_only(), py::arg("voltage_rel") = py::none(),
             py::arg("voltage_mv") = py::none(), py::arg("ber") = py::none(), py::arg("seed") = 1,
             py::arg("index") = 0, py::arg("config") = py::none(),
             py::arg("set") = std::vector<std::string>{})
        .def_property_readonly("seed", &Chip::seed)
        .def_property_readonly("run_seed", &Chip::runSeed)
        .def_property_readonly("index", &Chip::index)
        .def_property_readonly("profile",
                               [](const Chip& c) { return c.config().accelerator.weightSram.profile->name; })
        .def_property_readonly("config", [](const Chip& c) { return toPython(c.resolved()); })
        .def(
            "codes",
            [](Chip& chip, const ModelPtr& model) {
                const std::vector<std::uint8_t> codes = chipCodes(chip, model);
                return toArray(codes, {static_cast<py::ssize_t>(codes.size())});
            },
            py::arg("model"))
        .def(
            "flips",
            [](Chip& chip, const ModelPtr& model) {
                return sim::differingBits(chipCodes(chip, model), model->codes);
            },
            py::arg("model"))
        .def(
            "weights",
            [](Chip& chip, const ModelPtr& model, const std::string& decoding) {
                return decodedWeights(*model, chipCodes(chip, model), decoding);
            },
            py::arg("model"), py::arg("decode") = "datapath");
}

void bindFunctions(py::module_& m)
{
    m.def("data_dir", &dataDir);
    m.def("_set_data_dirs", &setDataDirCandidates, py::arg("candidates"));
    m.def("models", &workloads::shippedModelNames, "Names of the shipped models.");
    m.def(
        "profiles", [] { return dataFileNames("profiles", ".json"); }, "Names of the shipped SRAM profiles.");
    m.def("load_model", &loadModel, py::arg("name_or_dir"));
    m.def(
        "load_dataset",
        [](const std::string& spec) {
            std::shared_ptr<const workloads::Dataset> dataset;
            {
                py::gil_scoped_release release;
                dataset = loadDataset(spec);
            }
            std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(dataset->size())};
            for (const std::int64_t dim : dataset->imageShape())
                shape.push_back(static_cast<py::ssize_t>(dim));
            std::vector<std::uint8_t> labels(dataset->labels().begin(), dataset->labels().end());
            return py::make_tuple(toArray(dataset->pixels(), shape),
                                  toArray(labels, {static_cast<py::ssize_t>(labels.size())}));
        },
        py::arg("spec") = workloads::kFashionMnistSpec);
    m.def(
        "evaluate",
        [](const ModelPtr& model, std::optional<std::string> profile, std::optional<double> voltageRel,
           std::optional<double> voltageMv, std::optional<double> ber, std::int64_t chips,
           std::optional<std::int64_t> images, std::uint64_t seed, std::string dataset,
           std::optional<std::string> config, std::vector<std::string> assignments, unsigned threads) {
            return evaluate(model,
                            pointArgs(std::move(profile), voltageRel, voltageMv, ber, std::move(config),
                                      std::move(assignments)),
                            {std::move(dataset), images, chips, seed, threads});
        },
        py::arg("model"), py::kw_only(), py::arg("profile") = py::none(), py::arg("voltage_rel") = py::none(),
        py::arg("voltage_mv") = py::none(), py::arg("ber") = py::none(), py::arg("chips") = 1,
        py::arg("images") = py::none(), py::arg("seed") = 1,
        py::arg("dataset") = workloads::kFashionMnistSpec, py::arg("config") = py::none(),
        py::arg("set") = std::vector<std::string>{}, py::arg("threads") = 0);
    m.def(
        "sweep",
        [](const std::vector<std::string>& models, const std::optional<std::vector<double>>& voltagesRel,
           const std::optional<std::vector<double>>& voltagesMv,
           const std::optional<std::vector<double>>& bers, std::optional<std::string> profile,
           std::int64_t chips, std::optional<std::int64_t> images, std::uint64_t seed, std::string dataset,
           std::optional<std::string> config, std::vector<std::string> assignments, unsigned threads) {
            return sweep(models,
                         pointArgs(std::move(profile), std::nullopt, std::nullopt, std::nullopt,
                                   std::move(config), std::move(assignments)),
                         voltagesRel, voltagesMv, bers, {std::move(dataset), images, chips, seed, threads});
        },
        py::arg("models"), py::kw_only(), py::arg("voltages_rel") = py::none(),
        py::arg("voltages_mv") = py::none(), py::arg("bers") = py::none(), py::arg("profile") = py::none(),
        py::arg("chips") = 1, py::arg("images") = py::none(), py::arg("seed") = 1,
        py::arg("dataset") = workloads::kFashionMnistSpec, py::arg("config") = py::none(),
        py::arg("set") = std::vector<std::string>{}, py::arg("threads") = 0);
}

} // namespace
} // namespace voltsim::python

PYBIND11_MODULE(_voltsim, m)
{
    namespace py = pybind11;
    // Before SystemC creates its first context (it prints its banner then).
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    m.doc() = "voltsim: DNN accelerator with an undervolted weight SRAM (docs/python.md)";
    m.attr("__version__") = VOLTSIM_VERSION;
    py::register_exception<voltsim::InputError>(m, "Error", PyExc_ValueError);
    py::register_exception<voltsim::NotImplementedError>(m, "NotImplementedError", PyExc_NotImplementedError);
    voltsim::python::bindModel(m);
    voltsim::python::bindChip(m);
    voltsim::python::bindFunctions(m);
}
