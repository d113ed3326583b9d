// The activation SRAM's address map and its faulty cells against numbers derived by hand: where
// the tensors of the shipped CNN and of the tiny network lie, which buffer byte a cell of a bank
// is, and a stuck-at-1 cell under a known activation byte of the tiny network changing its logits
// as docs/datapath.md computes them by hand (docs/accelerator.md, "Activation SRAM").
#include "voltsim/models/accelerator/ActivationMap.hpp"
#include "../workloads/PackageBuilder.hpp"
#include "ShippedData.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/memory/BufferSram.hpp"
#include "voltsim/memory/Random.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace voltsim::test {
namespace {

constexpr std::uint64_t kDefaultActivationBytes = std::uint64_t{32} * 1024;

/// The stutz2021-14nm profile turned into a measured map of one 8 x 64 array holding one cell:
/// bit 9 (byte 1, bit 1) of the array, stuck at 1 at and below 700 mV (measured at 760 and 700 mV),
/// placed as measured on every chip.
std::shared_ptr<const memory::SramProfile> oneCellMap()
{
    nlohmann::json document = memory::profileToJson(memory::loadProfile("stutz2021-14nm"));
    document["fault_semantics"] = "map";
    document["fault_map"] = {{"arrays", 1},
                             {"rows", 8},
                             {"columns", 64},
                             {"measured_voltages_mv", {760, 700}},
                             {"placement", "as_measured"},
                             {"cells", {{0, 0, 9, 700, 1}}}};
    return std::make_shared<const memory::SramProfile>(memory::parseProfile(document, "one-cell.json"));
}

workloads::ModelPackage tinyNetwork(const TempDir& dir)
{
    tinyPackage().write(dir.path());
    return workloads::ModelPackage::load(dir.path());
}

} // namespace

/// The shipped CNN (conv1, pool1, conv2, pool2, flatten, fc1, fc2) in the default 32 KiB, first
/// fit beside the live tensors: the image [0, 784); conv1 (12,544 bytes) after it at 784; pool1
/// (3,136) beside conv1 [784, 13,328): not at 0 (it would overlap), at 13,328; conv2 (6,272) beside
/// pool1 only: at 0; pool2 (1,568) beside conv2 [0, 6,272): at 6,272; the flatten views pool2;
/// fc1 (64) beside pool2: at 0; fc2's logits are not stored.
TEST(ActivationMap, TheShippedCnnTakesTheFirstFreeRangeBesideTheLiveTensors)
{
    const workloads::Network& network = randbet8bit().network;
    const models::ActivationMap map = models::planActivations(network, kDefaultActivationBytes);
    ASSERT_EQ(map.address.size(), 8u);
    const std::vector<std::uint64_t> address{784, 13328, 0, 6272, 0, 0, 0, 0};
    const std::vector<std::uint64_t> bytes{12544, 3136, 6272, 1568, 0, 64, 0, 784};
    const std::vector<bool> stored{true, true, true, true, false, true, false, true};
    EXPECT_EQ(map.address, address);
    EXPECT_EQ(map.bytes, bytes);
    EXPECT_EQ(map.stored, stored);
    EXPECT_EQ(map.storage[4], 3u); // flatten: pool2's bytes
    EXPECT_EQ(map.index(workloads::kNetworkInput), 7u);
}

/// A buffer too small for the tiny network's map: the image (9 bytes) holds [0, 9) while conv1
/// writes its 8 bytes, which would end at 17 in a 12-byte SRAM.
TEST(ActivationMap, ATensorWithoutRoomIsAOneLineErrorNamingTheSize)
{
    const TempDir dir;
    const workloads::ModelPackage tiny = tinyNetwork(dir);
    try {
        models::planActivations(tiny.network, 12);
        FAIL() << "no error";
    } catch (const InputError& error) {
        expectOneLineWith(error.what(), {"activation_sram.size_kib", "conv1", "8 bytes", "12-byte"});
    }
    // In 64 bytes: the image at 0, conv1 at 9, pool1 at 0 (the image is dead once conv1 has run).
    const models::ActivationMap map = models::planActivations(tiny.network, 64);
    EXPECT_EQ(map.address, (std::vector<std::uint64_t>{9, 0, 0, 0, 0}));
}

