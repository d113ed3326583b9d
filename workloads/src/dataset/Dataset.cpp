#include "voltsim/workloads/dataset/Dataset.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/IdxReader.hpp"
#include "voltsim/workloads/dataset/NpzReader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

namespace voltsim::workloads {
namespace {

constexpr int kMaxClasses = 1 << 16;
constexpr std::size_t kMaxChannels =
    4; ///< a rank-4 array is NCHW when dim 1 is at most this, NHWC when dim 3 is
const std::set<std::string> kNpzEntries = {"train_images", "train_labels", "test_images", "test_labels",
                                           "num_classes",  "mean",         "std",         "layout"};

/// `base` + ".gz" if that file exists, else `base` (the error for a missing file then names it).
std::string gzOrPlain(const std::string& base)
{
    const std::string gz = base + ".gz";
    return std::ifstream(gz).good() ? gz : base;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

[[noreturn]] void failEntry(const std::string& path, const std::string& entry, const std::string& what)
{
    throw InputError(path + ": entry '" + entry + "' " + what);
}

/// The integer value of element `i` of an integer array (its kind and size checked by the caller).
std::int64_t integerAt(const NpyArray& array, std::size_t i)
{
    const std::size_t size = array.itemBytes();
    std::uint64_t raw = 0;
    std::memcpy(&raw, array.bytes.data() + i * size, size); // little-endian host (x86-64, AArch64)
    if (array.kind() == 'i' && size < 8 && (raw >> (8 * size - 1)) & 1U)
        raw |= ~std::uint64_t(0) << (8 * size); // sign-extend
    return static_cast<std::int64_t>(raw);
}

std::vector<Label> npzLabels(const std::string& path, const std::string& entry, const NpyArray& array)
{
    if ((array.kind() != 'i' && array.kind() != 'u') || array.itemBytes() > 8)
        failEntry(path, entry, "has dtype " + array.descr + ", must be integers");
    if (array.shape.size() != 1)
        failEntry(path, entry, "has rank " + std::to_string(array.shape.size()) + ", must be 1");
    std::vector<Label> labels(array.elementCount());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::int64_t value = integerAt(array, i);
        if (value < 0 || value >= kMaxClasses)
            failEntry(path, entry,
                      "holds label " + std::to_string(value) + " at index " + std::to_string(i) +
                          ", outside 0.." + std::to_string(kMaxClasses - 1));
        labels[i] = static_cast<Label>(value);
    }
    return labels;
}

std::string npzLayout(const std::string& path, const std::map<std::string, NpyArray>& entries)
{
    const auto found = entries.find("layout");
    if (found == entries.end())
        return "";
    const NpyArray& array = found->second;
    std::string text;
    if (array.kind() == 'U' && array.shape.empty())
        for (std::size_t at = 0; at + 4 <= array.bytes.size(); at += 4)
            if (array.bytes[at] != 0)
                text += static_cast<char>(array.bytes[at]);
    if (text != "NCHW" && text != "NHWC")
        failEntry(path, "layout", "must be the string NCHW or NHWC");
    return text;
}

/// [C, H, W] of the images and whether they are stored channels-last.
std::pair<std::vector<std::size_t>, bool> npzImageShape(const std::string& path, const std::string& entry,
                                                        const NpyArray& array, const std::string& layout)
{
    if (array.descr != "|u1")
        failEntry(path, entry, "has dtype " + array.descr + ", must be uint8 (pixels 0..255)");
    const std::vector<std::size_t>& s = array.shape;
    if (s.size() == 3)
        return {{1, s[1], s[2]}, false};
    if (s.size() != 4)
        failEntry(path, entry,
                  "has rank " + std::to_string(s.size()) + ", must be 3 (N, H, W) or 4 (NCHW or NHWC)");
    bool channelsLast = layout == "NHWC";
    if (layout.empty()) {
        const bool first = s[1] <= kMaxChannels;
        const bool last = s[3] <= kMaxChannels;
        if (first == last)
            failEntry(path, entry, "may be NCHW or NHWC: add a 'layout' entry saying which");
        channelsLast = last;
    }
    return {channelsLast ? std::vector<std::size_t>{s[3], s[1], s[2]}
                         : std::vector<std::size_t>{s[1], s[2], s[3]},
            channelsLast};
}

std::vector<std::uint8_t> toChannelsFirst(const std::vector<std::uint8_t>& nhwc, std::size_t count,
                                          const std::vector<std::size_t>& chw)
{
    const std::size_t c = chw[0];
    const std::size_t hw = chw[1] * chw[2];
    std::vector<std::uint8_t> out(nhwc.size());
    for (std::size_t n = 0; n < count; ++n)
        for (std::size_t p = 0; p < hw; ++p)
            for (std::size_t k = 0; k < c; ++k)
                out[(n * c + k) * hw + p] = nhwc[(n * hw + p) * c + k];
    return out;
}

void checkNormalisation(const std::string& path, const std::map<std::string, NpyArray>& entries,
                        std::size_t channels)
{
    const bool hasMean = entries.count("mean") != 0;
    if (hasMean != (entries.count("std") != 0))
        throw InputError(path + ": has one of 'mean' and 'std' but not the other");
    for (const char* key : {"mean", "std"}) {
        if (!hasMean)
            break;
        const NpyArray& array = entries.at(key);
        const bool shapeOk = array.kind() == 'f' && array.shape == std::vector<std::size_t>{channels} &&
                             (array.itemBytes() == 4 || array.itemBytes() == 8);
        bool finite = shapeOk;
        for (std::size_t i = 0; finite && i < channels; ++i) {
            double value = 0;
            if (array.itemBytes() == 4) {
                float single = 0;
                std::memcpy(&single, array.bytes.data() + 4 * i, 4);
                value = single;
            } else {
                std::memcpy(&value, array.bytes.data() + 8 * i, 8);
            }
            finite = std::isfinite(value) && (std::string(key) == "mean" || value > 0);
        }
        if (!finite)
            failEntry(path, key,
                      "must be " + std::to_string(channels) + " finite floats (one per channel" +
                          (std::string(key) == "std" ? ", positive)" : ")"));
    }
}

void checkEntryNames(const std::string& path, const std::map<std::string, NpyArray>& entries)
{
    const auto unknown = std::find_if(entries.begin(), entries.end(),
                                      [](const auto& entry) { return kNpzEntries.count(entry.first) == 0; });
    if (unknown != entries.end())
        throw InputError(path + ": unknown entry '" + unknown->first +
                         "' (valid: layout, mean, num_classes, std, test_images, test_labels, train_images, "
                         "train_labels)");
}

/// A split's images and labels come together or not at all.
void checkPaired(const std::string& path, const std::map<std::string, NpyArray>& entries,
                 const std::string& split)
{
    if ((entries.count(split + "_images") != 0) != (entries.count(split + "_labels") != 0))
        throw InputError(path + ": has one of " + split + "_images and " + split +
                         "_labels but not the other");
}

/// Where a dataset spec points: an .npz archive, or a folder of IDX files.
struct SpecSource {
    bool npz = false;
    std::string path;
};

SpecSource parseSpec(const std::string& spec, const std::string& origin)
{
    if (spec == kFashionMnistSpec)
        return {false, Dataset::defaultFashionMnistDir()};
    const std::size_t colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string path = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if ((kind != "idx" && kind != "npz") || path.empty())
        throw InputError(origin + ": dataset '" + spec + "' must be fashion-mnist, idx:DIR or npz:FILE");
    return {kind == "npz", path};
}

} // namespace

Dataset Dataset::fromSpec(const std::string& spec, const std::string& origin)
{
    const SpecSource source = parseSpec(spec, origin);
    if (source.npz)
        return fromNpz(source.path, spec);
    if (spec != kFashionMnistSpec)
        return fromIdxDirectory(source.path, spec);
    Dataset dataset = fashionMnist(source.path, false);
    dataset.m_spec = spec;
    return dataset;
}

std::vector<std::string> Dataset::sourceFiles(const std::string& spec, const std::string& origin)
{
    const SpecSource source = parseSpec(spec, origin);
    if (source.npz)
        return {source.path};
    std::vector<std::string> files = {gzOrPlain(source.path + "/t10k-images-idx3-ubyte"),
                                      gzOrPlain(source.path + "/t10k-labels-idx1-ubyte")};
    const std::string train = gzOrPlain(source.path + "/train-labels-idx1-ubyte");
    std::error_code error;
    if (std::filesystem::exists(train, error))
        files.push_back(train);
    return files;
}

Dataset Dataset::fromIdxDirectory(const std::string& directory, const std::string& spec)
{
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error))
        throw InputError(directory + ": not a directory (idx:DIR names a folder of IDX files)");
    const std::string test = directory + "/t10k";
    Dataset dataset =
        load(gzOrPlain(test + "-images-idx3-ubyte"), gzOrPlain(test + "-labels-idx1-ubyte"), kMaxClasses);
    dataset.m_spec = spec;
    std::vector<Label> trainLabels;
    const std::string train = gzOrPlain(directory + "/train-labels-idx1-ubyte");
    if (std::filesystem::exists(train, error)) {
        const IdxArray labels = readIdx(train, 1);
        trainLabels.assign(labels.data.begin(), labels.data.end());
    }
    dataset.setClassCount(0, trainLabels, directory);
    return dataset;
}

