#include "voltsim/models/dma/Dma.hpp"

#include "voltsim/models/tlm/Payload.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace voltsim::models {

Dma::Dma(const sc_core::sc_module_name& name, const DramSpecs& specs)
    : sc_core::sc_module(name), toDram("to_dram"), toWeightSram("to_weight_sram"), m_specs(specs)
{
    if (specs.burstBytes == 0)
        throw std::invalid_argument("Dma: burst size must be positive");
}

template <typename Step> void Dma::forEachBurst(std::uint64_t bytes, Step step)
{
    for (std::uint64_t offset = 0; offset < bytes; offset += m_specs.burstBytes)
        step(offset, std::min<std::uint64_t>(m_specs.burstBytes, bytes - offset));
}

nlohmann::json Dma::statsJson() const
{
    return nlohmann::json{{"transactions", m_stats.transactions},
                          {"bytes_to_weight_sram", m_stats.bytesToWeightSram},
                          {"bytes_from_dram", m_stats.bytesFromDram},
                          {"bytes_to_dram", m_stats.bytesToDram}};
}

void Dma::transport(tlm_utils::simple_initiator_socket<Dma>& socket, tlm::tlm_command command,
                    std::uint64_t address, std::uint8_t* data, std::uint64_t bytes, sc_core::sc_time& delay)
{
    tlm::tlm_generic_payload payload;
    preparePayload(payload, command, address, data, bytes);
    socket->b_transport(payload, delay);
    if (payload.is_response_error())
        throw std::runtime_error(std::string(name()) + ": " + payload.get_response_string() + " at address " +
                                 std::to_string(address) + " (+" + std::to_string(bytes) + " bytes)");
    ++m_stats.transactions;
}

void Dma::dramToWeightSram(std::uint64_t dramAddress, std::uint64_t sramAddress, std::uint64_t bytes,
                           sc_core::sc_time& delay)
{
    std::vector<std::uint8_t> buffer(bytes);
    readDram(dramAddress, buffer.data(), bytes, delay);
    forEachBurst(bytes, [&](std::uint64_t offset, std::uint64_t length) {
        transport(toWeightSram, tlm::TLM_WRITE_COMMAND, sramAddress + offset, buffer.data() + offset, length,
                  delay);
    });
    m_stats.bytesToWeightSram += bytes;
}

void Dma::readDram(std::uint64_t dramAddress, std::uint8_t* out, std::uint64_t bytes, sc_core::sc_time& delay)
{
    transport(toDram, tlm::TLM_READ_COMMAND, dramAddress, out, bytes, delay);
    m_stats.bytesFromDram += bytes;
}

void Dma::writeDram(std::uint64_t dramAddress, const std::uint8_t* in, std::uint64_t bytes,
                    sc_core::sc_time& delay)
{
    std::vector<std::uint8_t> copy(in, in + bytes);
    transport(toDram, tlm::TLM_WRITE_COMMAND, dramAddress, copy.data(), bytes, delay);
    m_stats.bytesToDram += bytes;
}

} // namespace voltsim::models
