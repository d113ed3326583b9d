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

} // namespace voltsim::models
