// The weight SRAM as a TLM-2.0 target over memory::WeightMemory: flips travel in the read's
// WeightReadExtension, the codes it returns are those of the functional read path on the same
// chip, bank timing, and error responses.
#include "AcceleratorTestSupport.hpp"
#include "ScFixture.hpp"

#include "voltsim/memory/Random.hpp"
#include "voltsim/memory/WeightMemory.hpp"
#include "voltsim/models/accelerator/Accelerator.hpp"
#include "voltsim/models/accelerator/WeightSram.hpp"
#include "voltsim/models/tlm/Payload.hpp"

#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

namespace voltsim::test {
namespace {

using models::WeightReadExtension;
using models::WeightSram;

/// Issues b_transport calls to the weight SRAM from the test body.
struct Initiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Initiator> socket;

    explicit Initiator(const sc_core::sc_module_name& name) : sc_core::sc_module(name), socket("socket") {}

    /// One transaction; returns its response status and adds its time to `delay`. If `extension`
    /// is given, a WeightReadExtension rides along and its result is copied there.
    tlm::tlm_response_status transport(tlm::tlm_command command, std::uint64_t address, std::uint8_t* data,
                                       std::size_t bytes, sc_core::sc_time& delay,
                                       WeightReadExtension* extension = nullptr)
    {
        tlm::tlm_generic_payload payload;
        models::preparePayload(payload, command, address, data, bytes);
        auto* attached = new WeightReadExtension; // owned (and freed) by the payload
        attached->bitsFlipped = extension != nullptr ? extension->bitsFlipped : 0;
        payload.set_extension(attached);
        socket->b_transport(payload, delay);
        if (extension != nullptr)
            extension->bitsFlipped = attached->bitsFlipped;
        return payload.get_response_status();
    }
};

std::uint64_t differingBits(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b)
{
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        bits += static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(a[i] ^ b[i])));
    return bits;
}

const sc_core::sc_time kPeriod(2.0, sc_core::SC_NS);

/// Ends elaboration (multi-sockets finish their binding there) without simulating anything.
void elaborate()
{
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_NO_SC_START_ACTIVITY_, sc_core::SC_DO_NOTHING);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
}

class WeightSramTest : public ScFixture {};

