#pragma once
// When streamed weight tiles arrive and how long compute waits for them, within one batch
// (docs/accelerator.md, "Timing accounting"). Plain arithmetic on cycles, no SystemC. The weight
// SRAM holds two steps at once (its two halves): the load of step s starts when the DMA has
// loaded step s - 1 and step s - 2 has computed (its half is free); step s computes when its load
// has ended and the compute before it has ended.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace voltsim::models {

class WeightStreamSchedule {
  public:
    /// A new batch at cycle 0: nothing loaded, the DMA idle.
    void startBatch();
    /// Step `step` (plan order, from 0 in every batch) takes `cycles` to load. Set before the
    /// step computes.
    void setLoadCycles(std::size_t step, std::uint64_t cycles);
    /// Compute of `cycles` that needs step `step`'s tiles (steps compute in order); returns the
    /// cycles it waited for them.
    std::uint64_t compute(std::size_t step, std::uint64_t cycles);
    /// Compute of `cycles` that needs no streamed tiles (pooling).
    void computeOther(std::uint64_t cycles);
    /// Cycles since the batch started: compute plus waits.
    std::uint64_t now() const { return m_now; }

  private:
    std::vector<std::uint64_t> m_loadCycles;
    std::vector<std::uint64_t> m_loadEnd;
    std::vector<std::uint64_t> m_computeEnd;
    std::uint64_t m_now = 0;
};

} // namespace voltsim::models
