#pragma once
// The typed configuration of `voltsim sweep` (docs/sweep.md lists every key). Read through a
// strict ConfigNode: unknown keys and bad values are InputErrors naming the file and key.
#include "voltsim/memory/WeightLayout.hpp"
#include "voltsim/models/array/ArraySpec.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::sim {

/// The zoo the default sweep runs: the shipped models, in table order.
extern const char* const kDefaultSweepModels;
/// V/V_min from 1.0 down to the stutz2021-14nm profile's last point, 0.76.
extern const char* const kDefaultVoltagesRel;

/// What the sweep's operating-point axis is.
enum class SweepAxis {
    VoltageRel, ///< V / V_min of the profile (the paper's axis)
    VoltageMv,  ///< supply in mV
    Ber,        ///< bit error rate set directly (the paper's p-sweep, `random` model)
};

/// "voltages_rel", "voltages_mv" or "bers" (the config key of the axis).
const char* axisKey(SweepAxis axis);

struct SweepConfig {
    std::vector<std::string> models;     ///< model package directories or shipped model names
    std::string profile = "stutz2021-14nm";
    std::string faultModel;              ///< empty: the profile's fault_semantics
    SweepAxis axis = SweepAxis::VoltageRel;
    std::vector<double> axisValues;      ///< in the axis' unit, in the order given
    std::string axisWhere;               ///< "file: key" of the axis, for messages
    std::uint64_t chips = 10;
    std::uint64_t seed = 1;
    std::uint64_t images = 0;            ///< first N test images; 0: the whole test set
    double maxLossPp = 1.0;              ///< allowed RErr loss over the reference, percentage points
    std::string reference;               ///< empty: each model's own clean error; else a model's name
    memory::WeightLayoutConfig layout{};
    models::ArraySpec array{32, 32, models::Dataflow::WS};
    std::string timing = "native";
    double clockMhz = 1000;
    std::string energyTable;             ///< energy-per-action JSON
    std::string datasetDir;              ///< Fashion-MNIST directory
    nlohmann::json resolved;             ///< every key with its value, defaults filled in
};

/// Reads every key of `root` into a SweepConfig and calls root.finish().
SweepConfig readSweepConfig(ConfigNode& root);

/// Parses "START:STOP:STEP" (inclusive grid from START towards STOP) or "A,B,C" into numbers.
/// InputError naming `where` for malformed text, a non-positive step or an empty list.
std::vector<double> parseAxisValues(const std::string& text, const std::string& where);

/// "a,b,c" -> {"a", "b", "c"} (empty items dropped).
std::vector<std::string> splitList(const std::string& text);

/// A shipped model name (workloads/models/NAME) or a directory -> the package directory.
std::string resolveModelDir(const std::string& nameOrDir);

/// Turns JSON numbers and arrays given for list-valued keys (models, voltages_*, bers) into the
/// comma-separated strings the config reads, so `--set bers=0.01` and `"bers": [0.01]` work.
void normaliseListKeys(nlohmann::json& config);

} // namespace voltsim::sim
