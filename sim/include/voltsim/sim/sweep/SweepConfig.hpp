#pragma once
// The typed configuration of `voltsim sweep` (docs/sweep.md lists every key). Read through a
// strict ConfigNode: unknown keys and bad values are InputErrors naming the file and key.
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voltsim::sim {

/// V/V_min from 1.0 down to the stutz2021-14nm profile's last point, 0.76.
extern const char* const kDefaultVoltagesRel;
/// The accelerator a sweep prices when its config names none (the one `voltsim run` reads).
extern const char* const kDefaultAcceleratorConfig;

/// The largest `images` of a sweep (and of a point record's image count).
constexpr std::uint64_t kMaxSweepImages = 100000000;

/// What the sweep's operating-point axis is.
enum class SweepAxis {
    VoltageRel, ///< V / V_min of the profile (the paper's axis)
    VoltageMv,  ///< supply in mV
    Ber,        ///< bit error rate set directly (the paper's p-sweep, `random` model)
};

/// "voltages_rel", "voltages_mv" or "bers" (the config key of the axis).
const char* axisKey(SweepAxis axis);

/// The initial values are the config's defaults: readSweepConfig reads each key into its member.
struct SweepConfig {
    /// Model package directories or shipped model names; the default is the CNN zoo, in table order,
    /// and the 8-bit RandBET ResNet (whose weights stream through the weight SRAM).
    std::vector<std::string> models{"normal-8bit",   "rquant-8bit",  "clipping-8bit",      "randbet-8bit",
                                    "clipping-4bit", "randbet-4bit", "resnet-randbet-8bit"};
    SweepAxis axis = SweepAxis::VoltageRel;
    std::vector<double> axisValues; ///< in the axis' unit, in the order given
    std::string axisWhere;          ///< "file: key" of the axis, for messages
    std::uint64_t chips = 10;
    std::uint64_t seed = 1;
    std::optional<std::uint64_t> images;  ///< first N test images; unset: the whole test set
    double maxLossPp = 1.0;               ///< allowed RErr loss over the reference, percentage points
    std::optional<std::string> reference; ///< unset: each model's own clean error; else a model's name
    std::string dataset = workloads::kFashionMnistSpec; ///< dataset spec (workloads::Dataset::fromSpec)
    /// Weight SRAM protections to compare (memory::ProtectionSpec names): every model is swept
    /// with each; unset: the accelerator's own weight_sram.protection only.
    std::optional<std::vector<std::string>> protections;
    /// The accelerator of the `accelerator` key (array, clock, weight SRAM: profile, fault model,
    /// geometry and layout; buffers, DRAM, energy table), read by readAcceleratorConfig with the
    /// sweep's `profile` and `fault_model` put into weight_sram when set. Its operating point is
    /// unset (the axis sets it) and its `run` settings are defaults (the sweep's own keys apply).
    RunConfig accelerator;
    std::string acceleratorFile; ///< the file `accelerator` named, as read; "" for a config given inline
    nlohmann::json resolved;     ///< every key with its value, defaults filled in; `accelerator` inline

    const models::AcceleratorSpecs& specs() const { return accelerator.accelerator; }
};

/// Reads every key of `root` into a SweepConfig and calls root.finish().
SweepConfig readSweepConfig(ConfigNode& root);

/// The JSON of an accelerator config file; a relative path missing from the current directory is
/// taken from voltsim::dataDir() (so "configs/accelerator/default.json" works anywhere). InputError
/// "<where>: <file>: ..." if it cannot be read.
nlohmann::json loadAcceleratorFile(const std::string& path, const std::string& where);

/// Replaces the `accelerator` file name of a sweep config document (or its absence: the default)
/// by the file's content, so that `--set accelerator.KEY=VALUE` can change one of its keys.
void inlineAcceleratorFile(nlohmann::json& config, const std::string& source);

/// Parses "START:STOP:STEP" (inclusive grid from START towards STOP) or "A,B,C" into numbers.
/// InputError naming `where` for malformed text, a non-positive step, an empty item or a negative value.
std::vector<double> parseAxisValues(const std::string& text, const std::string& where);

/// "a,b,c" -> {"a", "b", "c"}: the comma lists of command-line flags. InputError naming `where`
/// for an empty item ("a,,b", a trailing comma, an empty list).
std::vector<std::string> splitList(const std::string& text, const std::string& where);

} // namespace voltsim::sim
