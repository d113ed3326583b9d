#pragma once
// A reliable on-chip SRAM buffer (activation or accumulator SRAM) modelled by its capacity and
// its access counts per bank; it holds no faults, so its content lives in the controller's
// working arrays and only the accesses are counted here.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/AcceleratorStats.hpp"

#include <cstdint>
#include <string>

namespace voltsim::models {

class CountedBuffer {
  public:
    /// `key` is the config key of the buffer (e.g. "activation_sram"), used in error messages.
    CountedBuffer(std::string key, const BufferSpecs& specs);

    /// Throws voltsim::InputError "<key>.size_kib: ..." if `bytes` exceed `capacityBytes` (a part of
    /// the buffer, e.g. one half when double-buffered); `what` names the data. Records the peak.
    void require(std::uint64_t bytes, std::uint64_t capacityBytes, const std::string& what);

    /// Counts `elements` element accesses spread address-interleaved over the banks.
    void countReads(std::uint64_t elements);
    void countWrites(std::uint64_t elements);

    const BufferSpecs& specs() const { return m_specs; }
    const BufferStats& stats() const { return m_stats; }

  private:
    static void spread(std::vector<std::uint64_t>& banks, std::uint32_t& next, std::uint64_t elements);

    std::string m_key;
    BufferSpecs m_specs;
    BufferStats m_stats;
    std::uint32_t m_nextRead = 0;
    std::uint32_t m_nextWrite = 0;
};

} // namespace voltsim::models
