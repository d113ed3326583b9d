// Protection between the weight SRAM's cells and the reader (docs/accelerator.md, "Protection"):
// SECDED words worked by hand, parity with zeroing, MSB cells, and the decoders against an
// independent count of the faulty cells in each codeword of a faulty chip.
#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/Protection.hpp"
#include "voltsim/memory/WeightMemory.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace voltsim::memory;

namespace {

// Hamming positions of the (39,32) code's data bits (powers of two hold the check bits):
// data bit 0 -> 3 = 0b11, 1 -> 5 = 0b101, 2 -> 6 = 0b110, 3 -> 7 = 0b111, 4 -> 9 = 0b1001,
// 10 -> 15 = 0b1111, 31 -> 38 = 0b100110. Check bit i covers the data bits whose position has bit
// i set; check bit 6 is the overall parity.
const SecdedCode kSecded32(32);

std::uint64_t bit(unsigned index)
{
    return std::uint64_t{1} << index;
}

} // namespace

TEST(Secded, CodeSizesAreTheStandardOnes)
{
    EXPECT_EQ(SecdedCode(64).checkBits(), 8u); // (72,64): 2^7 >= 64 + 7 + 1, plus overall parity
    EXPECT_EQ(SecdedCode(32).checkBits(), 7u); // (39,32): 2^6 >= 32 + 6 + 1, plus overall parity
    EXPECT_EQ(ProtectionSpec::parse("secded:64", "k").checkBits(), 8u);
    EXPECT_EQ(ProtectionSpec::parse("parity:8", "k").checkBits(), 1u);
    EXPECT_DOUBLE_EQ(ProtectionSpec::parse("secded:64", "k").storedBitsPerDataBit(), 72.0 / 64.0);
    EXPECT_DOUBLE_EQ(ProtectionSpec::parse("secded:32", "k").storedBitsPerDataBit(), 39.0 / 32.0);
    EXPECT_DOUBLE_EQ(ProtectionSpec::parse("msb:2", "k").storedBitsPerDataBit(), 1.0);
}

TEST(Secded, EncodesHandWorkedWords)
{
    EXPECT_EQ(kSecded32.encode(0), 0u);
    // Data bit 0 (position 3): check bits 0 and 1; weight 1 + 2 = 3 is odd, so overall = 1.
    EXPECT_EQ(kSecded32.encode(0x1), 0x43u);
    // Data 0xF (positions 3, 5, 6, 7): c0 = 3,5,7 -> 1; c1 = 3,6,7 -> 1; c2 = 5,6,7 -> 1;
    // weight 4 + 3 = 7 is odd, overall = 1.
    EXPECT_EQ(kSecded32.encode(0xF), 0x47u);
    // Data bit 31 (position 38 = 0b100110): check bits 1, 2, 5; weight 1 + 3 even, overall 0.
    EXPECT_EQ(kSecded32.encode(bit(31)), 0x26u);
    // (72,64), data bit 0: check bits 0, 1 and the overall parity (bit 7).
    EXPECT_EQ(SecdedCode(64).encode(0x1), 0x83u);
}

TEST(Secded, CorrectsEverySingleError)
{
    const std::uint64_t data = 0xDEADBEEF;
    const std::uint32_t check = kSecded32.encode(data);
    for (unsigned b = 0; b < 32; ++b) {
        const auto decoded = kSecded32.decode(data ^ bit(b), check);
        EXPECT_EQ(decoded.outcome, SecdedCode::Outcome::Corrected) << b;
        EXPECT_EQ(decoded.data, data) << b;
    }
    for (unsigned c = 0; c < 7; ++c) {
        const auto decoded = kSecded32.decode(data, check ^ (1u << c));
        EXPECT_EQ(decoded.outcome, SecdedCode::Outcome::Corrected) << c;
        EXPECT_EQ(decoded.data, data) << c;
    }
    EXPECT_EQ(kSecded32.decode(data, check).outcome, SecdedCode::Outcome::Clean);
}

TEST(Secded, HandWorkedSingleErrorPointsAtItsPosition)
{
    // 0xF with data bit 2 flipped reads 0xB (positions 3, 5, 7): recomputed checks 0b001 against the
    // stored 0b111 give syndrome 0b110 = 6, the position of data bit 2; the overall parity is odd.
    const auto decoded = kSecded32.decode(0xB, 0x47);
    EXPECT_EQ(decoded.outcome, SecdedCode::Outcome::Corrected);
    EXPECT_EQ(decoded.data, 0xFu);
}

