#pragma once
// SRAM error profiles: a memory technology's bit error rate, fault semantics and energy against
// supply voltage. The JSON format is documented in docs/profiles.md.
#include "voltsim/memory/Geometry.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::memory {

/// One point of a curve against supply voltage (mV).
struct CurvePoint {
    double voltageMv = 0.0;
    double value = 0.0;
};

/// How the bit error rate is given: a measured table against voltage, or set directly (`uniform`).
enum class BerKind { Table, Uniform };

/// Rate between two table points: the worse (lower-voltage) neighbour, or log-linear in the rate.
enum class Interpolation { Worse, LogLinear };

/// Optional clustering of faults: a share of rows (columns) is weaker by a factor; the other rows
/// (columns) are stronger so the mean rate stays p. A cell's rate is p * rowWeight * columnWeight.
struct Clustering {
    double weakRowShare = 0.0;
    double weakRowFactor = 1.0;
    double weakColumnShare = 0.0;
    double weakColumnFactor = 1.0;

    bool enabled() const { return weakRowShare > 0.0 || weakColumnShare > 0.0; }
};

/// Chip-to-chip and bank-to-bank variation of V_min (docs/profiles.md, "Variation"): every chip
/// draws an offset chipSigmaMv x z and every bank bankSigmaMv x z' (z, z' standard normal, from
/// its seed); a chip is faulty at V as the profile is at V - offset. Zero sigmas: every chip has
/// exactly the profile's p(V).
struct Variation {
    /// Largest accepted sigma: far beyond any measured V_min spread, small enough to catch a typo.
    static constexpr double kMaxSigmaMv = 1000.0;

    double chipSigmaMv = 0.0;
    double bankSigmaMv = 0.0;

    bool enabled() const { return chipSigmaMv > 0.0 || bankSigmaMv > 0.0; }
};

/// How a per-access energy (or leakage) scales with voltage.
enum class EnergyScaling { V2, Table, Exponential };

/// Dynamic energy per access: pJ for a 64-bit access at V_nom, scaled by (V/V_nom)^2 or a table
/// of values relative to V_nom (linear interpolation, the table holds V_nom with value 1).
struct EnergySpec {
    double readPj64 = 0.0;
    double writePj64 = 0.0;
    EnergyScaling scaling = EnergyScaling::V2;
    std::vector<CurvePoint> points; ///< descending voltage, only for Table
};

/// Leakage power of one bank: uW at V_nom, scaled by exp((V - V_nom) / scaleMv) or a table of
/// values relative to V_nom (linear interpolation).
struct LeakageSpec {
    double powerUwPerBank = 0.0;
    EnergyScaling scaling = EnergyScaling::Exponential;
    double scaleMv = 0.0;
    std::vector<CurvePoint> points;
};

/// One measured faulty cell: fails (reads `stuckValue`) at every voltage <= failureMv.
struct MeasuredCell {
    std::uint32_t array = 0;
    std::uint32_t row = 0;
    std::uint32_t column = 0;
    double failureMv = 0.0;
    std::uint8_t stuckValue = 0;
};

/// Where a chip puts a measured map: each chip (seed) and bank at its own cyclic shift of arrays,
/// rows and columns, or every chip exactly as measured.
enum class MapPlacement { PerSeed, AsMeasured };

/// A measured fault map: arrays of rows x columns bit cells and the voltages it was measured at.
struct FaultMap {
    MapPlacement placement = MapPlacement::PerSeed;
    std::uint32_t arrays = 1;
    std::uint32_t rows = 0;
    std::uint32_t columns = 0;
    std::vector<double> measuredMv; ///< strictly descending
    std::vector<MeasuredCell> cells;

    std::uint64_t bitsPerArray() const { return std::uint64_t{rows} * columns; }
    std::uint64_t bits() const { return bitsPerArray() * arrays; }
};

/// A validated profile. Voltages in mV; rates are fractions of bit cells in [0, 1].
struct SramProfile {
    std::string name;
    std::string source;
    std::string technology;
    std::string file; ///< where it was loaded from (for messages)
    double vNomMv = 0.0;
    double vMinMv = 0.0;
    ChipGeometry geometry{};
    BerKind berKind = BerKind::Table;
    Interpolation interpolation = Interpolation::Worse;
    std::vector<CurvePoint> berPoints; ///< strictly descending voltage, non-decreasing rate
    double uniformMaxBer = 0.0;        ///< only for Uniform
    std::string faultSemantics;        ///< default fault model name
    double stuckAt0Share = 0.5;
    Clustering clustering{};
    Variation variation{};
    EnergySpec energy{};
    LeakageSpec leakage{};
    std::optional<FaultMap> faultMap;

    /// Bit error rate at `voltageMv`: 0 at or above V_min; below it the table with the profile's
    /// interpolation. Throws InputError below the lowest table point (no extrapolation) and for a
    /// `uniform` profile below V_min (its rate is set directly, not by voltage).
    double bitErrorRate(double voltageMv) const;

    /// The largest rate any operating point can ask for: the table's last point or max_ber.
    double maxBitErrorRate() const;

    /// Lowest voltage the profile describes (its last table point; V_min for `uniform`).
    double lowestVoltageMv() const;

    /// V/V_min -> mV, rounded to 1e-6 mV so that e.g. 0.845 x 800 lands exactly on a 676 mV point.
    double voltageFromRelative(double relative) const;
};

/// NAME (a shipped profile, profiles/NAME.json of voltsim::dataDir()) or a path to a FILE -> the file path.
/// Throws InputError naming both places when neither exists.
std::string resolveProfilePath(const std::string& nameOrFile);

/// Names of the shipped profiles, sorted.
std::vector<std::string> shippedProfileNames();

/// Loads and validates a profile; every error is an InputError "<file>: <json path>: <problem>".
SramProfile loadProfile(const std::string& nameOrFile);

/// Validates `document` as a profile; `file` only names the source in messages.
SramProfile parseProfile(const nlohmann::json& document, const std::string& file);

/// {"arrays": banks, "rows": rows, "word_bits": wordBits}, as in the profile's `geometry`.
nlohmann::json geometryToJson(const ChipGeometry& geometry);

/// The profile as JSON in the documented format (parseProfile(profileToJson(p)) == p).
nlohmann::json profileToJson(const SramProfile& profile);

} // namespace voltsim::memory
