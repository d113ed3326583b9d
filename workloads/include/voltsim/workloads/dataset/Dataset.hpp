#pragma once
// A labelled image set held as raw uint8 pixels (C x H x W per image, image after image), read from
// the source a dataset spec names (docs/datasets.md): fashion-mnist, idx:DIR or npz:FILE.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::workloads {

/// A class label (0..65535: a dataset may have more classes than a byte holds).
using Label = std::uint16_t;

/// The spec of Debian's Fashion-MNIST, the default dataset.
inline constexpr const char* kFashionMnistSpec = "fashion-mnist";

/// Images (count x channels x rows x cols uint8, row-major, image after image) with one label each.
class Dataset {
  public:
    /// The test split of the dataset `spec` names: "fashion-mnist" (Debian's package, or
    /// $VOLTSIM_FASHION_MNIST_DIR), "idx:DIR" (MNIST file names, plain or .gz) or "npz:FILE".
    /// The class count is the source's `num_classes` entry, else 1 + the largest label of any split.
    /// @throws voltsim::InputError naming `origin` (the flag or key that gave the spec) for a
    ///         malformed spec, and the file and entry for a malformed source.
    static Dataset fromSpec(const std::string& spec, const std::string& origin);

    /// The files the dataset `spec` reads (for content checks of results): the archive of npz:FILE,
    /// the test images and labels (and training labels, if present) of idx:DIR and fashion-mnist.
    /// @throws voltsim::InputError for a malformed spec, naming `origin`.
    static std::vector<std::string> sourceFiles(const std::string& spec, const std::string& origin);

    /// Loads an IDX image file (3 dimensions) and its IDX label file (1 dimension).
    /// @throws voltsim::InputError on a malformed file, a count mismatch between the two files or a
    ///         label >= `numClasses` (naming the file and the index).
    static Dataset load(const std::string& imagesPath, const std::string& labelsPath, int numClasses);

    /// The Fashion-MNIST test (`train == false`, 10,000 images) or training set from `directory`
    /// (`{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`; the .gz name is tried first).
    static Dataset fashionMnist(const std::string& directory, bool train);

    /// The directory of Debian's dataset-fashion-mnist package, or $VOLTSIM_FASHION_MNIST_DIR if set.
    static std::string defaultFashionMnistDir();

    /// Throws InputError naming the model and this dataset unless the model's input shape [C, H, W]
    /// and class count are this dataset's.
    void checkFits(const std::vector<std::int64_t>& inputShape, int numClasses,
                   const std::string& model) const;

    std::size_t size() const { return m_labels.size(); }
    std::size_t channels() const { return m_channels; }
    std::size_t rows() const { return m_rows; }
    std::size_t cols() const { return m_cols; }
    std::size_t pixelsPerImage() const { return m_channels * m_rows * m_cols; }
    /// [C, H, W] of every image.
    std::vector<std::int64_t> imageShape() const;
    int numClasses() const { return m_numClasses; }
    /// The spec the dataset was read from (its name in messages and results).
    const std::string& spec() const { return m_spec; }

    /// Pixels of image `index` (pixelsPerImage() bytes, valid while the Dataset lives).
    const std::uint8_t* image(std::size_t index) const { return m_pixels.data() + index * pixelsPerImage(); }
    /// All pixels, image after image.
    const std::vector<std::uint8_t>& pixels() const { return m_pixels; }
    int label(std::size_t index) const { return m_labels[index]; }
    const std::vector<Label>& labels() const { return m_labels; }

  private:
    static Dataset fromIdxDirectory(const std::string& directory, const std::string& spec);
    static Dataset fromNpz(const std::string& path, const std::string& spec);
    /// Sets the class count: `declared` if > 0, else 1 + the largest of `labels` and `otherLabels`.
    void setClassCount(int declared, const std::vector<Label>& otherLabels, const std::string& source);

    std::string m_spec = kFashionMnistSpec;
    std::size_t m_channels = 1;
    std::size_t m_rows = 0;
    std::size_t m_cols = 0;
    int m_numClasses = 0;
    std::string m_classesFrom; ///< where the class count comes from, for messages
    std::vector<std::uint8_t> m_pixels;
    std::vector<Label> m_labels;
};

} // namespace voltsim::workloads
