#pragma once
// Per-layer report files: SCALE-Sim's COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and
// DETAILED_ACCESS_REPORT.csv layouts (voltsim's own layers.csv is written by sim/report/LayersCsv).
#include "voltsim/models/timing/LayerEnergy.hpp"
#include "voltsim/models/timing/LayerTiming.hpp"
#include "voltsim/workloads/topology/GemmShape.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace voltsim::models {

/// One layer's results as the reports need them.
struct LayerReportRow {
    std::string name;
    workloads::GemmShape shape;
    LayerTiming timing;
    LayerEnergy energy;
};

/// Formats a double the way SCALE-Sim's Python str() does: shortest round-trip digits, and a
/// trailing ".0" for integral values.
std::string formatLikePython(double value);

/// `LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,`
void writeComputeReport(std::ostream& out, const std::vector<LayerReportRow>& rows);

/// `LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW,` (words per cycle:
/// accesses / Total Cycles). SCALE-Sim's DRAM columns come from its buffer and prefetch
/// simulation, which voltsim does not model, so they are omitted rather than invented.
void writeBandwidthReport(std::ostream& out, const std::vector<LayerReportRow>& rows);

/// `LayerID, SRAM IFMAP Reads, SRAM Filter Reads, SRAM OFMAP Writes,` (SCALE-Sim's access counts;
/// its start/stop cycle and DRAM columns are omitted for the same reason).
void writeDetailedAccessReport(std::ostream& out, const std::vector<LayerReportRow>& rows);

} // namespace voltsim::models
