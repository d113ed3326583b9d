// The SIMD kernels internal to voltsim_workloads: the GEMM of every kernel path the CPU supports
// against a literal triple loop on every tail shape, the row requantization of every path (and the
// portable one) against docs/datapath.md's formula over the whole int64 range it meets, the 2x2
// max-pool of every path against the window maxima, the fused requantization and max-pool against
// the largest of the four requantized values, the AVX-512 merge of an add against its formula.
#include "../../workloads/src/inference/Gemm.hpp"
#include "../../workloads/src/inference/LayerKernels.hpp"
#include "../../workloads/src/inference/Requantize.hpp"
#include "KernelPathFixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <set>
#include <vector>

namespace voltsim::test {
namespace {

using namespace workloads;
using namespace workloads::detail;

struct GemmCase {
    std::size_t rows;
    std::size_t fanIn;
    std::size_t cols;
};

class GemmTest : public KernelPathTest {};

/// Activations (0..255) times weight codes minus their offset (-128..127 at 8 bits), either operand
/// holding the weights (a linear layer's B, a conv layer's A), against a literal triple loop.
TEST_P(GemmTest, KernelEqualsTheLiteralSumsOnEveryTailShape)
{
    const KernelPath path = GetParam();
    const std::size_t lanes = lanesPerWord(path);
    std::mt19937 random(2026);
    for (const SignedOperand weights : {SignedOperand::A, SignedOperand::B})
        for (const GemmCase shape : {GemmCase{1, 9, 16},
                                     {5, 10, 10},
                                     {6, 144, 32},
                                     {7, 2, 33},
                                     {13, 1568, 64},
                                     {196, 9, 16},
                                     {33, 144, 224},
                                     {25, 3, 80}}) {
            const std::size_t depthWords = roundUp(shape.fanIn, lanes) / lanes;
            const std::size_t cols = roundUp(shape.cols, kGemmPanelCols);
            const auto value = [&](bool isWeight) {
                return isWeight ? int(random() % 256) - 128 : int(random() % 256);
            };
            std::vector<std::int32_t> a(shape.rows * shape.fanIn);
            std::vector<std::int32_t> b(shape.cols * shape.fanIn);
            std::vector<std::uint32_t> aWords(shape.rows * depthWords, 0);
            std::vector<std::uint32_t> packed(cols * depthWords, 0);
            for (std::size_t r = 0; r < shape.rows; ++r)
                for (std::size_t k = 0; k < shape.fanIn; ++k) {
                    a[r * shape.fanIn + k] = value(weights == SignedOperand::A);
                    setLane(aWords.data() + r * depthWords, k, lanes, a[r * shape.fanIn + k]);
                }
            for (std::size_t n = 0; n < shape.cols; ++n)
                for (std::size_t k = 0; k < shape.fanIn; ++k) {
                    b[n * shape.fanIn + k] = value(weights == SignedOperand::B);
                    setLane(packed.data() + packedWord(n, k / lanes, depthWords), k % lanes, lanes,
                            b[n * shape.fanIn + k]);
                }
            const GemmA operandA{aWords.data(), shape.rows, depthWords};
            std::vector<std::int32_t> c(shape.rows * cols, -1);
            const GemmBLayout layout = GemmBLayout::packed(cols / kGemmPanelCols, depthWords);
            gemm(path, GemmOperands{operandA, layout.over(packed.data()), depthWords, weights}, c.data(),
                 cols);
            for (std::size_t r = 0; r < shape.rows; ++r) {
                for (std::size_t n = 0; n < cols; ++n) {
                    std::int32_t expected = 0;
                    for (std::size_t k = 0; n < shape.cols && k < shape.fanIn; ++k)
                        expected += a[r * shape.fanIn + k] * b[n * shape.fanIn + k];
                    ASSERT_EQ(c[r * cols + n], expected)
                        << shape.rows << "x" << shape.fanIn << "x" << shape.cols << " at " << r << "," << n;
                }
            }
        }
}
VOLTSIM_FOR_EVERY_KERNEL_PATH(GemmTest);

class RequantizeRowTest : public KernelPathTest {};

TEST_P(RequantizeRowTest, KernelEqualsTheFormulaIncludingClampsAndNegativeValues)
{
    std::mt19937_64 random(77);
    std::set<int> seen;
    for (int trial = 0; trial < 3000; ++trial) {
        const std::size_t count = 1 + random() % 40; // vector steps and scalar tails
        RowRequant row;
        row.shift = 1 + static_cast<int>(random() % 40);
        row.mAcc = static_cast<std::int64_t>(random() % (1u << 28)) * (random() % 2 ? 1 : -1);
        row.constant = static_cast<std::int64_t>(random() % (1ULL << 40)) - (std::int64_t(1) << 39);
        std::vector<std::int32_t> centered(count);
        std::vector<std::int64_t> bias(count);
        for (std::size_t n = 0; n < count; ++n) {
            centered[n] = static_cast<std::int32_t>(random() % 4001) - 2000;
            bias[n] = static_cast<std::int64_t>(random() % (1ULL << 45)) - (std::int64_t(1) << 44);
        }
        if (trial % 2 ==
            0) { // outputs mostly inside 0..255: |mAcc * centered| and |bias| below 2^(shift + 7)
            row.mAcc = static_cast<std::int64_t>(random() %
                                                 ((std::uint64_t(1) << std::min(row.shift, 28)) / 16 + 1)) *
                       (random() % 2 ? 1 : -1);
            row.constant = std::int64_t(128) << row.shift;
            for (auto& value : bias)
                value = static_cast<std::int64_t>(random() % (std::uint64_t(1) << (row.shift + 6))) -
                        (std::int64_t(1) << (row.shift + 5));
        }
        std::vector<std::uint8_t> fast(count);
        std::vector<std::uint8_t> portable(count);
        requantizeRowToUint8(GetParam(), centered.data(), bias.data(), count, row, fast.data());
        requantizeRowToUint8Portable(centered.data(), bias.data(), count, row, portable.data());
        for (std::size_t n = 0; n < count; ++n) {
            const std::int64_t t = row.mAcc * centered[n] + bias[n] + row.constant;
            const auto expected = static_cast<std::uint8_t>(std::clamp<std::int64_t>(t >> row.shift, 0, 255));
            ASSERT_EQ(fast[n], expected) << "trial " << trial << " n " << n;
            ASSERT_EQ(portable[n], expected) << "trial " << trial << " n " << n;
            seen.insert(expected);
        }
    }
    EXPECT_GT(seen.size(), 200u) << "the values cover the range, not only the clamps";
}

TEST_P(RequantizeRowTest, RowsAtAStrideEqualThePortableKernelRowByRow)
{
    std::mt19937_64 random(79);
    for (int trial = 0; trial < 500; ++trial) {
        const std::size_t count = 1 + random() % 40;
        const std::size_t rows = 1 + random() % 4;
        const bool noAddends = trial % 2 == 1; // null addends: all zero (a conv whose m_sum is 0)
        const std::size_t stride = count + random() % 5;
        RowRequant row;
        row.shift = 8 + static_cast<int>(random() % 20);
        row.mAcc = static_cast<std::int64_t>(random() % (std::uint64_t(1) << (row.shift - 4))) *
                   (random() % 2 ? 1 : -1);
        row.constant = std::int64_t(128) << row.shift;
        std::vector<std::int32_t> centered(rows * stride);
        std::vector<std::int64_t> addends(rows * stride);
        for (std::size_t i = 0; i < centered.size(); ++i) {
            centered[i] = static_cast<std::int32_t>(random() % 4001) - 2000;
            addends[i] = noAddends
                             ? 0
                             : static_cast<std::int64_t>(random() % (std::uint64_t(1) << (row.shift + 6))) -
                                   (std::int64_t(1) << (row.shift + 5));
        }
        std::vector<std::uint8_t> fast(rows * count + 1, 0xA5);
        std::vector<std::uint8_t> portable(rows * count);
        requantizeRowsToUint8(GetParam(), centered.data(), noAddends ? nullptr : addends.data(), stride, rows,
                              count, row, fast.data());
        for (std::size_t r = 0; r < rows; ++r)
            requantizeRowToUint8Portable(centered.data() + r * stride, addends.data() + r * stride, count,
                                         row, portable.data() + r * count);
        ASSERT_EQ(std::vector<std::uint8_t>(fast.begin(), fast.end() - 1), portable) << "trial " << trial;
        ASSERT_EQ(fast.back(), 0xA5) << "trial " << trial << ": wrote past the rows";
    }
}
VOLTSIM_FOR_EVERY_KERNEL_PATH(RequantizeRowTest);

TEST(MergeRowVnni512, EqualsTheFormulaIncludingClampsAndPartialSteps)
{
    if (!kernelPathSupported(KernelPath::Vnni512))
        GTEST_SKIP() << "kernel path 'vnni512' not supported by this CPU";
    std::mt19937_64 random(91);
    std::set<int> seen;
    for (int trial = 0; trial < 2000; ++trial) {
        const std::size_t count = 1 + random() % 40; // whole and partial steps of eight and sixteen
        // Shifts on both sides of 15 and multipliers and constants on both sides of 2^30 and 2^44: the
        // int32 kernel's limits (beyond them the int64 one runs).
        const int shift = 1 + static_cast<int>(random() % 44);
        // |multipliers| up to 2^31 - 1 (the loader keeps 2^28 - 1); every other trial scaled to land
        // mostly in 0..255.
        const std::uint64_t range =
            std::min<std::uint64_t>(trial % 2 == 0 ? (std::uint64_t(1) << (trial % 4 == 0 ? 28 : 31)) - 1
                                                   : (std::uint64_t(1) << shift) / 64 + 1,
                                    (std::uint64_t(1) << 31) - 1);
        const auto multiplier = [&] {
            return static_cast<std::int64_t>(random() % range) * (random() % 2 ? 1 : -1);
        };
        const std::int64_t ma = multiplier(), mb = multiplier();
        const int constantBits = trial % 3 == 0 ? 46 : 40;
        const std::int64_t constant = trial % 2 == 0
                                          ? static_cast<std::int64_t>(random() % (1ULL << constantBits)) -
                                                (std::int64_t(1) << (constantBits - 1))
                                          : std::int64_t(128) << shift;
        std::vector<std::uint8_t> a(count), b(count), out(count + 16, 0xAB);
        for (std::size_t n = 0; n < count; ++n) {
            a[n] = static_cast<std::uint8_t>(random());
            b[n] = static_cast<std::uint8_t>(random());
        }
        mergeRowToUint8Vnni512(a.data(), ma, b.data(), mb, constant, shift, count, out.data());
        for (std::size_t n = 0; n < count; ++n) {
            const std::int64_t t = ma * a[n] + mb * b[n] + constant;
            const auto expected = static_cast<std::uint8_t>(std::clamp<std::int64_t>(t >> shift, 0, 255));
            ASSERT_EQ(out[n], expected) << "trial " << trial << " n " << n;
            seen.insert(expected);
        }
        for (std::size_t n = count; n < out.size(); ++n)
            ASSERT_EQ(out[n], 0xAB) << "written past the row, trial " << trial;
    }
    EXPECT_GT(seen.size(), 200u) << "the values cover the range, not only the clamps";
}

class RequantizeMaxPoolTest : public KernelPathTest {};

/// The fused requantization and 2x2 stride-2 max-pool of every path against the largest of
/// the four requantized values of docs/datapath.md's formula, window by window, on one to three
/// pooled rows of one pooled value to several vector steps, mostly inside 0..255 and across both
/// clamps.
TEST_P(RequantizeMaxPoolTest, FusedKernelEqualsTheMaximumOfTheFourRequantizedValues)
{
    std::mt19937_64 random(78);
    std::set<int> seen;
    for (int trial = 0; trial < 2000; ++trial) {
        const std::size_t count = 1 + random() % 20;
        const std::size_t pooledRows = 1 + random() % 3;
        // Rows of what the kernel may read and a gap: the kernel reads row r at r * stride.
        const std::size_t stride = std::max<std::size_t>(2 * count, 16) + 3;
        RowRequant row;
        row.shift = 8 + static_cast<int>(random() % 30);
        row.mAcc =
            static_cast<std::int64_t>(random() % ((std::uint64_t(1) << std::min(row.shift, 28)) / 16 + 1)) *
            (random() % 2 ? 1 : -1);
        row.constant = (std::int64_t(128) << row.shift) +
                       (trial % 3 == 0 ? static_cast<std::int64_t>(random() % 512) - 256 : 0) *
                           (std::int64_t(1) << row.shift);
        std::vector<std::int32_t> centered(2 * pooledRows * stride);
        std::vector<std::int64_t> addends(centered.size());
        for (std::size_t i = 0; i < centered.size(); ++i) {
            centered[i] = static_cast<std::int32_t>(random() % 4001) - 2000;
            addends[i] = static_cast<std::int64_t>(random() % (std::uint64_t(1) << (row.shift + 6))) -
                         (std::int64_t(1) << (row.shift + 5));
        }
        std::vector<std::uint8_t> out(pooledRows * count + 1, 0xA5); // the byte past the rows must stay
        requantizeMaxPool2x2(GetParam(), centered.data(), addends.data(), stride, pooledRows, count, row,
                             out.data());
        for (std::size_t py = 0; py < pooledRows; ++py)
            for (std::size_t p = 0; p < count; ++p) {
                int expected = 0;
                for (std::size_t r = 2 * py; r < 2 * py + 2; ++r)
                    for (std::size_t c = 2 * p; c < 2 * p + 2; ++c) {
                        const std::int64_t t =
                            row.mAcc * centered[r * stride + c] + addends[r * stride + c] + row.constant;
                        expected = std::max(
                            expected, static_cast<int>(std::clamp<std::int64_t>(t >> row.shift, 0, 255)));
                    }
                ASSERT_EQ(out[py * count + p], expected)
                    << "trial " << trial << " pooled value " << p << " of " << count << ", row " << py;
                seen.insert(expected);
            }
        ASSERT_EQ(out[pooledRows * count], 0xA5) << "trial " << trial << ": wrote past the pooled rows";
    }
    EXPECT_GT(seen.size(), 200u) << "the values cover the range, not only the clamps";
}
VOLTSIM_FOR_EVERY_KERNEL_PATH(RequantizeMaxPoolTest);

class MaxPoolTest : public KernelPathTest {};

/// The 2x2 stride-2 max-pool on planes narrower and wider than a vector step, odd sizes included
/// (the last row and column are dropped), against the maximum of each window.
TEST_P(MaxPoolTest, TwoByTwoEqualsTheWindowMaxima)
{
    std::mt19937 random(5);
    for (const std::array<std::int64_t, 3>& shape : std::vector<std::array<std::int64_t, 3>>{
             {16, 28, 28}, {32, 14, 14}, {3, 7, 7}, {2, 9, 150}, {1, 2, 65}, {5, 4, 2}}) {
        const std::int64_t channels = shape[0];
        const std::int64_t height = shape[1];
        const std::int64_t width = shape[2];
        workloads::Layer layer;
        layer.type = workloads::LayerType::MaxPool2d;
        layer.kernelH = layer.kernelW = layer.stride = 2;
        layer.inShape = {channels, height, width};
        layer.outShape = {channels, height / 2, width / 2};
        std::vector<std::uint8_t> input(static_cast<std::size_t>(channels * height * width));
        for (auto& value : input)
            value = static_cast<std::uint8_t>(random() % 256);
        std::vector<std::uint8_t> output(static_cast<std::size_t>(channels * (height / 2) * (width / 2)) + 1,
                                         7);
        runMaxPool(layer, input.data(), output.data());
        EXPECT_EQ(output.back(), 7) << "wrote past the output";
        for (std::int64_t c = 0; c < channels; ++c)
            for (std::int64_t y = 0; y < height / 2; ++y)
                for (std::int64_t x = 0; x < width / 2; ++x) {
                    const auto at = [&](std::int64_t dy, std::int64_t dx) {
                        return input[static_cast<std::size_t>((c * height + 2 * y + dy) * width + 2 * x +
                                                              dx)];
                    };
                    ASSERT_EQ(output[static_cast<std::size_t>((c * (height / 2) + y) * (width / 2) + x)],
                              std::max({at(0, 0), at(0, 1), at(1, 0), at(1, 1)}))
                        << channels << "x" << height << "x" << width << " at " << c << "," << y << "," << x;
                }
    }
}
VOLTSIM_FOR_EVERY_KERNEL_PATH(MaxPoolTest);

} // namespace
} // namespace voltsim::test
