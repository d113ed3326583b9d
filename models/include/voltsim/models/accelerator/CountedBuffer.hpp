#pragma once
// The buffer module (activation or accumulator SRAM): an IBuffer that counts accesses per bank and
// the peak footprint and, below V_min, reads data back through the buffer's faulty cells.
#include "voltsim/memory/BufferSram.hpp"
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"
#include "voltsim/models/accelerator/IBuffer.hpp"
#include "voltsim/models/stats/StatsTree.hpp"

#include <systemc>

#include <cstdint>
#include <memory>
#include <vector>

namespace voltsim::models {

class CountedBuffer : public sc_core::sc_module, public IBuffer, public IStatsSource {
  public:
    /// `cells`: the buffer's cells at its operating point (makeBufferCells), null if none is faulty.
    CountedBuffer(const sc_core::sc_module_name& name, const BufferSpecs& specs,
                  std::unique_ptr<memory::BufferSram> cells = nullptr);

    void recordFootprint(std::uint64_t bytes) override;
    void countReads(std::uint64_t elements) override;
    void countWrites(std::uint64_t elements) override;
    const BufferSpecs& specs() const override { return m_specs; }
    std::uint64_t readBack(std::uint64_t address, std::uint8_t* data, std::size_t bytes) override;
    std::int32_t accumulate(const ByteFaults& word, const std::int32_t* partials, std::size_t count) override;
    const memory::BufferSram* cells() const override { return m_cells.get(); }

    const BufferStats& stats() const { return m_stats; }
    /// Capacity, reads and writes (total and per bank), peak footprint; with faulty cells also
    /// their number and the bits read wrong.
    nlohmann::json statsJson() const override;

  private:
    static void spread(std::vector<std::uint64_t>& banks, std::uint32_t& next, std::uint64_t elements);

    BufferSpecs m_specs;
    std::unique_ptr<memory::BufferSram> m_cells;
    BufferStats m_stats;
    std::uint32_t m_nextRead = 0;
    std::uint32_t m_nextWrite = 0;
};

} // namespace voltsim::models
