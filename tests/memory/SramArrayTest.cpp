#include "voltsim/memory/SramArray.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <vector>

using namespace voltsim::memory;

namespace {

std::vector<std::uint8_t> iota(std::size_t n, std::uint8_t first = 1)
{
    std::vector<std::uint8_t> data(n);
    std::iota(data.begin(), data.end(), first);
    return data;
}

} // namespace

TEST(SramArray, ReadsBackWhatWasWrittenAtAnyOffsetAndLength)
{
    SramArray array({16, 64}); // 128 bytes
    const auto data = iota(128);
    array.write(0, data.data(), data.size());
    for (std::size_t address = 0; address < 128; address += 7)
        for (std::size_t length = 0; address + length <= 128; length += 5) {
            std::vector<std::uint8_t> out(length);
            array.read(address, out.data(), length);
            ASSERT_TRUE(std::equal(out.begin(), out.end(), data.begin() + static_cast<long>(address)));
        }
}

TEST(SramArray, FirstAndLastByteAndOutOfRange)
{
    SramArray array({512, 64});
    ASSERT_EQ(array.sizeBytes(), 4096u);
    const std::uint8_t first = 0x5a;
    const std::uint8_t last = 0xc3;
    array.write(0, &first, 1);
    array.write(4095, &last, 1);
    std::uint8_t byte = 0;
    array.read(0, &byte, 1);
    EXPECT_EQ(byte, first);
    array.read(4095, &byte, 1);
    EXPECT_EQ(byte, last);
    std::uint8_t two[2];
    EXPECT_THROW(array.read(4095, two, 2), std::out_of_range);   // crosses the end
    EXPECT_THROW(array.read(4096, &byte, 1), std::out_of_range); // leaves the bank
    EXPECT_THROW(array.write(4095, two, 2), std::out_of_range);
    EXPECT_THROW(array.read(~std::uint64_t{0}, &byte, 1), std::out_of_range); // no wrap-around
    EXPECT_TRUE(array.contains(4096, 0));
    EXPECT_FALSE(array.contains(4097, 0));
}

TEST(SramArray, CountersCountAccessesBytesAndFlippedBits)
{
    SramArray array({8, 64});
    const auto data = iota(64, 0);
    array.write(0, data.data(), 64);
    array.write(10, data.data(), 3);
    // Flip bit 3 of byte 5 and bit 0 of byte 40; byte 9 bit 7 stuck at 1 (it holds 9 = 0b1001).
    array.addFlip(5 * 8 + 3);
    array.addFlip(40 * 8 + 0);
    array.addStuck(9 * 8 + 7, 1);
    std::vector<std::uint8_t> out(64);
    array.read(0, out.data(), 64);
    EXPECT_EQ(out[5], 5 ^ 0x08);
    EXPECT_EQ(out[40], 40 ^ 0x01);
    EXPECT_EQ(out[9], 9 | 0x80);
    EXPECT_EQ(out[12], 2); // rewritten by the second write
    std::uint8_t byte = 0;
    array.read(41, &byte, 1);
    const SramStats& stats = array.stats();
    EXPECT_EQ(stats.writes, 2u);
    EXPECT_EQ(stats.bytesWritten, 67u);
    EXPECT_EQ(stats.reads, 2u);
    EXPECT_EQ(stats.bytesRead, 65u);
    EXPECT_EQ(stats.bitsFlipped, 3u); // byte 41 has no fault
    array.read(5, &byte, 1);
    EXPECT_EQ(array.stats().bitsFlipped, 4u); // partial-lane reads count only their bytes
}

TEST(SramArray, StuckCellsCorruptOnlyDifferingValues)
{
    SramArray array({8, 64});
    array.addStuck(0, 0); // byte 0 bit 0 stuck at 0
    array.addStuck(9, 1); // byte 1 bit 1 stuck at 1
    const std::uint8_t agree[2] = {0x00, 0x02};
    array.write(0, agree, 2);
    std::uint8_t out[2];
    array.read(0, out, 2);
    EXPECT_EQ(out[0], 0x00);
    EXPECT_EQ(out[1], 0x02);
    EXPECT_EQ(array.stats().bitsFlipped, 0u);
    const std::uint8_t differ[2] = {0xff, 0x00};
    array.write(0, differ, 2);
    array.read(0, out, 2);
    EXPECT_EQ(out[0], 0xfe);
    EXPECT_EQ(out[1], 0x02);
    EXPECT_EQ(array.stats().bitsFlipped, 2u);
}

TEST(SramArray, PeekRawBypassesFaultsAndCounters)
{
    SramArray array({8, 64});
    const std::uint8_t value = 0x0f;
    array.poke(3, &value, 1);
    array.addFlip(std::uint64_t{3} * 8);
    std::uint8_t raw = 0;
    std::uint8_t faulty = 0;
    array.peekRaw(3, &raw, 1);
    array.peek(3, &faulty, 1);
    EXPECT_EQ(raw, 0x0f);
    EXPECT_EQ(faulty, 0x0e);
    EXPECT_EQ(array.stats().reads + array.stats().writes, 0u);
    array.clearFaults();
    array.peek(3, &faulty, 1);
    EXPECT_EQ(faulty, 0x0f);
}

TEST(SramArray, UnusedBitsIgnoreFaults)
{
    SramArray array({8, 64});
    array.setUsedBitsPerByte(0x3f);
    EXPECT_FALSE(array.addFlip(7));
    EXPECT_TRUE(array.addFlip(5));
    std::uint8_t byte = 0;
    array.read(0, &byte, 1);
    EXPECT_EQ(byte, 0x20);
}

TEST(SramArray, RejectsGeometriesWithoutWholeLanes)
{
    EXPECT_THROW(SramArray({3, 8}), std::invalid_argument);  // 24 bits
    EXPECT_THROW(SramArray({8, 12}), std::invalid_argument); // not whole bytes
    EXPECT_NO_THROW(SramArray({8, 8}));
}
