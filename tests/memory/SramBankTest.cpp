// SramBank as a TLM-2.0 target: transport through the faulty storage, latency, error responses.
#include "MemoryTestSupport.hpp"
#include "ScFixture.hpp"

#include "voltsim/memory/SramBank.hpp"
#include "voltsim/memory/SramChip.hpp"

#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <vector>

using namespace voltsim::memory;
using namespace sc_core;

namespace {

/// Issues transactions from the test body (b_transport may be called outside a thread).
struct Initiator : sc_module {
    tlm_utils::simple_initiator_socket<Initiator> socket;
    explicit Initiator(const sc_module_name& name) : sc_module(name), socket("socket") {}

    tlm::tlm_response_status transfer(tlm::tlm_command command, std::uint64_t address, std::uint8_t* data,
                                      unsigned length, sc_time& delay)
    {
        tlm::tlm_generic_payload payload;
        payload.set_command(command);
        payload.set_address(address);
        payload.set_data_ptr(data);
        payload.set_data_length(length);
        payload.set_streaming_width(length);
        payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(payload, delay);
        return payload.get_response_status();
    }
};

/// One bank of `geometry` wired to one initiator; build inside a test body (fresh simcontext).
struct Wired {
    SramArray storage;
    Initiator initiator{"initiator"};
    SramBank bank;

    explicit Wired(const BankGeometry& geometry, const SramBankTiming& timing = {})
        : storage(geometry), bank("bank", storage, timing)
    {
        initiator.socket.bind(bank.socket);
    }
};

} // namespace

class SramBankTest : public voltsim::test::ScFixture {};

