#include "voltsim/sim/report/LayersCsv.hpp"

#include "voltsim/models/timing/LayerReports.hpp"

#include <cmath>
#include <type_traits>

namespace voltsim::sim {
namespace {

using models::formatLikePython;

/// A count: integral values without a fraction, averages in shortest round-trip form.
std::string count(double value)
{
    if (value == std::floor(value) && std::fabs(value) < 9.0e15)
        return std::to_string(static_cast<std::int64_t>(value));
    return formatLikePython(value);
}

template <typename T> std::string optionalField(const std::optional<T>& value)
{
    if (!value)
        return "";
    if constexpr (std::is_floating_point_v<T>)
        return count(*value);
    else
        return std::to_string(*value);
}

} // namespace

void writeLayersCsv(std::ostream& out, const LayersCsvContext& context, const std::vector<LayersCsvRow>& rows)
{
    out << "layer_id,layer,type,m,k,n,array_rows,array_cols,dataflow,timing,cycles,stall_cycles,folds,macs,"
           "overall_util,mapping_efficiency,compute_util,weight_sram_reads,activation_sram_reads,"
           "activation_sram_writes,accumulator_sram_reads,accumulator_sram_writes,dram_bytes,"
           "weight_tiles_loaded,weight_bytes_loaded,weight_load_stall_cycles,flips_seen,chips,"
           "weight_voltage_mv,activation_voltage_mv,accumulator_voltage_mv,mac_pj,weight_sram_pj,activation_"
           "sram_pj,accumulator_sram_pj,total_pj,"
           "weight_sram_nominal_pj,weight_sram_saving\n";
    for (std::size_t id = 0; id < rows.size(); ++id) {
        const LayersCsvRow& row = rows[id];
        const models::LayerTiming& t = row.timing;
        const models::LayerEnergy& e = row.energy;
        const double saving = e.weightSramNominalPj > 0 ? 1.0 - e.weightSramPj / e.weightSramNominalPj : 0.0;
        out << id << ',' << row.layer << ',' << row.type << ',' << row.shape.m << ',' << row.shape.k << ','
            << row.shape.n << ',' << context.array.rows << ',' << context.array.cols << ','
            << models::toString(context.array.dataflow) << ',' << context.timing << ',' << row.cycles << ','
            << t.stallCycles << ',' << t.folds << ',' << t.macs << ',' << formatLikePython(t.overallUtil)
            << ',' << formatLikePython(t.mappingEfficiency) << ',' << formatLikePython(t.computeUtil) << ','
            << count(row.weightSramReads) << ',' << count(row.activationSramReads) << ','
            << optionalField(row.activationSramWrites) << ',' << count(row.accumulatorSramReads) << ','
            << count(row.accumulatorSramWrites) << ',' << optionalField(row.dramBytes) << ','
            << optionalField(row.weightTilesLoaded) << ',' << optionalField(row.weightBytesLoaded) << ','
            << optionalField(row.weightLoadStallCycles) << ',' << optionalField(row.flipsSeen) << ','
            << optionalField(row.chips) << ',' << formatLikePython(context.weightVoltageMv) << ','
            << formatLikePython(context.activationVoltageMv) << ','
            << formatLikePython(context.accumulatorVoltageMv) << ',' << formatLikePython(e.macPj) << ','
            << formatLikePython(e.weightSramPj) << ',' << formatLikePython(e.activationSramPj) << ','
            << formatLikePython(e.accumulatorSramPj) << ',' << formatLikePython(e.totalPj()) << ','
            << formatLikePython(e.weightSramNominalPj) << ',' << formatLikePython(saving) << '\n';
    }
}

} // namespace voltsim::sim
