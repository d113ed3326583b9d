#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/WeightMemory.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace voltsim::memory;

namespace {

SramChip smallChip(const std::string& model = "random", std::uint32_t banks = 4)
{
    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {banks, {16, 64}}; // 128 bytes per bank
    options.faultModel = model;
    return SramChip(voltsim::test::shared(loadProfile("uniform")), 1, options);
}

} // namespace

TEST(WeightLayout, PacksCodesLsbFirst)
{
    // 2-bit codes 1, 2, 3, 0, 1 -> bits 10 01 11 00 | 10 -> byte0 = 0b00111001, byte1 = 0b01.
    const std::uint8_t codes[] = {1, 2, 3, 0, 1};
    const auto bytes = packCodes(codes, 5, 2);
    ASSERT_EQ(bytes.size(), 2u);
    EXPECT_EQ(bytes[0], 0x39);
    EXPECT_EQ(bytes[1], 0x01);
    // 3-bit codes 5, 7, 1 -> 101 111 001 -> byte0 = 0b01_111_101 = 0x7d, byte1 = 0b0.
    const std::uint8_t three[] = {5, 7, 1};
    const auto packed = packCodes(three, 3, 3);
    EXPECT_EQ(packed, (std::vector<std::uint8_t>{0x7d, 0x00}));
}

TEST(WeightLayout, PackUnpackRoundTripForEveryWidth)
{
    for (unsigned bits = 1; bits <= 8; ++bits) {
        std::vector<std::uint8_t> codes(1001);
        for (std::size_t i = 0; i < codes.size(); ++i)
            codes[i] = static_cast<std::uint8_t>((i * 37 + 11) & ((1u << bits) - 1));
        const auto bytes = packCodes(codes.data(), codes.size(), bits);
        EXPECT_EQ(bytes.size(), (codes.size() * bits + 7) / 8);
        EXPECT_EQ(unpackCodes(bytes.data(), codes.size(), bits), codes) << bits;
    }
}

TEST(WeightLayout, LinearMappingWithOffsetAndInterleave)
{
    const ChipGeometry geometry{4, {16, 64}}; // 4 banks of 128 bytes, capacity 512
    WeightLayout contiguous(geometry, {});
    EXPECT_EQ(contiguous.locate(0).bank, 0u);
    EXPECT_EQ(contiguous.locate(127).offset, 127u);
    EXPECT_EQ(contiguous.locate(128).bank, 1u);
    EXPECT_EQ(contiguous.locate(511).bank, 3u);
    EXPECT_EQ(contiguous.locate(511).offset, 127u);

    WeightLayout interleaved(geometry, {0, 8, Packing::Packed});
    // Byte 8 -> chunk 1 -> bank 1 offset 0; byte 37 -> chunk 4 -> bank 0, row of chunks 1 -> offset 8 + 5.
    EXPECT_EQ(interleaved.locate(8).bank, 1u);
    EXPECT_EQ(interleaved.locate(8).offset, 0u);
    EXPECT_EQ(interleaved.locate(37).bank, 0u);
    EXPECT_EQ(interleaved.locate(37).offset, 13u);
    EXPECT_EQ(interleaved.contiguousBytes(37), 3u);

    WeightLayout shifted(geometry, {500, 0, Packing::Packed});
    // Linear 0 -> physical 500 (bank 3, offset 116); linear 12 wraps to physical 0.
    EXPECT_EQ(shifted.locate(0).bank, 3u);
    EXPECT_EQ(shifted.locate(0).offset, 116u);
    EXPECT_EQ(shifted.locate(12).bank, 0u);
    EXPECT_EQ(shifted.locate(12).offset, 0u);
    EXPECT_EQ(shifted.contiguousBytes(0), 12u);

    EXPECT_THROW(WeightLayout(geometry, {0, 48, Packing::Packed}), voltsim::InputError);
}