TEST(Secded, DetectsEveryDoubleError)
{
    const std::uint64_t data = 0x12345678;
    const std::uint32_t check = kSecded32.encode(data);
    for (unsigned a = 0; a < 39; ++a)
        for (unsigned b = a + 1; b < 39; ++b) {
            std::uint64_t read = data;
            std::uint32_t readCheck = check;
            for (const unsigned flipped : {a, b}) {
                if (flipped < 32)
                    read ^= bit(flipped);
                else
                    readCheck ^= 1u << (flipped - 32);
            }
            const auto decoded = kSecded32.decode(read, readCheck);
            EXPECT_EQ(decoded.outcome, SecdedCode::Outcome::Detected) << a << "," << b;
            EXPECT_EQ(decoded.data, read) << "a detected word is passed on as read";
        }
    // Data bits 0 and 1: syndrome 3 ^ 5 = 6, even overall parity.
    const auto worked = kSecded32.decode(0xF ^ 0x3, 0x47);
    EXPECT_EQ(worked.outcome, SecdedCode::Outcome::Detected);
    EXPECT_EQ(worked.data, 0xCu);
}

TEST(Secded, SomeTripleErrorsAreMiscorrectedOrMissed)
{
    // Data bits 0, 1, 4 (positions 3, 5, 9): syndrome 3 ^ 5 ^ 9 = 15, odd parity: the decoder
    // "corrects" data bit 10 (position 15), a fourth wrong bit.
    const auto miscorrected = kSecded32.decode(0xF ^ 0x13, 0x47);
    EXPECT_EQ(miscorrected.outcome, SecdedCode::Outcome::Corrected);
    EXPECT_EQ(miscorrected.data, 0xFu ^ 0x13u ^ bit(10));
    // Data bits 0, 1, 2 (positions 3, 5, 6): syndrome 3 ^ 5 ^ 6 = 0, odd parity: taken for an error
    // in the overall parity bit; the three wrong bits pass silently.
    const auto missed = kSecded32.decode(0xF ^ 0x7, 0x47);
    EXPECT_EQ(missed.outcome, SecdedCode::Outcome::Corrected);
    EXPECT_EQ(missed.data, 0x8u);
    // Data bits 31, 2, 4 (positions 38, 6, 9): syndrome 0b101001 = 41, past the shortened code's
    // last position 38: detected.
    const std::uint64_t clean = 0;
    const auto detected = kSecded32.decode(clean ^ bit(31) ^ bit(2) ^ bit(4), kSecded32.encode(clean));
    EXPECT_EQ(detected.outcome, SecdedCode::Outcome::Detected);
}

TEST(Secded, DecoderGatesFollowTheCode)
{
    // (39,32): the syndrome XORs each check bit's covered data bits and its stored bit: the set bits
    // of the 32 data positions 3..38 sum to 90; overall parity over 39 bits, 38 XORs; 32
    // correcting XORs: 160. (72,64): 205 + 71 + 64 = 340. Parity over 8 bits: 7 + 1 compare.
    EXPECT_EQ(ProtectionSpec::parse("secded:32", "k").decoderGates(), 160u);
    EXPECT_EQ(ProtectionSpec::parse("secded:64", "k").decoderGates(), 340u);
    EXPECT_EQ(ProtectionSpec::parse("parity:8", "k").decoderGates(), 8u);
    EXPECT_EQ(ProtectionSpec::parse("msb:2", "k").decoderGates(), 0u);
}

TEST(Protection, StoresCodewordsBackToBack)
{
    const ProtectionSpec secded = ProtectionSpec::parse("secded:32", "k");
    // One 39-bit codeword: the data bytes, then the check bits 0x43 in byte 4's bits 0..6.
    const std::uint8_t one[] = {0x01, 0x00, 0x00, 0x00};
    EXPECT_EQ(protect(secded, one, 4), (std::vector<std::uint8_t>{0x01, 0x00, 0x00, 0x00, 0x43}));
    EXPECT_EQ(protectedBytes(secded, 4), 5u);
    EXPECT_EQ(protectedBytes(secded, 8), 10u); // 2 x 39 = 78 bits
    EXPECT_EQ(protectedBytes(secded, 5), 10u); // the second word zero-padded
    EXPECT_EQ(protectedBytes(ProtectionSpec::parse("secded:64", "k"), 8), 9u);
    EXPECT_EQ(protectedBytes(ProtectionSpec::parse("parity:8", "k"), 4), 5u); // 4 x 9 = 36 bits
    EXPECT_EQ(protectedBytes(ProtectionSpec::parse("msb:3", "k"), 4), 4u);
    // Parity per byte: 0x81 (even, parity 0) at bits 0..8, 0x7F (odd, parity 1) at bits 9..17.
    const std::uint8_t pair[] = {0x81, 0x7F};
    EXPECT_EQ(protect(ProtectionSpec::parse("parity:8", "k"), pair, 2),
              (std::vector<std::uint8_t>{0x81, 0xFE, 0x02}));
}

