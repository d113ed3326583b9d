// The RQuant and Normal quantizers of docs/datapath.md against codes computed by hand.
#include "voltsim/workloads/model/QuantCodec.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace voltsim::test {
namespace {

using namespace workloads;

TEST(QuantCodecTest, RQuantEightBit)
{
    // delta = 1.001/127 = 0.00788189; z = 128; range [-0.1, 0.1].
    //  -0.1 -> w' = -1   -> -126.873 + 128 = 1.127   -> floor(1.627)   = 1
    //   0   -> w' =  0   -> 128                       -> floor(128.5)   = 128
    //   0.1 -> w' =  1   ->  126.873 + 128 = 254.873 -> floor(255.373) = 255
    //   0.05-> w' =  0.5 ->   63.437 + 128 = 191.437 -> floor(191.937) = 191
    const EncodedTensor tensor = encodeRQuant({-0.1, 0.0, 0.1, 0.05}, 8);
    EXPECT_EQ(tensor.codes, (std::vector<std::uint8_t>{1, 128, 255, 191}));
    EXPECT_EQ(tensor.offset, 128);
    EXPECT_DOUBLE_EQ(tensor.rangeMin, -0.1);
    EXPECT_DOUBLE_EQ(tensor.rangeMax, 0.1);
    // a = delta (qmax - qmin) / 2 = 0.000788189, c = 0: code 255 decodes to 127 a = 0.1001.
    EXPECT_NEAR(tensor.scale, 0.00078818898, 1e-11);
    EXPECT_NEAR(decodeCode(tensor, 255), 0.1001, 1e-12);
    EXPECT_NEAR(decodeCode(tensor, 1), -0.1001, 1e-12);
    EXPECT_NEAR(decodeCode(tensor, 0), -0.10088819, 1e-8); // a bit error can reach code 0
}

TEST(QuantCodecTest, RQuantTwoBitAsymmetric)
{
    // delta = 1.001, z = 2; range [0, 3]: w' = -1, -1/3, 1/3, 1 -> w'/delta + 2 = 1.001, 1.667, 2.333, 2.999.
    const EncodedTensor tensor = encodeRQuant({0, 1, 2, 3}, 2);
    EXPECT_EQ(tensor.codes, (std::vector<std::uint8_t>{1, 2, 2, 3}));
    EXPECT_DOUBLE_EQ(tensor.center, 1.5);
    EXPECT_DOUBLE_EQ(tensor.scale, 1.001 * 1.5);
}

TEST(QuantCodecTest, RQuantConstantTensor)
{
    const EncodedTensor tensor = encodeRQuant({0.3, 0.3, 0.3}, 4);
    EXPECT_EQ(tensor.codes, (std::vector<std::uint8_t>{8, 8, 8}));
    EXPECT_DOUBLE_EQ(decodeCode(tensor, 8), 0.3);
}

TEST(QuantCodecTest, NormalFourBitTruncates)
{
    // delta = 1.001/7 = 0.143, z = 8, range fixed [-1, 1], floor:
    //   0.5 -> 3.4965 + 8 = 11.4965 -> 11;  -0.5 -> 4.5035 -> 4;  2 (clamped to 1) -> 14.993 -> 14;
    //  -1   -> 1.007 -> 1;  0 -> 8
    const EncodedTensor tensor = encodeNormal({0.5, -0.5, 2.0, -1.0, 0.0}, 4);
    EXPECT_EQ(tensor.codes, (std::vector<std::uint8_t>{11, 4, 14, 1, 8}));
    EXPECT_DOUBLE_EQ(tensor.scale, 0.143);
    EXPECT_DOUBLE_EQ(tensor.center, 0.0);
    EXPECT_NEAR(decodeCode(tensor, 11), 0.429, 1e-12);
}

TEST(QuantCodecTest, RejectsBadArguments)
{
    EXPECT_THROW(encodeRQuant({0.1}, 9), std::invalid_argument);
    EXPECT_THROW(encodeNormal({0.1}, 1), std::invalid_argument);
    EXPECT_THROW(encodeRQuant({}, 8), std::invalid_argument);
}

} // namespace
} // namespace voltsim::test
