#pragma once
// The weight SRAM: a memory/ SramChip (profile + seed, persistent faults at the operating point)
// whose banks are memory::SramBank TLM targets, behind one TLM target that takes linear weight
// addresses and routes them through the WeightLayout (start offset, interleave) to the banks.
// Every weight read of the accelerator goes through here, so faults enter on the one read path.
#include "voltsim/memory/SramBank.hpp"
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace voltsim::models {

class WeightSram : public sc_core::sc_module {
public:
    /// Linear weight addresses (WeightLayout's address space); bound by the DMA and the controller.
    tlm_utils::multi_passthrough_target_socket<WeightSram> socket;

    WeightSram(const sc_core::sc_module_name& name, const WeightSramSpecs& specs, std::uint64_t seed,
               const sc_core::sc_time& clockPeriod);

    memory::SramChip& chip() { return *m_chip; }
    const memory::SramChip& chip() const { return *m_chip; }
    /// Placement of the tensors; the host appends tensors before writing them.
    memory::WeightLayout& layout() { return m_layout; }
    const memory::WeightLayout& layout() const { return m_layout; }

    /// With byte-per-code packing, marks bits >= maxBits of every byte as holding no data (as
    /// memory::WeightMemory::load does), so they are never faulty.
    void setCodeBits(unsigned maxBits);

    /// Counters of every bank (reads, writes, bytes, bits flipped).
    std::vector<memory::SramStats> bankStats() const;
    /// Sum over the banks.
    memory::SramStats totalStats() const { return m_chip->totalStats(); }

private:
    void bTransport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

    std::unique_ptr<memory::SramChip> m_chip;
    memory::WeightLayout m_layout;
    std::vector<std::unique_ptr<memory::SramBank>> m_banks;
    tlm_utils::multi_passthrough_initiator_socket<WeightSram> m_toBanks;
};

} // namespace voltsim::models
