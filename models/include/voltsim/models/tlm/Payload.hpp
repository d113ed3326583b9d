#pragma once
// The one way voltsim's initiators set up a TLM-2.0 generic payload (DMA, controller, host, tests).
#include <tlm>

#include <cstdint>

namespace voltsim::models {

/// Sets `payload` up for one plain access: `command` of `bytes` bytes at `address` from or into
/// `data` (not owned), streaming width = length, no byte enables, response TLM_INCOMPLETE_RESPONSE.
/// Extensions already attached are kept.
void preparePayload(tlm::tlm_generic_payload& payload, tlm::tlm_command command, std::uint64_t address,
                    std::uint8_t* data, std::uint64_t bytes);

} // namespace voltsim::models
