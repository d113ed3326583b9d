#pragma once
// The DMA engine's command interface, as the host reaches it through an sc_port<IDmaControl>.
// Loosely timed: each call adds its transactions' time to the caller's `delay`.
#include <systemc>

#include <cstdint>

namespace voltsim::models {

class IDmaControl : public virtual sc_core::sc_interface {
  public:
    /// Copies `bytes` from DRAM `dramAddress` to linear weight address `sramAddress`.
    virtual void dramToWeightSram(std::uint64_t dramAddress, std::uint64_t sramAddress, std::uint64_t bytes,
                                  sc_core::sc_time& delay) = 0;
    /// Reads DRAM into `out` (e.g. input images into activation SRAM).
    virtual void readDram(std::uint64_t dramAddress, std::uint8_t* out, std::uint64_t bytes,
                          sc_core::sc_time& delay) = 0;
    /// Writes `in` to DRAM (e.g. logits).
    virtual void writeDram(std::uint64_t dramAddress, const std::uint8_t* in, std::uint64_t bytes,
                           sc_core::sc_time& delay) = 0;
};

} // namespace voltsim::models
