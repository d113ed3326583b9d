#pragma once
// A labelled image set (Fashion-MNIST) held as raw uint8 pixels, image after image.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::workloads {

/// Images (count x rows x cols uint8, row-major, image after image) with one label per image.
class Dataset {
  public:
    /// Loads an IDX image file (3 dimensions) and its IDX label file (1 dimension).
    /// @throws voltsim::InputError on a malformed file, a count mismatch between the two files or a
    ///         label >= `numClasses` (naming the file and the index).
    static Dataset load(const std::string& imagesPath, const std::string& labelsPath, int numClasses);

    /// The Fashion-MNIST test (`train == false`, 10,000 images) or training set from `directory`
    /// (`{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`; the .gz name is tried first).
    static Dataset fashionMnist(const std::string& directory, bool train);

    /// The directory of Debian's dataset-fashion-mnist package, or $VOLTSIM_FASHION_MNIST_DIR if set.
    static std::string defaultFashionMnistDir();

    std::size_t size() const { return m_labels.size(); }
    std::size_t rows() const { return m_rows; }
    std::size_t cols() const { return m_cols; }
    std::size_t pixelsPerImage() const { return m_rows * m_cols; }

    /// Pixels of image `index` (pixelsPerImage() bytes, valid while the Dataset lives).
    const std::uint8_t* image(std::size_t index) const { return m_pixels.data() + index * pixelsPerImage(); }
    /// All pixels, image after image.
    const std::vector<std::uint8_t>& pixels() const { return m_pixels; }
    int label(std::size_t index) const { return m_labels[index]; }
    const std::vector<std::uint8_t>& labels() const { return m_labels; }

  private:
    std::size_t m_rows = 0;
    std::size_t m_cols = 0;
    std::vector<std::uint8_t> m_pixels;
    std::vector<std::uint8_t> m_labels;
};

} // namespace voltsim::workloads
