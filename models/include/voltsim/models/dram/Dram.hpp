#pragma once
// Off-chip DRAM: plain byte storage behind a loosely timed TLM-2.0 target. An access of n bytes
// costs latency + n / bandwidth (one channel, no bank or row modelling).
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <vector>

namespace voltsim::models {

class Dram : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<Dram> socket;

    /// `sizeBytes` of zero-filled storage.
    Dram(const sc_core::sc_module_name& name, const DramSpecs& specs, std::uint64_t sizeBytes);

    /// Time one access of `bytes` bytes takes.
    sc_core::sc_time accessTime(std::uint64_t bytes) const;

    /// Host-side backdoor (the host owns DRAM content before the accelerator runs): not counted, no time.
    void poke(std::uint64_t address, const std::uint8_t* in, std::uint64_t bytes);
    void peek(std::uint64_t address, std::uint8_t* out, std::uint64_t bytes) const;

    std::uint64_t sizeBytes() const { return m_data.size(); }
    const DramStats& stats() const { return m_stats; }

  private:
    void bTransport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    void checkRange(std::uint64_t address, std::uint64_t bytes) const;

    DramSpecs m_specs;
    std::vector<std::uint8_t> m_data;
    DramStats m_stats;
};

} // namespace voltsim::models
