#pragma once
// The DMA engine: moves bytes between DRAM and the chip over TLM-2.0 on the host's command
// (IDmaControl). A DRAM transfer is one transaction (latency once, then the bandwidth); weight
// SRAM writes are split into bursts of DramSpecs::burstBytes.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/dma/IDmaControl.hpp"
#include "voltsim/models/stats/StatsTree.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>

namespace voltsim::models {

class Dma : public sc_core::sc_module, public IDmaControl, public IStatsSource {
  public:
    tlm_utils::simple_initiator_socket<Dma> toDram;
    tlm_utils::simple_initiator_socket<Dma> toWeightSram;

    Dma(const sc_core::sc_module_name& name, const DramSpecs& specs);

    void dramToWeightSram(std::uint64_t dramAddress, std::uint64_t sramAddress, std::uint64_t bytes,
                          sc_core::sc_time& delay) override;
    void readDram(std::uint64_t dramAddress, std::uint8_t* out, std::uint64_t bytes,
                  sc_core::sc_time& delay) override;
    void writeDram(std::uint64_t dramAddress, const std::uint8_t* in, std::uint64_t bytes,
                   sc_core::sc_time& delay) override;

    const DmaStats& stats() const { return m_stats; }
    /// Transactions and bytes moved in each direction.
    nlohmann::json statsJson() const override;

  private:
    /// One TLM transaction; throws std::runtime_error on an error response (a wiring bug).
    void transport(tlm_utils::simple_initiator_socket<Dma>& socket, tlm::tlm_command command,
                   std::uint64_t address, std::uint8_t* data, std::uint64_t bytes, sc_core::sc_time& delay);
    /// Calls `step(offset, length)` for each weight SRAM burst of a transfer of `bytes`.
    template <typename Step> void forEachBurst(std::uint64_t bytes, Step step);

    DramSpecs m_specs;
    DmaStats m_stats;
};

} // namespace voltsim::models
