// The functional array and the cycle-stepped SystemC array against a naive integer GEMM and the
// hand-worked cycle counts of TimingTest.cpp (which derives each one).
#include "voltsim/models/array/SystolicArray.hpp"
#include "voltsim/models/array/CycleSystolicArray.hpp"
#include "voltsim/models/timing/impl/NativeTiming.hpp"

#include "ScFixture.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace voltsim::models {
namespace {

CodeMatrix randomCodes(Eigen::Index rows, Eigen::Index cols, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> code(0, 255);
    CodeMatrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = static_cast<std::uint8_t>(code(rng));
    return m;
}

/// Independent reference: the triple loop acc[m][n] = sum_k q[m][k] * v[k][n] in int64.
AccMatrix naiveGemm(const CodeMatrix& weights, const CodeMatrix& inputs)
{
    AccMatrix acc(inputs.rows(), weights.cols());
    for (Eigen::Index m = 0; m < inputs.rows(); ++m)
        for (Eigen::Index n = 0; n < weights.cols(); ++n) {
            std::int64_t sum = 0;
            for (Eigen::Index k = 0; k < inputs.cols(); ++k)
                sum += std::int64_t{inputs(m, k)} * weights(k, n);
            acc(m, n) = static_cast<std::int32_t>(sum);
        }
    return acc;
}

struct Case {
    std::int64_t rows, cols;
    Dataflow dataflow;
    std::int64_t m, k, n;
    std::int64_t cycles; ///< hand-worked in TimingTest.cpp
};

// 4x4: M = 5, K = 6, N = 6 (partial folds in both spatial dimensions for every dataflow);
// 2x2: M = K = N = 3; plus the stall cases (T shorter than a fold's load or drain).
const std::vector<Case> kCases{
    {4, 4, Dataflow::WS, 5, 6, 6, 26}, {4, 4, Dataflow::OS, 5, 6, 6, 26}, {4, 4, Dataflow::IS, 5, 6, 6, 29},
    {2, 2, Dataflow::WS, 3, 3, 3, 15}, {2, 2, Dataflow::OS, 3, 3, 3, 13}, {2, 2, Dataflow::IS, 3, 3, 3, 15},
    {4, 4, Dataflow::WS, 2, 8, 4, 14}, {4, 4, Dataflow::OS, 8, 2, 4, 13},
};

std::string describe(const Case& c)
{
    std::ostringstream s;
    s << c.rows << "x" << c.cols << " " << toString(c.dataflow) << " M=" << c.m << " K=" << c.k
      << " N=" << c.n;
    return s.str();
}

TEST(SystolicArrayTest, FunctionalMatchesNaiveGemmAndHandCycles)
{
    for (const Case& c : kCases) {
        const CodeMatrix w = randomCodes(c.k, c.n, 11);
        const CodeMatrix q = randomCodes(c.m, c.k, 12);
        const GemmResult r = SystolicArray(ArraySpec{c.rows, c.cols, c.dataflow}).gemm(w, q);
        EXPECT_EQ(r.acc, naiveGemm(w, q)) << describe(c);
        EXPECT_EQ(r.timing.totalCycles, c.cycles) << describe(c);
    }
}

TEST(SystolicArrayTest, FunctionalLargestCodesDoNotOverflow)
{
    // 255 * 255 * 4000 = 260,100,000 < 2^31.
    const CodeMatrix w = CodeMatrix::Constant(4000, 3, 255);
    const CodeMatrix q = CodeMatrix::Constant(2, 4000, 255);
    const GemmResult r = SystolicArray(ArraySpec{8, 8, Dataflow::WS}).gemm(w, q);
    EXPECT_EQ(r.acc(1, 2), 260100000);
}

TEST(SystolicArrayTest, RejectsMismatchedOperands)
{
    const SystolicArray array(ArraySpec{4, 4, Dataflow::OS});
    EXPECT_THROW(array.gemm(CodeMatrix(3, 2), CodeMatrix(2, 4)), std::invalid_argument);
}

class CycleSystolicArrayTest : public test::ScFixture {};

class CycleSystolicArrayCaseTest : public test::ScFixture, public ::testing::WithParamInterface<Case> {};

TEST_P(CycleSystolicArrayCaseTest, MatchesNaiveGemmAndHandCycles)
{
    const Case& c = GetParam();
    const CodeMatrix w = randomCodes(c.k, c.n, 21);
    const CodeMatrix q = randomCodes(c.m, c.k, 41);
    const GemmResult r = runCycleGemm(ArraySpec{c.rows, c.cols, c.dataflow}, w, q);
    EXPECT_EQ(r.acc, naiveGemm(w, q)) << describe(c);
    EXPECT_EQ(r.timing.totalCycles, c.cycles) << describe(c);
}

INSTANTIATE_TEST_SUITE_P(HandWorked, CycleSystolicArrayCaseTest, ::testing::ValuesIn(kCases));

TEST_F(CycleSystolicArrayTest, HarnessRunsConsecutiveGemmsLikeTheAnalyticModel)
{
    const ArraySpec spec{3, 5, Dataflow::WS};
    CycleArrayHarness harness(spec);
    for (std::uint32_t seed = 0; seed < 3; ++seed) {
        const CodeMatrix w = randomCodes(7 + seed, 11 - seed, seed);
        const CodeMatrix q = randomCodes(4 + 3 * seed, 7 + seed, 100 + seed);
        const GemmResult r = harness.run(w, q);
        EXPECT_EQ(r.acc, naiveGemm(w, q));
        EXPECT_EQ(r.timing.totalCycles,
                  NativeTiming().layer({q.rows(), q.cols(), w.cols()}, spec).totalCycles);
    }
}

TEST_F(CycleSystolicArrayTest, WritesVcdTrace)
{
    const std::string base = ::testing::TempDir() + "voltsim_array_trace";
    std::remove((base + ".vcd").c_str());
    runCycleGemm(ArraySpec{2, 2, Dataflow::OS}, randomCodes(3, 3, 1), randomCodes(3, 3, 2), base);
    std::ifstream vcd(base + ".vcd");
    ASSERT_TRUE(vcd.good());
    const std::string text((std::istreambuf_iterator<char>(vcd)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("outputs_written"), std::string::npos);
    EXPECT_NE(text.find("last_output"), std::string::npos);
    EXPECT_NE(text.find("$enddefinitions"), std::string::npos);
}

} // namespace
} // namespace voltsim::models
