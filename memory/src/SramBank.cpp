#include "voltsim/memory/SramBank.hpp"

namespace voltsim::memory {

SramBank::SramBank(const sc_core::sc_module_name& name, SramArray& storage, const SramBankTiming& timing)
    : sc_core::sc_module(name), socket("socket"), m_storage(storage), m_timing(timing)
{
    socket.register_b_transport(this, &SramBank::bTransport);
    socket.register_transport_dbg(this, &SramBank::transportDbg);
    socket.register_get_direct_mem_ptr(this, &SramBank::getDirectMemPtr);
}

std::uint64_t SramBank::accessCycles(tlm::tlm_command command, std::uint64_t address, std::uint64_t bytes) const
{
    if (bytes == 0)
        return 0;
    const std::uint64_t wordBytes = m_storage.geometry().wordBytes();
    const std::uint64_t words = (address + bytes - 1) / wordBytes - address / wordBytes + 1;
    const std::uint64_t latency =
        command == tlm::TLM_WRITE_COMMAND ? m_timing.writeLatencyCycles : m_timing.readLatencyCycles;
    return latency + words - 1;
}

bool SramBank::admissible(tlm::tlm_generic_payload& payload) const
{
    if (payload.get_byte_enable_ptr() != nullptr) {
        payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (payload.get_streaming_width() < payload.get_data_length()) {
        payload.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if (!m_storage.contains(payload.get_address(), payload.get_data_length())) {
        payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void SramBank::bTransport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay)
{
    if (!admissible(payload))
        return;
    const auto command = payload.get_command();
    const std::uint64_t address = payload.get_address();
    const unsigned int length = payload.get_data_length();
    if (command == tlm::TLM_READ_COMMAND)
        m_storage.read(address, payload.get_data_ptr(), length);
    else if (command == tlm::TLM_WRITE_COMMAND)
        m_storage.write(address, payload.get_data_ptr(), length);
    if (command != tlm::TLM_IGNORE_COMMAND)
        delay += m_timing.clockPeriod * static_cast<double>(accessCycles(command, address, length));
    payload.set_dmi_allowed(false);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int SramBank::transportDbg(tlm::tlm_generic_payload& payload)
{
    const std::uint64_t address = payload.get_address();
    if (address >= m_storage.sizeBytes())
        return 0;
    const auto length = static_cast<unsigned int>(
        std::min<std::uint64_t>(payload.get_data_length(), m_storage.sizeBytes() - address));
    if (payload.get_command() == tlm::TLM_READ_COMMAND)
        m_storage.peek(address, payload.get_data_ptr(), length);
    else if (payload.get_command() == tlm::TLM_WRITE_COMMAND)
        m_storage.poke(address, payload.get_data_ptr(), length);
    else
        return 0;
    return length;
}

bool SramBank::getDirectMemPtr(tlm::tlm_generic_payload& /*payload*/, tlm::tlm_dmi& dmi)
{
    dmi.allow_none();
    return false;
}

} // namespace voltsim::memory