TEST(Protection, RoundTripsEveryScheme)
{
    std::vector<std::uint8_t> data(37);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<std::uint8_t>(i * 73 + 5);
    for (const char* name :
         {"none", "secded:64", "secded:32", "parity:1", "parity:8", "parity:24", "msb:2"}) {
        const ProtectionSpec spec = ProtectionSpec::parse(name, "k");
        EXPECT_EQ(spec.name(), name);
        const std::vector<std::uint8_t> stored = protect(spec, data.data(), data.size());
        ASSERT_EQ(stored.size(), protectedBytes(spec, data.size())) << name;
        ProtectionCounts counts;
        std::vector<std::uint64_t> failed;
        EXPECT_EQ(unprotect(spec, stored.data(), data.size(), counts, failed), data) << name;
        EXPECT_EQ(counts.corrected + counts.detected, 0u) << name;
        EXPECT_TRUE(failed.empty()) << name;
    }
}

TEST(Protection, ParityZeroesTheCodesOfAFailedWord)
{
    const ChipGeometry geometry{1, {16, 64}};
    WeightLayoutConfig config;
    config.protection = ProtectionSpec::parse("parity:16", "k");
    const WeightLayout layout(geometry, config);
    // 8-bit codes, two per 17-bit word: words {0x81, 0x7F} and {0x10, 0x20}.
    const std::uint8_t codes[] = {0x81, 0x7F, 0x10, 0x20};
    std::vector<std::uint8_t> stored = layout.encode(codes, 4, 8);
    ASSERT_EQ(stored.size(), 5u); // 2 x 17 = 34 bits
    stored[0] ^= 0x08;            // a data bit of word 0
    ProtectionCounts counts;
    const std::vector<std::uint8_t> read = layout.decode(stored.data(), 4, 8, 0x80, &counts);
    EXPECT_EQ(read, (std::vector<std::uint8_t>{0x80, 0x80, 0x10, 0x20}));
    EXPECT_EQ(counts.words, 2u);
    EXPECT_EQ(counts.detected, 1u);
}

TEST(Protection, ReliableBitsSitAtTheCodesMostSignificantBits)
{
    const ChipGeometry geometry{1, {16, 64}};
    const auto layout = [&](const char* protection, Packing packing) {
        WeightLayoutConfig config;
        config.packing = packing;
        config.protection = ProtectionSpec::parse(protection, "k");
        return WeightLayout(geometry, config);
    };
    EXPECT_EQ(layout("msb:2", Packing::Packed).reliableBitsPerByte(8), 0xC0);
    EXPECT_EQ(layout("msb:1", Packing::Packed).reliableBitsPerByte(4), 0x88); // two codes per byte
    EXPECT_EQ(layout("msb:1", Packing::Packed).reliableBitsPerByte(2), 0xAA);
    EXPECT_EQ(layout("msb:2", Packing::BytePerCode).reliableBitsPerByte(6), 0x30);
    EXPECT_EQ(layout("none", Packing::Packed).reliableBitsPerByte(8), 0x00);
}

TEST(Protection, BadSpecsAndMismatchesAreOneLineErrors)
{
    for (const char* bad : {"secded", "secded:16", "secded:72", "parity:0", "parity:65", "msb:0", "msb:8",
                            "ecc", "parity:x", "msb:-1", ""})
        EXPECT_THROW(ProtectionSpec::parse(bad, "weight_sram.protection"), voltsim::InputError) << bad;
    try {
        ProtectionSpec::parse("secded:16", "weight_sram.protection");
    } catch (const voltsim::InputError& error) {
        EXPECT_NE(std::string(error.what()).find("weight_sram.protection: \"secded:16\""), std::string::npos);
    }
    const ChipGeometry geometry{1, {16, 64}};
    WeightLayoutConfig parity;
    parity.protection = ProtectionSpec::parse("parity:12", "k");
    EXPECT_THROW(WeightLayout(geometry, parity).checkProtection({8}, "weight_sram.protection"),
                 voltsim::InputError); // 12 data bits hold 1.5 codes
    EXPECT_NO_THROW(WeightLayout(geometry, parity).checkProtection({4, 6}, "weight_sram.protection"));
    WeightLayoutConfig msb;
    msb.protection = ProtectionSpec::parse("msb:2", "k");
    EXPECT_THROW(WeightLayout(geometry, msb).checkProtection({6}, "p"), voltsim::InputError); // straddles
    EXPECT_THROW(WeightLayout(geometry, msb).checkProtection({8, 4}, "p"), voltsim::InputError);
    msb.packing = Packing::BytePerCode;
    EXPECT_NO_THROW(WeightLayout(geometry, msb).checkProtection({6, 6}, "p"));
    WeightLayoutConfig secded;
    secded.packing = Packing::BytePerCode;
    secded.protection = ProtectionSpec::parse("secded:64", "k");
    EXPECT_THROW(WeightLayout(geometry, secded).checkProtection({8}, "p"), voltsim::InputError);
}

