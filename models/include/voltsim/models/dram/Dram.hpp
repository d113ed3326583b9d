#pragma once
// Off-chip DRAM: plain byte storage behind a loosely timed TLM-2.0 target. An access of n bytes
// costs latency + n / bandwidth (one channel, no bank or row modelling). The debug transport
// (transport_dbg) is the host's backdoor: it moves bytes with no time and no counts.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/stats/StatsTree.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <vector>

namespace voltsim::models {

class Dram : public sc_core::sc_module, public IStatsSource {
  public:
    /// Bound by the DMA (timed, counted accesses) and the host (debug transport only).
    tlm_utils::multi_passthrough_target_socket<Dram> socket;

    /// `sizeBytes` of zero-filled storage.
    Dram(const sc_core::sc_module_name& name, const DramSpecs& specs, std::uint64_t sizeBytes);

    /// Time one access of `bytes` bytes takes.
    sc_core::sc_time accessTime(std::uint64_t bytes) const;

    std::uint64_t sizeBytes() const { return m_data.size(); }
    const DramStats& stats() const { return m_stats; }
    /// Accesses and bytes, read and written (debug transport not included).
    nlohmann::json statsJson() const override;

  private:
    void bTransport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    /// Copies without time or counts; returns the bytes copied (0 outside the storage).
    unsigned int transportDbg(int initiator, tlm::tlm_generic_payload& payload);
    bool inRange(std::uint64_t address, std::uint64_t bytes) const;
    /// Copies between the payload's data and the storage in the payload's direction.
    void copy(tlm::tlm_generic_payload& payload);

    DramSpecs m_specs;
    std::vector<std::uint8_t> m_data;
    DramStats m_stats;
};

} // namespace voltsim::models