TEST_F(WeightSramTest, FlipsOfAFaultyReadArriveInTheExtensionAndEqualStoredVersusRead)
{
    auto specs = acceleratorSpecs("stutz2021-14nm", "fast").weightSram;
    specs.operatingPoint = memory::OperatingPoint::atVoltage(676); // p = 1 %
    specs.layout.interleaveBytes = 64;
    std::vector<std::uint8_t> codes(20000);
    for (std::size_t i = 0; i < codes.size(); ++i)
        codes[i] = static_cast<std::uint8_t>(memory::splitMix64(i) & 0x3f);
    WeightSram sram("weight_sram", specs, 9, {{codes.data(), codes.size(), 6}}, kPeriod);
    Initiator initiator("initiator");
    initiator.socket.bind(sram.socket);
    elaborate();

    std::vector<std::uint8_t> stored = sram.layout().encode(codes.data(), codes.size(), 6);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    WeightReadExtension writeFlips;
    writeFlips.bitsFlipped = 99;
    ASSERT_EQ(
        initiator.transport(tlm::TLM_WRITE_COMMAND, 0, stored.data(), stored.size(), delay, &writeFlips),
        tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(writeFlips.bitsFlipped, 0u) << "a write flips nothing";

    std::vector<std::uint8_t> read(stored.size());
    WeightReadExtension flips;
    ASSERT_EQ(initiator.transport(tlm::TLM_READ_COMMAND, 0, read.data(), read.size(), delay, &flips),
              tlm::TLM_OK_RESPONSE);
    ASSERT_GT(flips.bitsFlipped, 100u) << "the chip must corrupt some bits at 1 %";
    EXPECT_EQ(flips.bitsFlipped, differingBits(stored, read));
    std::uint64_t counted = 0;
    for (const memory::SramStats& bank : sram.bankStats())
        counted += bank.bitsFlipped;
    EXPECT_EQ(flips.bitsFlipped, counted) << "the extension agrees with the banks' counters";

    // A second read of the same words sees the same persistent faults.
    std::vector<std::uint8_t> again(stored.size());
    WeightReadExtension flipsAgain;
    initiator.transport(tlm::TLM_READ_COMMAND, 0, again.data(), again.size(), delay, &flipsAgain);
    EXPECT_EQ(again, read);
    EXPECT_EQ(flipsAgain.bitsFlipped, flips.bitsFlipped);
}

TEST_F(WeightSramTest, ReturnsTheFaultyCodesOfTheFunctionalReadPathOnTheSameChip)
{
    const auto package = workloads::ModelPackage::load(modelDir("randbet-8bit"));
    // Resident, and streamed through the two halves (fc1 split in two tiles that reuse addresses).
    for (const std::string placement : {"resident", "stream"}) {
        models::SimContextScope context;
        auto specs = acceleratorSpecs("stutz2021-14nm", "fast").weightSram;
        specs.operatingPoint = memory::OperatingPoint::atVoltage(680);
        specs.layout.startOffsetBytes = 4096 + 17;
        specs.layout.interleaveBytes = 64;
        specs.layout.placement = placement;
        const std::uint64_t seed = memory::chipSeed(5, 1);
        const std::vector<memory::CodeTensorView> tensors = models::weightTensors(package);

        // The functional engine's call: WeightMemory::readBack on a chip of the same seed.
        memory::SramChip chip(specs.profile, seed, specs.chip);
        chip.setOperatingPoint(specs.operatingPoint);
        memory::WeightMemory functional(chip, specs.layout);
        const std::vector<std::vector<std::uint8_t>> expected = functional.readBack(tensors);

        // The accelerator's path: each tile encoded, written and read back over TLM, then decoded.
        WeightSram sram("weight_sram", specs, seed, tensors, kPeriod);
        Initiator initiator("initiator");
        initiator.socket.bind(sram.socket);
        elaborate();
        EXPECT_EQ(sram.plan().streamed, placement == "stream");
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        bool corrupted = false;
        for (const memory::WeightTile& tile : sram.plan().tiles) {
            std::vector<std::uint8_t> bytes = memory::encodeTile(sram.layout(), tile, tensors[tile.tensor]);
            ASSERT_EQ(
                initiator.transport(tlm::TLM_WRITE_COMMAND, tile.address, bytes.data(), bytes.size(), delay),
                tlm::TLM_OK_RESPONSE);
            std::vector<std::uint8_t> read(bytes.size());
            ASSERT_EQ(
                initiator.transport(tlm::TLM_READ_COMMAND, tile.address, read.data(), read.size(), delay),
                tlm::TLM_OK_RESPONSE);
            const std::vector<std::uint8_t> codes = memory::decodeTile(sram.layout(), tile, read.data());
            const auto first = expected[tile.tensor].begin() + static_cast<std::ptrdiff_t>(tile.firstCode);
            EXPECT_TRUE(std::equal(codes.begin(), codes.end(), first))
                << placement << " tensor " << tile.tensor;
            corrupted = corrupted ||
                        !std::equal(codes.begin(), codes.end(), tensors[tile.tensor].codes + tile.firstCode);
        }
        EXPECT_TRUE(corrupted) << placement << ": the chip must corrupt some codes at 680 mV";
    }
}

TEST_F(WeightSramTest, EachBankAccessCostsItsLatencyPlusOneCyclePerFurtherWord)
{
    auto specs = acceleratorSpecs("stutz2021-14nm", "fast").weightSram;
    specs.readLatencyCycles = 3;
    specs.writeLatencyCycles = 5;
    const std::uint64_t interleave = 64;
    specs.layout.interleaveBytes = interleave;
    const std::vector<std::uint8_t> codes(4 * interleave, 1);
    WeightSram sram("weight_sram", specs, 1, {{codes.data(), codes.size(), 8}}, kPeriod);
    Initiator initiator("initiator");
    initiator.socket.bind(sram.socket);
    elaborate();
    const std::uint64_t wordBytes = specs.profile->geometry.bank.wordBytes();
    ASSERT_EQ(interleave % wordBytes, 0u);
    const std::uint64_t wordsPerRun = interleave / wordBytes;

    std::vector<std::uint8_t> bytes(codes);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    initiator.transport(tlm::TLM_WRITE_COMMAND, 0, bytes.data(), bytes.size(), delay);
    EXPECT_EQ(delay, kPeriod * static_cast<double>(4 * (5 + wordsPerRun - 1))) << "four bank accesses";
    delay = sc_core::SC_ZERO_TIME;
    initiator.transport(tlm::TLM_READ_COMMAND, 0, bytes.data(), wordBytes, delay);
    EXPECT_EQ(delay, kPeriod * 3.0) << "one word of one bank";
}

TEST_F(WeightSramTest, AddressesOutsideTheLayoutAndByteEnablesAreErrorResponses)
{
    auto specs = acceleratorSpecs("stutz2021-14nm", "fast").weightSram;
    WeightSram sram("weight_sram", specs, 1, {}, kPeriod);
    Initiator initiator("initiator");
    initiator.socket.bind(sram.socket);
    elaborate();
    const std::uint64_t capacity = sram.layout().capacityBytes();
    std::vector<std::uint8_t> bytes(8);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    EXPECT_EQ(initiator.transport(tlm::TLM_READ_COMMAND, capacity - 4, bytes.data(), bytes.size(), delay),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(initiator.transport(tlm::TLM_READ_COMMAND, capacity - 8, bytes.data(), bytes.size(), delay),
              tlm::TLM_OK_RESPONSE);

    tlm::tlm_generic_payload payload;
    unsigned char enables[8] = {0xff};
    models::preparePayload(payload, tlm::TLM_WRITE_COMMAND, 0, bytes.data(), 8);
    payload.set_byte_enable_ptr(enables);
    payload.set_byte_enable_length(8);
    initiator.socket->b_transport(payload, delay);
    EXPECT_EQ(payload.get_response_status(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    payload.set_byte_enable_ptr(nullptr);
    payload.set_streaming_width(4);
    initiator.socket->b_transport(payload, delay);
    EXPECT_EQ(payload.get_response_status(), tlm::TLM_BURST_ERROR_RESPONSE);
}

} // namespace
} // namespace voltsim::test