Dataset Dataset::fromNpz(const std::string& path, const std::string& spec)
{
    const std::map<std::string, NpyArray> entries = readNpz(path);
    checkEntryNames(path, entries);
    checkPaired(path, entries, "train");
    checkPaired(path, entries, "test");
    if (entries.count("test_images") == 0)
        throw InputError(path + ": missing entry 'test_images' (and 'test_labels')");
    const std::string layout = npzLayout(path, entries);
    const NpyArray& images = entries.at("test_images");
    const auto [chw, channelsLast] = npzImageShape(path, "test_images", images, layout);
    if (entries.count("train_images") &&
        npzImageShape(path, "train_images", entries.at("train_images"), layout).first != chw)
        throw InputError(path + ": the train and test images differ in shape");
    Dataset dataset;
    dataset.m_spec = spec;
    dataset.m_labels = npzLabels(path, "test_labels", entries.at("test_labels"));
    const std::size_t count = images.shape[0];
    if (dataset.m_labels.size() != count)
        throw InputError(path + ": test has " + std::to_string(count) + " images but " +
                         std::to_string(dataset.m_labels.size()) + " labels");
    if (count == 0)
        throw InputError(path + ": test split is empty");
    dataset.m_channels = chw[0];
    dataset.m_rows = chw[1];
    dataset.m_cols = chw[2];
    dataset.m_pixels = channelsLast ? toChannelsFirst(images.bytes, count, chw) : images.bytes;
    checkNormalisation(path, entries, chw[0]);
    int declared = 0;
    if (const auto found = entries.find("num_classes"); found != entries.end()) {
        const NpyArray& value = found->second;
        const bool integer = (value.kind() == 'i' || value.kind() == 'u') && value.itemBytes() <= 8;
        const std::int64_t n = integer && value.shape.empty() ? integerAt(value, 0) : -1;
        if (n < 2 || n > kMaxClasses)
            failEntry(path, "num_classes", "must be one integer 2.." + std::to_string(kMaxClasses));
        declared = static_cast<int>(n);
    }
    const std::vector<Label> trainLabels = entries.count("train_labels")
                                               ? npzLabels(path, "train_labels", entries.at("train_labels"))
                                               : std::vector<Label>{};
    dataset.setClassCount(declared, trainLabels, path);
    return dataset;
}

