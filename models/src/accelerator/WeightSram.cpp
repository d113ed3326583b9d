#include "voltsim/models/accelerator/WeightSram.hpp"

#include <algorithm>
#include <string>

namespace voltsim::models {

WeightSram::WeightSram(const sc_core::sc_module_name& name, const WeightSramSpecs& specs, std::uint64_t seed,
                       const sc_core::sc_time& clockPeriod)
    : sc_core::sc_module(name), socket("socket"),
      m_chip(std::make_unique<memory::SramChip>(specs.profile, seed, specs.chip)),
      m_layout(m_chip->geometry(), specs.layout), m_toBanks("to_banks")
{
    m_chip->setOperatingPoint(specs.operatingPoint);
    const memory::SramBankTiming timing{clockPeriod, specs.readLatencyCycles, specs.writeLatencyCycles};
    for (std::uint32_t b = 0; b < m_chip->bankCount(); ++b) {
        m_banks.push_back(
            std::make_unique<memory::SramBank>(("bank" + std::to_string(b)).c_str(), m_chip->bank(b), timing));
        m_toBanks.bind(m_banks.back()->socket);
    }
    socket.register_b_transport(this, &WeightSram::bTransport);
}

void WeightSram::setCodeBits(unsigned maxBits)
{
    if (m_layout.config().packing == memory::Packing::BytePerCode)
        m_chip->setUsedBitsPerByte(static_cast<std::uint8_t>((1u << maxBits) - 1));
}

std::vector<memory::SramStats> WeightSram::bankStats() const
{
    std::vector<memory::SramStats> stats;
    for (std::uint32_t b = 0; b < m_chip->bankCount(); ++b)
        stats.push_back(m_chip->bank(b).stats());
    return stats;
}

void WeightSram::bTransport(int /*initiator*/, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay)
{
    const std::uint64_t address = payload.get_address();
    const std::uint64_t bytes = payload.get_data_length();
    if (bytes > m_layout.capacityBytes()) {
        payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    unsigned char* const data = payload.get_data_ptr();
    std::uint64_t done = 0;
    while (done < bytes) {
        const std::uint64_t linear = address + done;
        const memory::BankLocation location = m_layout.locate(linear);
        const std::uint64_t run = std::min(bytes - done, m_layout.contiguousBytes(linear));
        payload.set_address(location.offset);
        payload.set_data_ptr(data + done);
        payload.set_data_length(static_cast<unsigned int>(run));
        payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        m_toBanks[static_cast<int>(location.bank)]->b_transport(payload, delay);
        if (payload.is_response_error())
            break;
        done += run;
    }
    payload.set_address(address);
    payload.set_data_ptr(data);
    payload.set_data_length(static_cast<unsigned int>(bytes));
}

} // namespace voltsim::models