/// Words interleave over the banks: with 8 banks of 64-bit words, byte 10 of bank 3 is byte 2 of
/// the bank's word 1, which is the buffer's word 1 x 8 + 3 = 11: address 11 x 8 + 2 = 90.
TEST(BufferSram, WordsInterleaveOverTheBanks)
{
    const auto profile = std::make_shared<const memory::SramProfile>(memory::loadProfile("stutz2021-14nm"));
    const memory::ChipGeometry geometry =
        memory::bufferGeometry(kDefaultActivationBytes, 8, 64, "activation_sram");
    EXPECT_EQ(geometry.banks, 8u);
    EXPECT_EQ(geometry.bank.rows, 512u); // 4 KiB per bank
    const memory::BufferSram cells(profile, 1, "activation", geometry, {});
    EXPECT_EQ(cells.linearAddress(3, 10), 90u);
    EXPECT_EQ(cells.linearAddress(0, 0), 0u);
    EXPECT_EQ(cells.linearAddress(7, 4095), 32767u);
}

TEST(BufferSram, BanksOfPartialWordsAreAOneLineErrorNamingTheBuffer)
{
    try {
        memory::bufferGeometry(kDefaultActivationBytes, 3, 64, "activation_sram");
        FAIL() << "no error";
    } catch (const InputError& error) {
        expectOneLineWith(error.what(), {"activation_sram.banks", "32768 bytes", "3 banks"});
    }
}

/// Every active cell of the buffer's own chip (seeded bufferSeed(seed, "activation"), never the
/// weight SRAM's seed) shows as one flipped bit at its interleaved address, and nowhere else.
TEST(BufferSram, TheFaultyBytesAreTheActiveCellsAtTheirAddresses)
{
    const auto profile = std::make_shared<const memory::SramProfile>(memory::loadProfile("stutz2021-14nm"));
    const memory::ChipGeometry geometry = memory::bufferGeometry(4096, 2, 64, "activation_sram");
    memory::BufferSram cells(profile, 5, "activation", geometry, {});
    cells.setOperatingPoint(memory::OperatingPoint::atVoltage(676)); // p = 1 %: about 330 of 32,768 cells
    memory::ChipOptions options;
    options.geometry = geometry;
    options.useProfileGeometry = false;
    memory::SramChip chip(profile, memory::bufferSeed(5, "activation"), options);
    chip.setOperatingPoint(memory::OperatingPoint::atVoltage(676));
    std::vector<std::uint8_t> expected(4096, 0);
    std::uint64_t active = 0;
    for (std::uint32_t bank = 0; bank < 2; ++bank)
        for (const memory::FaultCell& cell : chip.cells(bank))
            if (chip.isActive(bank, cell)) {
                // Bank byte b is word b / 8, byte b % 8 of it; word w of bank k is buffer word 2 w + k.
                const std::uint64_t byte = cell.bit / 8;
                expected[(byte / 8 * 2 + bank) * 8 + byte % 8] ^=
                    static_cast<std::uint8_t>(1u << (cell.bit % 8));
                ++active;
            }
    EXPECT_GT(active, 250u);
    EXPECT_EQ(cells.faultyCells(), active);
    EXPECT_NE(memory::bufferSeed(5, "activation"), memory::bufferSeed(5, "accumulator"));
    std::vector<std::uint8_t> read(4096, 0);
    EXPECT_EQ(applyByteFaults(cells.faultsIn(0, 4096), read.data()), active);
    EXPECT_EQ(read, expected);
    // A range sees its own bytes, at offsets from its start.
    std::vector<std::uint8_t> part(100, 0);
    applyByteFaults(cells.faultsIn(1000, 100), part.data());
    EXPECT_EQ(part, std::vector<std::uint8_t>(expected.begin() + 1000, expected.begin() + 1100));
}

