#pragma once
// The reliable buffer module (activation or accumulator SRAM): an IBuffer that counts accesses per
// bank and the peak footprint.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/accelerator/IBuffer.hpp"
#include "voltsim/models/stats/StatsTree.hpp"

#include <systemc>

#include <cstdint>
#include <vector>

namespace voltsim::models {

class CountedBuffer : public sc_core::sc_module, public IBuffer, public IStatsSource {
  public:
    CountedBuffer(const sc_core::sc_module_name& name, const BufferSpecs& specs);

    void recordFootprint(std::uint64_t bytes) override;
    void countReads(std::uint64_t elements) override;
    void countWrites(std::uint64_t elements) override;
    const BufferSpecs& specs() const override { return m_specs; }

    const BufferStats& stats() const { return m_stats; }
    /// Capacity, reads and writes (total and per bank), peak footprint.
    nlohmann::json statsJson() const override;

  private:
    static void spread(std::vector<std::uint64_t>& banks, std::uint32_t& next, std::uint64_t elements);

    BufferSpecs m_specs;
    BufferStats m_stats;
    std::uint32_t m_nextRead = 0;
    std::uint32_t m_nextWrite = 0;
};

} // namespace voltsim::models
