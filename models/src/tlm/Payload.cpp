#include "voltsim/models/tlm/Payload.hpp"

namespace voltsim::models {

void preparePayload(tlm::tlm_generic_payload& payload, tlm::tlm_command command, std::uint64_t address,
                    std::uint8_t* data, std::uint64_t bytes)
{
    payload.set_command(command);
    payload.set_address(address);
    payload.set_data_ptr(data);
    payload.set_data_length(static_cast<unsigned int>(bytes));
    payload.set_streaming_width(static_cast<unsigned int>(bytes));
    payload.set_byte_enable_ptr(nullptr);
    payload.set_byte_enable_length(0);
    payload.set_dmi_allowed(false);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

} // namespace voltsim::models