namespace {

/// A flip-model chip of 4 x 1 KiB banks at flip rate `ber`.
SramChip flipChip(double ber, std::uint64_t seed)
{
    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {4, {128, 64}};
    options.faultModel = "random";
    SramChip chip(voltsim::test::shared(loadProfile("uniform")), seed, options);
    chip.setOperatingPoint(OperatingPoint::atRate(ber));
    return chip;
}

/// The stored bits of the whole chip that read differently (resident, no offset: linear = bank-major).
std::set<std::uint64_t> flippedStoredBits(const SramChip& chip)
{
    std::set<std::uint64_t> bits;
    const std::uint64_t bankBits = chip.geometry().bank.bits();
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b)
        for (const FaultCell& cell : chip.cells(b))
            if (chip.isActive(b, cell))
                bits.insert(b * bankBits + cell.bit);
    return bits;
}

/// `count` distinct-looking 8-bit codes.
std::vector<std::uint8_t> someCodes(std::size_t count)
{
    std::vector<std::uint8_t> codes(count);
    for (std::size_t i = 0; i < count; ++i)
        codes[i] = static_cast<std::uint8_t>(i * 31 + 7);
    return codes;
}

/// `codes` written resident into `chip` under `protection` and read back; the decoder's counts too.
std::vector<std::uint8_t> readBackProtected(SramChip& chip, const char* protection,
                                            const std::vector<std::uint8_t>& codes, ProtectionCounts& counts)
{
    WeightLayoutConfig config;
    config.placement = "resident";
    config.protection = ProtectionSpec::parse(protection, "k");
    WeightMemory memory(chip, config);
    std::vector<std::uint8_t> read = memory.readBack({{codes.data(), codes.size(), 8, 0, 1, 0x80}}).front();
    counts = memory.protectionCounts();
    return read;
}

} // namespace

TEST(Protection, SecdedRepairsExactlyTheWordsWithOneFaultyCell)
{
    // 2,000 8-bit codes under secded:64: 250 codewords of 72 bits from stored bit 0. The chip's
    // active cells say how many bits of each codeword read wrong; the decoder must return every
    // word with at most one clean, flag every word with two, and count the rest as it finds them.
    SramChip chip = flipChip(0.004, 7);
    const std::vector<std::uint8_t> codes = someCodes(2000);
    ProtectionCounts counts;
    const std::vector<std::uint8_t> read = readBackProtected(chip, "secded:64", codes, counts);
    std::vector<unsigned> errorsPerWord(250, 0);
    for (const std::uint64_t flipped : flippedStoredBits(chip))
        if (flipped < std::uint64_t{250} * 72)
            ++errorsPerWord[flipped / 72];
    std::uint64_t singles = 0, doubles = 0, faulty = 0;
    for (std::size_t w = 0; w < 250; ++w) {
        faulty += errorsPerWord[w] != 0;
        singles += errorsPerWord[w] == 1;
        doubles += errorsPerWord[w] == 2;
        if (errorsPerWord[w] > 1)
            continue;
        for (std::size_t i = w * 8; i < w * 8 + 8; ++i)
            EXPECT_EQ(read[i], codes[i]) << "word " << w;
    }
    ASSERT_GT(singles, 20u) << "the rate should leave many single errors";
    ASSERT_GT(doubles, 0u) << "and some double ones";
    EXPECT_EQ(counts.words, 250u);
    EXPECT_GE(counts.corrected, singles);
    EXPECT_GE(counts.detected, doubles);
    EXPECT_LE(counts.corrected + counts.detected, faulty) << "a word read as stored is never flagged";
}

TEST(Protection, MsbCellsNeverFail)
{
    SramChip chip = flipChip(0.05, 3);
    const std::vector<std::uint8_t> codes = someCodes(3000);
    ProtectionCounts counts;
    const std::vector<std::uint8_t> read = readBackProtected(chip, "msb:3", codes, counts);
    std::size_t lowBitErrors = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        EXPECT_EQ(read[i] & 0xE0, codes[i] & 0xE0) << i;
        lowBitErrors += read[i] != codes[i];
    }
    // 5 faultable bits per code at 5 %: about 3000 x (1 - 0.95^5) = 678 codes differ.
    EXPECT_GT(lowBitErrors, 500u);
    EXPECT_LT(lowBitErrors, 850u);
}