/// The tiny network (PackageBuilder.hpp, logits derived in IntegerReferenceTest.cpp) in a 64-byte
/// activation SRAM of one bank of 8 x 64 bits, whose bit 9 (byte 1, bit 1) is stuck at 1 at 700 mV.
/// Address 1 holds byte 1 of the image and, later, byte 1 of pool1's output.
/// Image A = [1..9]: its byte 1 is 2 = 0b10, bit 1 already set: the image reads as written. pool1's
/// output [20, 1] reads [20, 3]; Sq = 23. fc (T = 3 (acc - z Sq) - Sq + 5 (vb - zb) + 1, logit
/// floor((T + 1) / 2)): n0 acc - z Sq = 20, T = 60 - 23 + 0 + 1 = 38 -> 19; n1 -20 + 7 x 3 = 1,
/// T = 3 - 23 + 10 + 1 = -9 -> -4; n2 -160, T = -480 - 23 - 25 + 1 = -527 -> -263.
/// Clean logits: [20, -24, -262]. At 760 mV (above the cell's 700 mV) nothing fails.
TEST(ActivationFaults, AStuckAt1CellUnderPool1ChangesTheTinyNetworksLogitsAsDerivedByHand)
{
    const TempDir dir;
    const workloads::ModelPackage tiny = tinyNetwork(dir);
    const models::ActivationMap map = models::planActivations(tiny.network, 64);
    memory::ChipOptions options;
    options.faultModel = "map";
    memory::BufferSram cells(oneCellMap(), 3, "activation",
                             memory::bufferGeometry(64, 1, 64, "activation_sram"), options);
    const workloads::IntegerReference reference(tiny, 1);
    const std::vector<std::uint8_t> imageA{1, 2, 3, 4, 5, 6, 7, 8, 9};
    const auto logitsAt = [&](double mv) {
        cells.setOperatingPoint(memory::OperatingPoint::atVoltage(mv));
        const workloads::TensorFaults faults = models::activationFaults(map, cells);
        const auto logits = reference.logits(tiny.codes, imageA.data(), 1, &faults);
        return std::vector<std::int32_t>(logits.data(), logits.data() + logits.size());
    };
    EXPECT_EQ(logitsAt(700), (std::vector<std::int32_t>{19, -4, -263}));
    EXPECT_EQ(logitsAt(760), (std::vector<std::int32_t>{20, -24, -262}));
    cells.setOperatingPoint(memory::OperatingPoint::atVoltage(700));
    const workloads::TensorFaults faults = models::activationFaults(map, cells);
    ASSERT_EQ(faults.byTensor.size(), 5u);
    const ByteFaults underPool1{ByteFault{1, 0xff, 0x02, 0x00}};
    EXPECT_EQ(faults.of(1), underPool1);
    EXPECT_EQ(faults.of(2), underPool1); // flatten: pool1's bytes
    EXPECT_EQ(faults.of(workloads::kNetworkInput), underPool1);
    EXPECT_TRUE(faults.of(0).empty()); // conv1 at 9..16
    EXPECT_TRUE(faults.of(3).empty()); // logits are not stored
}

