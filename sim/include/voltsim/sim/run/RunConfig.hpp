#pragma once
// The typed configuration of `voltsim run` (docs/accelerator.md): every key is read through
// ConfigNode into the struct member holding its default, with a range and a description, so the
// resolved config can be echoed and `voltsim run --describe-config` lists them all.
#include "voltsim/models/accelerator/AcceleratorSpecs.hpp"
#include "voltsim/models/timing/LayerEnergy.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::sim {

/// The SRAM profile of the weight SRAM when a config names none.
extern const char* const kDefaultProfile;

/// The largest weight_sram.voltage_mv (mV) and voltage_rel, the bounds of every voltage flag.
constexpr double kMaxVoltageMv = 1e5;
constexpr double kMaxVoltageRel = 10;

/// The most PEs of an array stepped per clock (`run.mode` cycle, `voltsim layers --mode cycle`):
/// 512 x 512, about 100 MB (each PE is a SystemC module; docs/accelerator.md, "Limits").
constexpr std::int64_t kMaxCycleArrayPes = std::int64_t{1} << 18;

/// InputError "<where>: ..." stating the limit if an array of rows x cols is too large to step per clock.
void requireCycleArraySize(std::int64_t rows, std::int64_t cols, const std::string& where);

/// InputError "<where>: ..." unless `name` is a valid rail name (non-empty; letters, digits, '_', '-').
void requireRailName(const std::string& name, const std::string& where);

/// The rail of `specs.rails` called `name`, or null (also for the weight SRAM's rail, which is not in it).
const models::RailSpecs* findRail(const models::AcceleratorSpecs& specs, const std::string& name);

/// Applies `--rail NAME=V` flags (run and sweep) to an accelerator config document at `prefix`
/// ("" or "accelerator."): V is relative to the weight SRAM profile's V_min (rails.NAME.voltage_rel),
/// or millivolts with the suffix "mV" (rails.NAME.voltage_mv); the other key is cleared. InputError
/// naming --rail for a malformed assignment; the config reader checks the name and the value.
void applyRailFlags(nlohmann::json& config, const std::vector<std::string>& assignments,
                    const std::string& prefix, ValueOrigins& origins);

/// What one `voltsim run` does beyond the hardware. The initial values are the config's defaults
/// (as are those of models::AcceleratorSpecs): readRunConfig reads each key into its member.
struct RunSettings {
    std::int64_t chips = 1;
    std::int64_t images = 100;
    std::uint64_t seed = 1;
    std::string dataset = workloads::kFashionMnistSpec; ///< dataset spec (workloads::Dataset::fromSpec)
};

/// Energy prices beyond the SRAM profile.
struct EnergySettings {
    models::EnergyTable table;  ///< MAC energy and access widths
    double dramPjPerByte = 8.0; ///< DRAM energy per byte moved
};

struct RunConfig {
    models::AcceleratorSpecs accelerator;
    RunSettings run;
    EnergySettings energy;
};

/// Reads every key of `root` (and finishes it: unknown keys are errors). Loads the SRAM profile
/// and the energy table the config names.
RunConfig readRunConfig(ConfigNode& root);

/// Reads the hardware of an accelerator config: every section but `run` (which then is an unknown
/// key), through the same readers as readRunConfig; `run` settings keep their defaults. This is
/// how `voltsim sweep` reads the accelerator it prices (docs/sweep.md).
RunConfig readAcceleratorConfig(ConfigNode& root);

/// The resolved configuration with every default filled in, and every parameter's description.
nlohmann::json resolvedDefaults();
std::vector<ParamInfo> describeRunConfig();

} // namespace voltsim::sim
