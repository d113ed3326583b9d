#include "voltsim/models/dram/Dram.hpp"

#include <cstring>
#include <stdexcept>

namespace voltsim::models {

Dram::Dram(const sc_core::sc_module_name& name, const DramSpecs& specs, std::uint64_t sizeBytes)
    : sc_core::sc_module(name), socket("socket"), m_specs(specs), m_data(sizeBytes, 0)
{
    if (specs.bandwidthGbPerS <= 0 || specs.latencyNs < 0)
        throw std::invalid_argument("Dram: bandwidth must be positive and latency non-negative");
    socket.register_b_transport(this, &Dram::bTransport);
    socket.register_transport_dbg(this, &Dram::transportDbg);
}

sc_core::sc_time Dram::accessTime(std::uint64_t bytes) const
{
    return sc_core::sc_time(m_specs.latencyNs + static_cast<double>(bytes) / m_specs.bandwidthGbPerS,
                            sc_core::SC_NS);
}

nlohmann::json Dram::statsJson() const
{
    return nlohmann::json{{"reads", m_stats.reads},
                          {"writes", m_stats.writes},
                          {"bytes_read", m_stats.bytesRead},
                          {"bytes_written", m_stats.bytesWritten}};
}

bool Dram::inRange(std::uint64_t address, std::uint64_t bytes) const
{
    return address <= m_data.size() && bytes <= m_data.size() - address;
}

void Dram::copy(tlm::tlm_generic_payload& payload)
{
    std::uint8_t* stored = m_data.data() + payload.get_address();
    if (payload.is_read())
        std::memcpy(payload.get_data_ptr(), stored, payload.get_data_length());
    else if (payload.is_write())
        std::memcpy(stored, payload.get_data_ptr(), payload.get_data_length());
}

void Dram::bTransport(int /*initiator*/, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay)
{
    const std::uint64_t bytes = payload.get_data_length();
    if (!inRange(payload.get_address(), bytes)) {
        payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (payload.get_byte_enable_ptr() != nullptr) {
        payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    copy(payload);
    if (payload.is_read()) {
        ++m_stats.reads;
        m_stats.bytesRead += bytes;
    } else if (payload.is_write()) {
        ++m_stats.writes;
        m_stats.bytesWritten += bytes;
    }
    delay += accessTime(bytes);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int Dram::transportDbg(int /*initiator*/, tlm::tlm_generic_payload& payload)
{
    if (!inRange(payload.get_address(), payload.get_data_length()))
        return 0;
    copy(payload);
    return payload.get_data_length();
}

} // namespace voltsim::models