/// A word read, added to and written back through its faulty cells, by hand: partial sums 5 and 3.
/// A flipping cell on bit 0: 5 = 0b101 is written and reads 4; 4 + 3 = 7 is written and reads 6.
/// A cell stuck at 1 on bit 1: 5 reads 7; 7 + 3 = 10 = 0b1010 already has bit 1 set and reads 10.
/// A cell stuck at 0 on bit 31 of the last byte: -1 + 3 = 2 is unharmed. Without faults: 8.
TEST(AccumulatorSram, PartialSumsAccumulateThroughTheWordsFaultyCells)
{
    const std::int32_t partials[] = {5, 3};
    EXPECT_EQ(accumulateThrough({}, partials, 2), 8);
    std::uint64_t flipped = 0;
    EXPECT_EQ(accumulateThrough({ByteFault{0, 0xff, 0, 0x01}}, partials, 2, &flipped), 6);
    EXPECT_EQ(flipped, 2u); // one per read
    EXPECT_EQ(accumulateThrough({ByteFault{0, 0xff, 0x02, 0}}, partials, 2), 10);
    const std::int32_t negative[] = {-1, 3};
    EXPECT_EQ(accumulateThrough({ByteFault{3, 0x7f, 0, 0}}, negative, 2), 2);
    // One partial sum: written once, read once.
    EXPECT_EQ(accumulateThrough({ByteFault{1, 0xff, 0x02, 0}}, partials, 1), 5 + 512);
}

/// The tiny network's accumulators on a 16 x 16 weight-stationary array in a 64-byte accumulator
/// SRAM of one bank whose bit 9 (word 0, byte 1, bit 1) is stuck at 1 at 700 mV. Word of output
/// (m, n): m min(16, N) + n (one fold: K <= 16). conv1 (N = 2): word 0 is pixel 0 of filter 0,
/// acc = 129 + 2 x 128 + 4 x 128 + 5 x 130 = 1547 = 1024 + 512 + 11: bit 9 already 1, unharmed.
/// fc (N = 3): word 0 is output 0, acc = 20 x 9 + 1 x 8 = 188, bit 9 clear: 188 + 512 = 700;
/// acc - z Sq = 700 - 8 x 21 = 532; T = 3 x 532 - 21 + 0 + 1 = 1576, logit (1576 + 1) >> 1 = 788.
/// The logits of image A: [788, -24, -262] (clean [20, -24, -262]).
TEST(AccumulatorSram, AStuckAt1CellUnderALogitsWordChangesItAsDerivedByHand)
{
    const TempDir dir;
    const workloads::ModelPackage tiny = tinyNetwork(dir);
    memory::ChipOptions options;
    options.faultModel = "map";
    memory::BufferSram cells(oneCellMap(), 3, "accumulator",
                             memory::bufferGeometry(64, 1, 64, "accumulator_sram"), options);
    cells.setOperatingPoint(memory::OperatingPoint::atVoltage(700));
    const models::ArraySpec array{16, 16, models::Dataflow::WS};
    EXPECT_EQ(models::accumulatorWord(array, 3, 1, 2), 7u);
    const models::ActivationMap map = models::planActivations(tiny.network, 64);
    const workloads::TensorFaults faults = models::storedFaults(tiny.network, array, map, nullptr, &cells);
    ASSERT_EQ(faults.accumulators.size(), 4u);
    ASSERT_NE(faults.accumulatorsOf(0), nullptr);
    EXPECT_EQ(faults.accumulatorsOf(0)->foldRows, 16u);
    ASSERT_EQ(faults.accumulatorsOf(0)->outputs.size(), 1u);
    EXPECT_EQ(faults.accumulatorsOf(0)->outputs[0].output, 0u);
    ASSERT_NE(faults.accumulatorsOf(3), nullptr);
    EXPECT_EQ(faults.accumulatorsOf(3)->outputs.size(), 1u);
    const workloads::IntegerReference reference(tiny, 1);
    const std::vector<std::uint8_t> imageA{1, 2, 3, 4, 5, 6, 7, 8, 9};
    const auto logits = reference.logits(tiny.codes, imageA.data(), 1, &faults);
    EXPECT_EQ(std::vector<std::int32_t>(logits.data(), logits.data() + 3),
              (std::vector<std::int32_t>{788, -24, -262}));
}

} // namespace voltsim::test
