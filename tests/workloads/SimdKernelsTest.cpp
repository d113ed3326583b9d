// The SIMD kernels internal to voltsim_workloads, dispatched (AVX2 where the CPU has it) and
// portable: the int16 GEMM against a literal triple loop on every tail shape, the row
// requantization against docs/datapath.md's formula over the whole int64 range it meets.
#include "../../workloads/src/inference/Int16Gemm.hpp"
#include "../../workloads/src/inference/Requantize.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace voltsim::test {
namespace {

using namespace workloads::detail;

struct GemmCase {
    std::size_t rows;
    std::size_t fanIn;
    std::size_t cols;
};

TEST(Int16GemmTest, KernelsEqualTheLiteralSumsOnEveryTailShape)
{
    std::mt19937 random(2026);
    for (const GemmCase shape :
         {GemmCase{1, 9, 16}, {5, 10, 10}, {6, 144, 32}, {7, 2, 33}, {13, 1568, 64}, {196, 9, 16}}) {
        const std::size_t depth = roundUp(shape.fanIn, kGemmDepthStep);
        const std::size_t cols = roundUp(shape.cols, kGemmPanelCols);
        std::vector<std::int16_t> a(shape.rows * depth, 0);
        std::vector<std::int16_t> b(shape.cols * shape.fanIn);
        std::vector<std::int16_t> packed(cols * depth, 0);
        for (std::size_t r = 0; r < shape.rows; ++r)
            for (std::size_t k = 0; k < shape.fanIn; ++k)
                a[r * depth + k] = static_cast<std::int16_t>(random() % 256); // activations
        for (std::size_t n = 0; n < shape.cols; ++n)
            for (std::size_t k = 0; k < shape.fanIn; ++k) {
                b[n * shape.fanIn + k] =
                    static_cast<std::int16_t>(int(random() % 256) - 128); // v - z at 8 bits
                packed[packedIndex(n, k, depth)] = b[n * shape.fanIn + k];
            }
        const GemmA operandA{a.data(), shape.rows, depth};
        const GemmB operandB{packed.data(), cols / kGemmPanelCols};
        std::vector<std::int32_t> fast(shape.rows * cols, -1);
        std::vector<std::int32_t> portable(shape.rows * cols, -1);
        std::vector<std::int32_t> sums(shape.rows, -1);
        gemmInt16(operandA, operandB, depth, fast.data(), cols);
        gemmInt16Portable(operandA, operandB, depth, portable.data(), cols);
        rowSums(operandA, depth, sums.data());
        for (std::size_t r = 0; r < shape.rows; ++r) {
            std::int32_t sum = 0;
            for (std::size_t k = 0; k < shape.fanIn; ++k)
                sum += a[r * depth + k];
            ASSERT_EQ(sums[r], sum) << "row " << r;
            for (std::size_t n = 0; n < cols; ++n) {
                std::int32_t expected = 0;
                for (std::size_t k = 0; n < shape.cols && k < shape.fanIn; ++k)
                    expected += std::int32_t(a[r * depth + k]) * b[n * shape.fanIn + k];
                ASSERT_EQ(fast[r * cols + n], expected)
                    << shape.rows << "x" << shape.fanIn << "x" << shape.cols << " at " << r << "," << n;
                ASSERT_EQ(portable[r * cols + n], expected)
                    << shape.rows << "x" << shape.fanIn << "x" << shape.cols;
            }
        }
    }
}

TEST(RequantizeRowTest, BothKernelsEqualTheFormulaIncludingClampsAndNegativeValues)
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
        requantizeRowToUint8(centered.data(), bias.data(), count, row, fast.data());
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

} // namespace
} // namespace voltsim::test
