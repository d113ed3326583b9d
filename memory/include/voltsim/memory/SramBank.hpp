#pragma once
// SramBank: a thin TLM-2.0 timing wrapper (loosely timed) around one SramArray, DRAMSys style:
// the storage applies faults and counts; this module only checks the payload and annotates time.
#include "voltsim/memory/SramArray.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>

namespace voltsim::memory {

/// Timing of one bank. An access of n bytes touching w words costs latency + (w - 1) cycles
/// (one word per cycle after the first, pipelined).
struct SramBankTiming {
    sc_core::sc_time clockPeriod = sc_core::sc_time(1.0, sc_core::SC_NS);
    std::uint32_t readLatencyCycles = 1;
    std::uint32_t writeLatencyCycles = 1;
};

class SramBank : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<SramBank> socket;

    /// `storage` is not owned and must outlive the module. Addresses are bank byte offsets.
    SramBank(const sc_core::sc_module_name& name, SramArray& storage, const SramBankTiming& timing = {});

    /// Cycles an access of `bytes` bytes at `address` takes (0 bytes: 0 cycles).
    std::uint64_t accessCycles(tlm::tlm_command command, std::uint64_t address, std::uint64_t bytes) const;

    SramArray& storage() { return m_storage; }

private:
    /// Reads go through SramArray::read (faults, counters); address errors are answered with
    /// TLM_ADDRESS_ERROR_RESPONSE, byte enables and streaming with their error responses.
    void bTransport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    /// Debug access: the faulty view (reads) or the stored bits (writes), not counted, no time.
    unsigned int transportDbg(tlm::tlm_generic_payload& payload);
    /// Always refused: a direct pointer would bypass the fault masks and the access counters.
    bool getDirectMemPtr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi);
    /// Checks the payload; sets an error response and returns false if it cannot be served.
    bool admissible(tlm::tlm_generic_payload& payload) const;

    SramArray& m_storage;
    SramBankTiming m_timing;
};

} // namespace voltsim::memory
