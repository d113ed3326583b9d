#pragma once
// A chip: a profile plus a seed. Every bank draws its persistent faulty cells once (from
// bankSeed(seed, bank)) and its V_min offset (the profile's variation); an operating point
// (voltage or rate) activates the cells whose key is at or below the fault model's threshold for
// that bank and turns them into per-lane masks on each SramArray.
#include "voltsim/memory/Geometry.hpp"
#include "voltsim/memory/IFaultModel.hpp"
#include "voltsim/memory/OperatingPoint.hpp"
#include "voltsim/memory/SramArray.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace voltsim::memory {

/// Fault statistics of a chip at its current operating point (cells holding data only).
struct FaultCounts {
    std::uint64_t cells = 0;       ///< bit cells that hold data
    std::uint64_t faultyCells = 0; ///< of them, faulty at the operating point
    std::uint64_t stuckAt0 = 0;    ///< faulty cells stuck at 0 (stuck-at models; 0 for `random`)
    std::uint64_t stuckAt1 = 0;    ///< faulty cells stuck at 1 (stuck-at models; 0 for `random`)
    std::uint64_t flipping = 0;    ///< faulty cells that invert (`random`; 0 otherwise)

    double faultRate() const
    {
        return cells == 0 ? 0.0 : static_cast<double>(faultyCells) / static_cast<double>(cells);
    }
};

/// Options of a chip beyond profile and seed.
struct ChipOptions {
    std::string faultModel;  ///< registry name; empty: the profile's fault_semantics
    ChipGeometry geometry{}; ///< used when useProfileGeometry is false
    bool useProfileGeometry = true;
};

/// The one rule for a bit error rate set directly (`voltsim run --ber`, weight_sram.ber, `voltsim
/// sweep --bers`; docs/profiles.md, "A rate set directly"): the fault model named in the config,
/// else `random` (the paper's model, a faulty cell flips), whatever the profile's fault_semantics.
inline void useRateFaultModel(ChipOptions& options)
{
    if (options.faultModel.empty())
        options.faultModel = "random";
}

class SramChip {
  public:
    /// Builds the chip (draws every bank's cells) at V_nom (no faults). `profile` is shared and
    /// must not change afterwards. InputError for an unknown model; std::invalid_argument for a
    /// bad geometry.
    SramChip(std::shared_ptr<const SramProfile> profile, std::uint64_t seed, const ChipOptions& options = {});

    std::uint32_t bankCount() const { return m_geometry.banks; }
    SramArray& bank(std::uint32_t index) { return m_banks.at(index); }
    const SramArray& bank(std::uint32_t index) const { return m_banks.at(index); }
    const ChipGeometry& geometry() const { return m_geometry; }
    const SramProfile& profile() const { return *m_profile; }
    const IFaultModel& faultModel() const { return *m_model; }
    std::uint64_t seed() const { return m_seed; }

    /// Activates the cells faulty at `point`: by voltage, InputError outside the profile's range
    /// (never an extrapolation), each bank at its shifted voltage (shiftedVoltageMv); by rate, the
    /// fault model's threshold for that rate in every bank (variation shifts voltages only).
    void setOperatingPoint(const OperatingPoint& point);
    const OperatingPoint& operatingPoint() const { return m_point; }
    /// Current voltage (NaN when set by rate) and its bit error rate (the profile's p(V), the
    /// median chip's; faultCounts() has this chip's).
    double voltageMv() const { return m_voltageMv; }
    double bitErrorRate() const { return m_ber; }

    /// The chip's V_min offset in mV (profile variation; 0 without). Positive: a weaker chip.
    double chipOffsetMv() const { return m_chipOffsetMv; }
    /// Offset of bank `index`: the chip's plus the bank's own, in mV.
    double voltageOffsetMv(std::uint32_t index) const { return m_voltageOffsetsMv.at(index); }
    /// The voltage at which the profile's curve gives bank `index`'s faults at supply `voltageMv`:
    /// voltageMv - voltageOffsetMv(index) below V_nom (at or above V_nom every chip is error-free:
    /// a chip faulty there fails its production test), clamped to the lowest voltage the profile
    /// describes (a weak bank past the table's end gets its last rate, never an extrapolation).
    double shiftedVoltageMv(std::uint32_t index, double voltageMv) const;

    /// Bits of every byte that hold data (all banks); re-applies the current operating point.
    void setUsedBitsPerByte(std::uint8_t mask);
    /// Bits of every byte in reliable cells (all banks; SramArray::setReliableBitsPerByte);
    /// re-applies the current operating point.
    void setReliableBitsPerByte(std::uint8_t mask);

    /// Every drawn (potentially faulty) cell of a bank, sorted by bit.
    const std::vector<FaultCell>& cells(std::uint32_t bank) const { return m_cells.at(bank); }
    /// Whether `cell` of bank `index` is faulty at the current operating point.
    bool isActive(std::uint32_t index, const FaultCell& cell) const
    {
        return cell.key <= m_thresholds.at(index);
    }

    FaultCounts faultCounts() const;
    /// Sum of every bank's counters.
    SramStats totalStats() const;
    void resetStats();

  private:
    /// Activates, in every bank b, the cells with key <= thresholds[b].
    void applyThresholds(std::vector<double> thresholds);

    std::shared_ptr<const SramProfile> m_profile;
    std::shared_ptr<const IFaultModel> m_model;
    std::uint64_t m_seed;
    ChipGeometry m_geometry;
    std::vector<SramArray> m_banks;
    std::vector<std::vector<FaultCell>> m_cells;
    double m_chipOffsetMv = 0.0;
    std::vector<double> m_voltageOffsetsMv; ///< per bank: chip + bank offset
    std::vector<double> m_thresholds;       ///< per bank
    OperatingPoint m_point;
    double m_voltageMv;
    double m_ber = 0.0;
};

} // namespace voltsim::memory