TEST(WeightLayout, EveryLinearByteMapsToADistinctPhysicalByte)
{
    const ChipGeometry geometry{4, {16, 64}};
    for (const auto& config :
         {WeightLayoutConfig{0, 0, Packing::Packed}, WeightLayoutConfig{77, 8, Packing::Packed},
          WeightLayoutConfig{5, 32, Packing::Packed}}) {
        WeightLayout layout(geometry, config);
        std::set<std::pair<std::uint32_t, std::uint64_t>> seen;
        for (std::uint64_t a = 0; a < layout.capacityBytes(); ++a) {
            const auto location = layout.locate(a);
            ASSERT_LT(location.offset, 128u);
            seen.insert({location.bank, location.offset});
        }
        EXPECT_EQ(seen.size(), layout.capacityBytes());
    }
}

TEST(WeightMemory, CleanReadBackAcrossBanks)
{
    SramChip chip = smallChip();
    WeightMemory memory(chip, {100, 8, Packing::Packed});
    std::vector<std::uint8_t> a(300), b(77);
    for (std::size_t i = 0; i < a.size(); ++i)
        a[i] = static_cast<std::uint8_t>(i % 16);
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = static_cast<std::uint8_t>((i * 5) % 8);
    const auto read = memory.readBack({{a.data(), a.size(), 4}, {b.data(), b.size(), 3}});
    EXPECT_FALSE(memory.plan().streamed);
    EXPECT_EQ(memory.plan().tiles[1].address, 150u);
    EXPECT_EQ(memory.plan().dramBytes(), 150u + 29u);
    EXPECT_EQ(read[0], a);
    EXPECT_EQ(read[1], b);
    std::uint64_t bytesWritten = 0;
    for (std::uint32_t bank = 0; bank < chip.bankCount(); ++bank) {
        bytesWritten += chip.bank(bank).stats().bytesWritten;
        EXPECT_GT(chip.bank(bank).stats().bytesRead, 0u) << bank; // interleave 8 spreads over every bank
    }
    EXPECT_EQ(bytesWritten, 179u);
}

TEST(WeightMemory, FaultsReachCodesThroughTheReadPath)
{
    SramChip chip = smallChip("random", 1);
    WeightMemory memory(chip, {});
    std::vector<std::uint8_t> codes(128, 0); // 128 4-bit codes in the first 64 bytes
    chip.setOperatingPoint(OperatingPoint::atRate(0.05));
    const auto read = memory.readBack({{codes.data(), codes.size(), 4}})[0];
    std::vector<std::uint8_t> expected(128, 0);
    for (const auto& cell : chip.cells(0))
        if (chip.isActive(0, cell) && cell.bit < 512)
            expected[cell.bit / 4] ^= static_cast<std::uint8_t>(1u << (cell.bit % 4));
    EXPECT_EQ(read, expected);
    EXPECT_NE(read, codes);
}

TEST(WeightMemory, BytePerCodeLeavesHighBitsClean)
{
    SramChip chip = smallChip("random", 1);
    WeightMemory memory(chip, {0, 0, Packing::BytePerCode});
    std::vector<std::uint8_t> codes(128, 3);
    memory.readBack({{codes.data(), codes.size(), 2}});
    chip.setOperatingPoint(OperatingPoint::atRate(0.1));
    std::vector<std::uint8_t> raw(128);
    memory.read(0, raw.data(), raw.size());
    for (const auto byte : raw)
        ASSERT_EQ(byte & 0xfc, 0);
    EXPECT_GT(chip.faultCounts().faultyCells, 0u);
    EXPECT_EQ(chip.faultCounts().cells, 2u * 128u);
}

TEST(WeightMemory, RejectsOversizedAndInvalidTensors)
{
    SramChip chip = smallChip("random", 1);
    WeightMemory memory(chip, {0, 0, Packing::Packed, "resident"});
    std::vector<std::uint8_t> big(129, 0);
    EXPECT_THROW(memory.readBack({{big.data(), big.size(), 8}}), voltsim::InputError);
    std::vector<std::uint8_t> wide{4};
    WeightMemory other(chip, {});
    EXPECT_THROW(other.readBack({{wide.data(), 1, 2}}), voltsim::InputError);
    WeightMemory third(chip, {});
    EXPECT_THROW(third.readBack({{wide.data(), 1, 9}}), voltsim::InputError);
    std::uint8_t out[2];
    EXPECT_THROW(other.read(127, out, 2), std::out_of_range);
}