TEST_F(SramBankTest, ReadWriteWithLatencyAnnotation)
{
    SramBankTiming timing;
    timing.clockPeriod = sc_time(2, SC_NS);
    timing.readLatencyCycles = 2;
    timing.writeLatencyCycles = 1;
    Wired wired({512, 64}, timing);
    auto& storage = wired.storage;
    auto& initiator = wired.initiator;

    std::vector<std::uint8_t> data{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    sc_time delay = SC_ZERO_TIME;
    // 12 bytes from address 4 touch words 0 and 1 (8-byte words): 1 + (2 - 1) = 2 cycles.
    EXPECT_EQ(initiator.transfer(tlm::TLM_WRITE_COMMAND, 4, data.data(), 12, delay), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(delay, sc_time(4, SC_NS));
    std::vector<std::uint8_t> out(12);
    delay = SC_ZERO_TIME;
    EXPECT_EQ(initiator.transfer(tlm::TLM_READ_COMMAND, 4, out.data(), 12, delay), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(out, data);
    // Read latency 2 + one more word = 3 cycles of 2 ns.
    EXPECT_EQ(delay, sc_time(6, SC_NS));
    EXPECT_EQ(storage.stats().reads, 1u);
    EXPECT_EQ(storage.stats().bytesWritten, 12u);
}

TEST_F(SramBankTest, AddressErrorsAreResponsesNotCrashes)
{
    Wired wired({512, 64});
    auto& storage = wired.storage;
    auto& initiator = wired.initiator;
    std::uint8_t data[16] = {};
    sc_time delay = SC_ZERO_TIME;
    EXPECT_EQ(initiator.transfer(tlm::TLM_READ_COMMAND, 4095, data, 1, delay), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(initiator.transfer(tlm::TLM_READ_COMMAND, 4090, data, 8, delay), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(initiator.transfer(tlm::TLM_WRITE_COMMAND, 4096, data, 1, delay), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(initiator.transfer(tlm::TLM_READ_COMMAND, ~0ull, data, 16, delay), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(storage.stats().reads, 1u);
}

TEST_F(SramBankTest, FirstAndLastByteOfEveryBankThroughTheFaultPath)
{
    ChipOptions options;
    options.useProfileGeometry = false;
    options.geometry = {8, {512, 64}};
    options.faultModel = "stuck_at";
    SramChip chip(voltsim::test::shared(loadProfile("uniform")), 2, options);
    chip.setOperatingPoint(OperatingPoint::atRate(0.1));
    std::vector<std::unique_ptr<Initiator>> initiators;
    std::vector<std::unique_ptr<SramBank>> banks;
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b) {
        initiators.push_back(std::make_unique<Initiator>(sc_gen_unique_name("initiator")));
        banks.push_back(std::make_unique<SramBank>(sc_gen_unique_name("bank"), chip.bank(b)));
        initiators[b]->socket.bind(banks[b]->socket);
    }
    for (std::uint32_t b = 0; b < chip.bankCount(); ++b)
        for (const std::uint64_t address : {std::uint64_t{0}, std::uint64_t{4095}}) {
            std::uint8_t value = 0x96;
            sc_time delay = SC_ZERO_TIME;
            ASSERT_EQ(initiators[b]->transfer(tlm::TLM_WRITE_COMMAND, address, &value, 1, delay),
                      tlm::TLM_OK_RESPONSE);
            std::uint8_t read = 0;
            ASSERT_EQ(initiators[b]->transfer(tlm::TLM_READ_COMMAND, address, &read, 1, delay), tlm::TLM_OK_RESPONSE);
            // Expected by hand: every active stuck cell of this byte forces its bit.
            unsigned expected = 0x96;
            for (const auto& cell : chip.cells(b))
                if (chip.isActive(cell) && cell.bit / 8 == address)
                    expected = (expected & ~(1u << (cell.bit % 8))) | (unsigned{cell.stuckValue} << (cell.bit % 8));
            EXPECT_EQ(read, expected) << "bank " << b << " address " << address;
            std::uint8_t beyond[2] = {};
            EXPECT_EQ(initiators[b]->transfer(tlm::TLM_READ_COMMAND, address == 0 ? 4095 : 4096, beyond, 2, delay),
                      tlm::TLM_ADDRESS_ERROR_RESPONSE);
        }
}

TEST_F(SramBankTest, DebugTransportAndDmi)
{
    Wired wired({8, 64});
    auto& storage = wired.storage;
    auto& initiator = wired.initiator;
    storage.addFlip(0);
    std::uint8_t data[4] = {0x10, 0x20, 0x30, 0x40};
    tlm::tlm_generic_payload payload;
    payload.set_command(tlm::TLM_WRITE_COMMAND);
    payload.set_address(62);
    payload.set_data_ptr(data);
    payload.set_data_length(4);
    EXPECT_EQ(initiator.socket->transport_dbg(payload), 2u); // clipped at the bank's end
    payload.set_address(0);
    payload.set_data_length(1);
    EXPECT_EQ(initiator.socket->transport_dbg(payload), 1u);
    payload.set_command(tlm::TLM_READ_COMMAND);
    std::uint8_t out = 0;
    payload.set_data_ptr(&out);
    EXPECT_EQ(initiator.socket->transport_dbg(payload), 1u);
    EXPECT_EQ(out, 0x11); // the faulty view
    EXPECT_EQ(storage.stats().reads + storage.stats().writes, 0u);
    tlm::tlm_dmi dmi;
    EXPECT_FALSE(initiator.socket->get_direct_mem_ptr(payload, dmi));
}

TEST_F(SramBankTest, ByteEnablesAndStreamingAreRejected)
{
    Wired wired({8, 64});
    auto& initiator = wired.initiator;
    std::uint8_t data[8] = {};
    std::uint8_t enables[8] = {0xff};
    tlm::tlm_generic_payload payload;
    payload.set_command(tlm::TLM_READ_COMMAND);
    payload.set_address(0);
    payload.set_data_ptr(data);
    payload.set_data_length(8);
    payload.set_streaming_width(8);
    payload.set_byte_enable_ptr(enables);
    payload.set_byte_enable_length(8);
    sc_time delay = SC_ZERO_TIME;
    initiator.socket->b_transport(payload, delay);
    EXPECT_EQ(payload.get_response_status(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    payload.set_byte_enable_ptr(nullptr);
    payload.set_streaming_width(4);
    initiator.socket->b_transport(payload, delay);
    EXPECT_EQ(payload.get_response_status(), tlm::TLM_BURST_ERROR_RESPONSE);
}
