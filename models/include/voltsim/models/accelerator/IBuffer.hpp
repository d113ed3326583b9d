#pragma once
// A reliable on-chip buffer (activation or accumulator SRAM) as the controller sees it through an
// sc_port<IBuffer>: capacity checks and access counts. Its content lives in the controller's
// working arrays (the buffer holds no faults), so only capacity and accesses are modelled.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"

#include <systemc>

#include <cstdint>
#include <string>

namespace voltsim::models {

class IBuffer : public virtual sc_core::sc_interface {
  public:
    /// Throws voltsim::InputError "<key>.size_kib: ..." if `bytes` exceed `capacityBytes` (a part of
    /// the buffer, e.g. one half when double-buffered); `what` names the data. Records the peak.
    virtual void require(std::uint64_t bytes, std::uint64_t capacityBytes, const std::string& what) = 0;
    /// Counts `elements` element accesses spread address-interleaved over the banks.
    virtual void countReads(std::uint64_t elements) = 0;
    virtual void countWrites(std::uint64_t elements) = 0;
    virtual const BufferSpecs& specs() const = 0;
};

} // namespace voltsim::models
