#include "voltsim/models/dram/Dram.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace voltsim::models {

Dram::Dram(const sc_core::sc_module_name& name, const DramSpecs& specs, std::uint64_t sizeBytes)
    : sc_core::sc_module(name), socket("socket"), m_specs(specs), m_data(sizeBytes, 0)
{
    if (specs.bandwidthGbPerS <= 0 || specs.latencyNs < 0)
        throw std::invalid_argument("Dram: bandwidth must be positive and latency non-negative");
    socket.register_b_transport(this, &Dram::bTransport);
}

sc_core::sc_time Dram::accessTime(std::uint64_t bytes) const
{
    return sc_core::sc_time(m_specs.latencyNs + static_cast<double>(bytes) / m_specs.bandwidthGbPerS,
                            sc_core::SC_NS);
}

void Dram::checkRange(std::uint64_t address, std::uint64_t bytes) const
{
    if (address > m_data.size() || bytes > m_data.size() - address)
        throw std::out_of_range("Dram: access [" + std::to_string(address) + ", +" + std::to_string(bytes) +
                                ") outside " + std::to_string(m_data.size()) + " bytes");
}

void Dram::poke(std::uint64_t address, const std::uint8_t* in, std::uint64_t bytes)
{
    checkRange(address, bytes);
    std::memcpy(m_data.data() + address, in, bytes);
}

void Dram::peek(std::uint64_t address, std::uint8_t* out, std::uint64_t bytes) const
{
    checkRange(address, bytes);
    std::memcpy(out, m_data.data() + address, bytes);
}

void Dram::bTransport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay)
{
    const std::uint64_t address = payload.get_address();
    const std::uint64_t bytes = payload.get_data_length();
    if (address > m_data.size() || bytes > m_data.size() - address) {
        payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (payload.get_byte_enable_ptr() != nullptr) {
        payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (payload.is_read()) {
        std::memcpy(payload.get_data_ptr(), m_data.data() + address, bytes);
        ++m_stats.reads;
        m_stats.bytesRead += bytes;
    } else if (payload.is_write()) {
        std::memcpy(m_data.data() + address, payload.get_data_ptr(), bytes);
        ++m_stats.writes;
        m_stats.bytesWritten += bytes;
    }
    delay += accessTime(bytes);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace voltsim::models
