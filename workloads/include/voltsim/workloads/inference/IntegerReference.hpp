#pragma once
// The C++ integer reference: docs/datapath.md computed exactly, fast enough for full-test-set sweeps.
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim::workloads {

/// Exact integer inference of a model package's network on caller-supplied codes (clean, or read
/// through a faulty SRAM). Results depend only on the inputs, never on the thread count or batching.
///
/// How: every conv2d/linear layer is an int16 x int16 -> int32 GEMM of im2col patches against the
/// signed codes (v - z), with one extra all-ones filter that yields Sq; then T and the
/// requantization of docs/datapath.md in int64. acc - z Sq is computed as sum (v - z) q, which is
/// the same integer.
class IntegerReference {
public:
    /// count x num_classes int32 logits, one row per image.
    using Logits = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    /// Keeps a copy of the network description (not the codes). `threads` 0 means one per hardware thread.
    explicit IntegerReference(const ModelPackage& package, unsigned threads = 0);

    /// Logits of `count` images (`images`: count x inputSize raw pixels, image after image) with the
    /// given codes (the blob layout of the package; decoded once per call).
    /// @throws std::invalid_argument if codes has the wrong size or a code exceeds its tensor's width.
    Logits logits(const std::vector<std::uint8_t>& codes, const std::uint8_t* images, std::size_t count) const;

    /// Predicted class per image (argmax of the logits, lowest index on ties).
    std::vector<int> classify(const std::vector<std::uint8_t>& codes, const std::uint8_t* images, std::size_t count) const;

    /// Number of images among the first `count` whose predicted class differs from `labels`.
    std::size_t countErrors(const std::vector<std::uint8_t>& codes, const std::uint8_t* images,
                            const std::uint8_t* labels, std::size_t count) const;

    unsigned threads() const { return m_threads; }
    const Network& network() const { return m_network; }

private:
    Network m_network;
    std::size_t m_blobBytes;
    unsigned m_threads;
};

} // namespace voltsim::workloads
