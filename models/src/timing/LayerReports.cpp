#include "voltsim/models/timing/LayerReports.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace voltsim::models {

std::string formatLikePython(double value)
{
    std::array<char, 64> buffer{};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    std::string text(buffer.data(), error == std::errc() ? end : buffer.data());
    if (std::isfinite(value) && text.find_first_of(".e") == std::string::npos)
        text += ".0";
    return text;
}

void writeComputeReport(std::ostream& out, const std::vector<LayerReportRow>& rows)
{
    out << "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
    for (std::size_t id = 0; id < rows.size(); ++id) {
        const LayerTiming& t = rows[id].timing;
        out << id << ", " << t.totalCycles << ", " << t.stallCycles << ", "
            << formatLikePython(t.overallUtil * 100) << ", " << formatLikePython(t.mappingEfficiency * 100)
            << ", " << formatLikePython(t.computeUtil * 100) << ",\n";
    }
}

void writeBandwidthReport(std::ostream& out, const std::vector<LayerReportRow>& rows)
{
    out << "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW,\n";
    for (std::size_t id = 0; id < rows.size(); ++id) {
        const LayerTiming& t = rows[id].timing;
        const double cycles = static_cast<double>(t.totalCycles);
        out << id << ", " << formatLikePython(static_cast<double>(t.ifmapSramReads) / cycles) << ", "
            << formatLikePython(static_cast<double>(t.filterSramReads) / cycles) << ", "
            << formatLikePython(static_cast<double>(t.ofmapSramWrites) / cycles) << ",\n";
    }
}

void writeDetailedAccessReport(std::ostream& out, const std::vector<LayerReportRow>& rows)
{
    out << "LayerID, SRAM IFMAP Reads, SRAM Filter Reads, SRAM OFMAP Writes,\n";
    for (std::size_t id = 0; id < rows.size(); ++id) {
        const LayerTiming& t = rows[id].timing;
        out << id << ", " << t.ifmapSramReads << ", " << t.filterSramReads << ", " << t.ofmapSramWrites
            << ",\n";
    }
}

void writeLayersCsv(std::ostream& out, const std::vector<LayerReportRow>& rows, const ArraySpec& spec,
                    const std::string& timingName, double weightVoltageMv)
{
    out << "layer_id,layer,m,k,n,array_rows,array_cols,dataflow,timing,cycles,stall_cycles,folds,macs,"
           "overall_util,mapping_efficiency,compute_util,ifmap_sram_reads,filter_sram_reads,ofmap_sram_"
           "writes,"
           "ofmap_sram_reads,weight_voltage_mv,mac_energy_pj,weight_sram_energy_pj,activation_sram_energy_pj,"
           "accumulator_sram_energy_pj,energy_pj,weight_sram_energy_nominal_pj,weight_sram_saving\n";
    for (std::size_t id = 0; id < rows.size(); ++id) {
        const LayerReportRow& row = rows[id];
        const LayerTiming& t = row.timing;
        const LayerEnergy& e = row.energy;
        const double saving = e.weightSramNominalPj > 0 ? 1.0 - e.weightSramPj / e.weightSramNominalPj : 0.0;
        out << id << ',' << row.name << ',' << row.shape.m << ',' << row.shape.k << ',' << row.shape.n << ','
            << spec.rows << ',' << spec.cols << ',' << toString(spec.dataflow) << ',' << timingName << ','
            << t.totalCycles << ',' << t.stallCycles << ',' << t.folds << ',' << t.macs << ','
            << formatLikePython(t.overallUtil) << ',' << formatLikePython(t.mappingEfficiency) << ','
            << formatLikePython(t.computeUtil) << ',' << t.ifmapSramReads << ',' << t.filterSramReads << ','
            << t.ofmapSramWrites << ',' << t.ofmapSramReads << ',' << formatLikePython(weightVoltageMv) << ','
            << formatLikePython(e.macPj) << ',' << formatLikePython(e.weightSramPj) << ','
            << formatLikePython(e.activationSramPj) << ',' << formatLikePython(e.accumulatorSramPj) << ','
            << formatLikePython(e.totalPj()) << ',' << formatLikePython(e.weightSramNominalPj) << ','
            << formatLikePython(saving) << '\n';
    }
}

} // namespace voltsim::models
