#pragma once
// An on-chip buffer (activation or accumulator SRAM) as the controller sees it through an
// sc_port<IBuffer>: footprints, access counts and, below V_min, the faulty cells data is read
// through. Its content lives in the controller's working arrays, which read every stored tensor
// back through the buffer's cells once it is written (persistent faults: every later read returns
// the same bytes); the controller checks at elaboration that every layer's data fits
// (Controller::checkBufferCapacities) and where it lies (planActivations).
#include "voltsim/common/ByteFaults.hpp"
#include "voltsim/memory/BufferSram.hpp"
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"

#include <systemc>

#include <cstddef>
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
    /// Replaces `bytes` bytes just written at `address` (one image's tensor) by what a read of them
    /// returns through the faulty cells; returns the bits that changed (counted). Without faulty
    /// cells the data stays as written.
    virtual std::uint64_t readBack(std::uint64_t address, std::uint8_t* data, std::size_t bytes) = 0;
    /// The int32 a partial-sum word with faulty cells `word` delivers after `count` partial sums
    /// (accumulateThrough); counts the bits read wrong.
    virtual std::int32_t accumulate(const ByteFaults& word, const std::int32_t* partials,
                                    std::size_t count) = 0;
    /// The buffer's faulty cells at its operating point, or null if none fails.
    virtual const memory::BufferSram* cells() const = 0;
};

} // namespace voltsim::models
