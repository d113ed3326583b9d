#include "voltsim/models/accelerator/WeightSram.hpp"

namespace voltsim::models {

WeightSram::WeightSram(const sc_core::sc_module_name& name, const WeightSramSpecs& specs, std::uint64_t seed,
                       const std::vector<memory::CodeTensorView>& tensors,
                       const sc_core::sc_time& clockPeriod)
    : sc_core::sc_module(name), socket("socket"), m_chip(specs.profile, seed, specs.chip),
      m_memory(m_chip, specs.layout), m_period(clockPeriod), m_readLatencyCycles(specs.readLatencyCycles),
      m_writeLatencyCycles(specs.writeLatencyCycles)
{
    m_chip.setOperatingPoint(specs.operatingPoint);
    m_memory.place(tensors);
    socket.register_b_transport(this, &WeightSram::bTransport);
}

std::vector<memory::SramStats> WeightSram::bankStats() const
{
    std::vector<memory::SramStats> stats;
    for (std::uint32_t b = 0; b < m_chip.bankCount(); ++b)
        stats.push_back(m_chip.bank(b).stats());
    return stats;
}

nlohmann::json WeightSram::statsJson() const
{
    nlohmann::json banks = nlohmann::json::array();
    for (const memory::SramStats& bank : bankStats())
        banks.push_back({{"reads", bank.reads},
                         {"writes", bank.writes},
                         {"bytes_read", bank.bytesRead},
                         {"bytes_written", bank.bytesWritten},
                         {"bits_flipped", bank.bitsFlipped}});
    return nlohmann::json{{"banks", banks}};
}

bool WeightSram::admissible(tlm::tlm_generic_payload& payload) const
{
    if (payload.get_byte_enable_ptr() != nullptr) {
        payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (payload.get_streaming_width() < payload.get_data_length()) {
        payload.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if (!m_memory.layout().contains(payload.get_address(), payload.get_data_length())) {
        payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void WeightSram::bTransport(int /*initiator*/, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay)
{
    if (!admissible(payload))
        return;
    const std::uint64_t address = payload.get_address();
    const unsigned int length = payload.get_data_length();
    memory::WeightAccess access;
    std::uint32_t latency = 0;
    if (payload.is_read()) {
        access = m_memory.read(address, payload.get_data_ptr(), length);
        latency = m_readLatencyCycles;
    } else if (payload.is_write()) {
        access = m_memory.write(address, payload.get_data_ptr(), length);
        latency = m_writeLatencyCycles;
    }
    if (auto* extension = payload.get_extension<WeightReadExtension>())
        extension->bitsFlipped = access.bitsFlipped;
    // Per bank access: the latency, then one word per cycle (pipelined).
    delay += m_period * static_cast<double>(access.bankAccesses * (latency - 1) + access.words);
    payload.set_dmi_allowed(false);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace voltsim::models
