#pragma once
// A reliable on-chip buffer (activation or accumulator SRAM) as the controller sees it through an
// sc_port<IBuffer>: footprints and access counts. Its content lives in the controller's working
// arrays (the buffer holds no faults), so only capacity and accesses are modelled; the controller
// checks at elaboration that every layer's data fits (Controller::checkBufferCapacities).
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"

#include <systemc>

#include <cstdint>

namespace voltsim::models {

class IBuffer : public virtual sc_core::sc_interface {
  public:
    /// Records that `bytes` of the buffer are in use (the peak is reported).
    virtual void recordFootprint(std::uint64_t bytes) = 0;
    /// Counts `elements` element accesses spread address-interleaved over the banks.
    virtual void countReads(std::uint64_t elements) = 0;
    virtual void countWrites(std::uint64_t elements) = 0;
    virtual const BufferSpecs& specs() const = 0;
};

} // namespace voltsim::models