void Dataset::setClassCount(int declared, const std::vector<Label>& otherLabels, const std::string& source)
{
    int largest = 0;
    for (const Label label : m_labels)
        largest = std::max(largest, int{label});
    for (const Label label : otherLabels)
        largest = std::max(largest, int{label});
    if (declared > 0 && largest >= declared)
        throw InputError(source + ": label " + std::to_string(largest) + " is outside 0.." +
                         std::to_string(declared - 1));
    m_numClasses = declared > 0 ? declared : std::max(2, largest + 1);
    m_classesFrom = declared > 0 ? "num_classes of " + source
                                 : "largest label " + std::to_string(largest) + " in " + source;
}

Dataset Dataset::load(const std::string& imagesPath, const std::string& labelsPath, int numClasses)
{
    IdxArray images = readIdx(imagesPath, 3);
    IdxArray labels = readIdx(labelsPath, 1);
    if (labels.dims[0] != images.dims[0])
        throw InputError(labelsPath + ": has " + std::to_string(labels.dims[0]) + " labels but " +
                         imagesPath + " has " + std::to_string(images.dims[0]) + " images");
    for (std::size_t i = 0; i < labels.data.size(); ++i)
        if (labels.data[i] >= numClasses)
            throw InputError(labelsPath + ": label " + std::to_string(labels.data[i]) + " at index " +
                             std::to_string(i) + " is outside 0.." + std::to_string(numClasses - 1));
    Dataset dataset;
    dataset.m_rows = images.dims[1];
    dataset.m_cols = images.dims[2];
    dataset.m_numClasses = numClasses;
    dataset.m_pixels = std::move(images.data);
    dataset.m_labels.assign(labels.data.begin(), labels.data.end());
    return dataset;
}

Dataset Dataset::fashionMnist(const std::string& directory, bool train)
{
    const std::string prefix = directory + "/" + (train ? "train" : "t10k");
    return load(gzOrPlain(prefix + "-images-idx3-ubyte"), gzOrPlain(prefix + "-labels-idx1-ubyte"), 10);
}

std::string Dataset::defaultFashionMnistDir()
{
    const char* fromEnvironment = std::getenv("VOLTSIM_FASHION_MNIST_DIR");
    return fromEnvironment && *fromEnvironment ? fromEnvironment : "/usr/share/datasets/fashion-mnist";
}

std::vector<std::int64_t> Dataset::imageShape() const
{
    return {static_cast<std::int64_t>(m_channels), static_cast<std::int64_t>(m_rows),
            static_cast<std::int64_t>(m_cols)};
}

void Dataset::checkFits(const std::vector<std::int64_t>& inputShape, int numClasses,
                        const std::string& model) const
{
    if (inputShape != imageShape() || numClasses != m_numClasses)
        throw InputError("model '" + model + "' takes " + shapeText(inputShape) + " inputs and " +
                         std::to_string(numClasses) + " classes but dataset '" + m_spec + "' has " +
                         shapeText(imageShape()) + " images and " + std::to_string(m_numClasses) +
                         " classes" + (m_classesFrom.empty() ? "" : " (" + m_classesFrom + ")"));
}

} // namespace voltsim::workloads
