#pragma once
// The weight SRAM: a thin TLM-2.0 target over memory::WeightMemory (docs/accelerator.md, "Weight
// SRAM"). Its chip (profile + seed) holds persistent faults at the operating point; the tensors
// are placed at elaboration (the placement policy's WeightPlan); the DMA writes and the controller
// reads linear weight addresses, and
// b_transport delegates both to WeightMemory, so faults enter on the one read path the functional
// engine uses too. A read reports its flipped bits in a WeightReadExtension.
#include "voltsim/memory/SramChip.hpp"
#include "voltsim/memory/WeightMemory.hpp"
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/accelerator/WeightTensors.hpp"
#include "voltsim/models/stats/StatsTree.hpp"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <vector>

namespace voltsim::models {

/// Ignorable extension of a weight SRAM read: the initiator attaches it, the weight SRAM sets the
/// bits the read returned differently from the stored ones (0 for writes).
class WeightReadExtension : public tlm::tlm_extension<WeightReadExtension> {
  public:
    std::uint64_t bitsFlipped = 0;

    tlm::tlm_extension_base* clone() const override { return new WeightReadExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override
    {
        bitsFlipped = static_cast<const WeightReadExtension&>(other).bitsFlipped;
    }
};

class WeightSram : public sc_core::sc_module, public IStatsSource {
  public:
    /// Linear weight addresses (WeightLayout's address space); bound by the DMA and the controller.
    tlm_utils::multi_passthrough_target_socket<WeightSram> socket;

    /// Builds the chip of `specs` with `seed` at the specs' operating point (InputError outside the
    /// profile) and places `tensors` with the specs' placement policy (InputError naming
    /// `weight_sram.placement` if they cannot be placed); their codes arrive later by TLM writes. An access
    /// of n bytes costs, per bank it touches, the bank's latency plus one cycle per further word.
    WeightSram(const sc_core::sc_module_name& name, const WeightSramSpecs& specs, std::uint64_t seed,
               const std::vector<memory::CodeTensorView>& tensors, const sc_core::sc_time& clockPeriod);

    const memory::SramChip& chip() const { return m_chip; }
    /// How codes are encoded and where linear addresses lie.
    const memory::WeightLayout& layout() const { return m_memory.layout(); }
    /// Where each tile of each tensor lies, and when it is loaded.
    const memory::WeightPlan& plan() const { return m_memory.plan(); }

    /// Counters of every bank (reads, writes, bytes, bits flipped).
    std::vector<memory::SramStats> bankStats() const;
    /// {"banks": each bank's counters}.
    nlohmann::json statsJson() const override;

  private:
    /// Error responses for byte enables, streaming and addresses outside the layout; otherwise
    /// WeightMemory::write or read, the flips into a WeightReadExtension if attached, and the time.
    void bTransport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    /// Checks the payload; sets an error response and returns false if it cannot be served.
    bool admissible(tlm::tlm_generic_payload& payload) const;

    memory::SramChip m_chip;
    memory::WeightMemory m_memory;
    sc_core::sc_time m_period;
    std::uint32_t m_readLatencyCycles;
    std::uint32_t m_writeLatencyCycles;
};

} // namespace voltsim::models
