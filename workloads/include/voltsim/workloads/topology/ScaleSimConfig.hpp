#pragma once
// SCALE-Sim architecture configuration files (.cfg, INI style) read with every key checked.
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace voltsim::workloads {

/// The parts of a SCALE-Sim .cfg that voltsim's timing uses, plus the keys it accepted but does
/// not model (so the caller can say so instead of ignoring them silently).
struct ScaleSimConfig {
    std::string runName;             ///< [general] run_name (empty if absent)
    std::int64_t arrayHeight = 0;    ///< [architecture_presets] ArrayHeight: PE rows
    std::int64_t arrayWidth = 0;     ///< [architecture_presets] ArrayWidth: PE columns
    double ifmapSramKiB = 0;         ///< IfmapSramSzkB (KiB)
    double filterSramKiB = 0;        ///< FilterSramSzkB (KiB)
    double ofmapSramKiB = 0;         ///< OfmapSramSzkB (KiB)
    std::string dataflow;            ///< Dataflow: "os", "ws" or "is" (lower case)
    std::int64_t bandwidthWords = 0; ///< Bandwidth: DRAM words per cycle (0 if absent)
    std::string interfaceBandwidth;  ///< [run_presets] InterfaceBandwidth: "CALC" or "USER" (upper case)
    std::vector<std::string> unmodelledKeys; ///< "section.key" accepted but without effect on timing
};

/// Parses a SCALE-Sim .cfg: `[section]` headers, `key: value` or `key = value`, `#`/`;` comments;
/// keys are case-insensitive as in Python's configparser. ArrayHeight, ArrayWidth and Dataflow are
/// required. Keys SCALE-Sim defines but voltsim does not model (offsets, banks, layouts, sparsity
/// disabled) land in unmodelledKeys. An unknown section or key, a bad number, a dataflow other than
/// os/ws/is or SparsitySupport=true throws voltsim::InputError naming `sourceName`, line and key.
ScaleSimConfig parseScaleSimConfig(std::istream& in, const std::string& sourceName);

/// Reads and parses a .cfg file; throws voltsim::InputError if it cannot be opened.
ScaleSimConfig readScaleSimConfig(const std::string& path);

} // namespace voltsim::workloads
