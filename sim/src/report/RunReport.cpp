#include "voltsim/sim/report/RunReport.hpp"

#include "voltsim/sim/report/LayersCsv.hpp"

#include "voltsim/memory/Variation.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace voltsim::sim {
namespace {

using nlohmann::json;

/// The weight SRAM's voltage at the run's operating point; NaN when the rate is set directly.
double pointVoltageMv(const RunConfig& config)
{
    const models::WeightSramSpecs& sram = config.accelerator.weightSram;
    return sram.operatingPoint.voltageMv(*sram.profile);
}

/// The SRAMs' supplies to price at: the weight SRAM's rail at the run's voltage, or at V_nom when
/// the rate was set directly; the other rails at theirs.
SramVoltages pricingVoltages(const RunConfig& config, const EnergyPricer& pricer)
{
    const double v = pointVoltageMv(config);
    return pricer.voltages(std::isnan(v) ? pricer.nominalVoltageMv() : v);
}

json numberOrNull(double value)
{
    return std::isnan(value) ? json(nullptr) : json(value);
}

json runJson(const RunReportInput& input, const ChipOutcome& run, std::int64_t chip,
             const SramVoltages& volts)
{
    const std::uint64_t stored = input.outcome->storedBits;
    return json{{"chip", chip},
                {"chip_seed", run.seed},
                {"errors", run.errors.value_or(0)},
                {"robust_errors", run.robustErrors},
                {"faulty_cell_rate", run.ber},
                {"flipped_bit_rate",
                 stored == 0 ? 0.0 : static_cast<double>(run.flips) / static_cast<double>(stored)},
                {"bits_flipped", run.flips},
                {"accelerator", acceleratorStatsJson(*input.config, run, volts)}};
}

/// DRAM bytes per inference of the image and the logits attributed to layer `index`: the input
/// image to the first layer, the logits to the last.
std::uint64_t layerIoBytes(const workloads::Network& network, std::size_t index)
{
    std::uint64_t bytes = 0;
    if (index == 0)
        bytes += static_cast<std::uint64_t>(network.inputSize());
    if (index + 1 == network.layers.size())
        bytes += 4 * static_cast<std::uint64_t>(network.dataset.numClasses);
    return bytes;
}

std::string percent(double fraction)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << 100 * fraction << " %";
    return out.str();
}

/// Mean over chips of each chip's counts priced with the SRAMs at `volts`.
EnergyBreakdown meanEnergy(const EnergyPricer& pricer, const PointOutcome& outcome, const SramVoltages& volts)
{
    EnergyBreakdown energy;
    for (const ChipOutcome& chip : outcome.chips)
        energy += pricer.perInference(chip.counts, volts);
    energy /= static_cast<double>(outcome.chips.size());
    return energy;
}

json railJson(const RailEnergy& rail, const RailEnergy& nominal, double vMinMv)
{
    return json{{"voltage_mv", rail.voltageMv},
                {"voltage_rel", rail.voltageMv / vMinMv},
                {"srams", rail.srams},
                {"dynamic_pj", rail.dynamicPj},
                {"leakage_pj", rail.leakagePj},
                {"total_pj", rail.totalPj()},
                {"total_nominal_pj", nominal.totalPj()},
                {"saving", nominal.totalPj() == 0 ? 0.0 : 1 - rail.totalPj() / nominal.totalPj()}};
}

} // namespace

json energyJson(const EnergyBreakdown& energy)
{
    return json{{"mac_pj", energy.macPj},
                {"weight_sram_pj", energy.weightSramPj},
                {"weight_sram_leakage_pj", energy.weightLeakagePj},
                {"activation_sram_pj", energy.activationSramPj},
                {"accumulator_sram_pj", energy.accumulatorSramPj},
                {"dram_pj", energy.dramPj},
                {"total_pj", energy.totalPj()},
                {"activation_sram_leakage_pj", energy.activationLeakagePj},
                {"accumulator_sram_leakage_pj", energy.accumulatorLeakagePj}};
}

json railsJson(const std::vector<RailEnergy>& rails, const std::vector<RailEnergy>& nominal, double vMinMv)
{
    json out = json::object();
    for (std::size_t i = 0; i < rails.size(); ++i)
        out[rails[i].name] = railJson(rails[i], nominal.at(i), vMinMv);
    return out;
}

json layerJson(const models::LayerStats& layer, const EnergyBreakdown& energy)
{
    json counts = models::layerStatsJson(layer);
    counts["energy_per_image"] = energyJson(energy);
    return counts;
}

json acceleratorStatsJson(const RunConfig& config, const ChipOutcome& run, const SramVoltages& volts)
{
    const EnergyPricer pricer(config);
    const models::AcceleratorStats& counts = run.counts;
    // The counts as the modules reported them (models::collectStats), priced here.
    json tree = counts.tree;
    json& layers = tree.at("controller").at("layers");
    for (std::size_t i = 0; i < counts.layers.size(); ++i)
        layers.at(i)["energy_per_image"] = energyJson(pricer.layer(counts.layers[i], volts));
    tree["energy_per_inference"] = energyJson(pricer.perInference(counts, volts));
    // The chip's faults are the outcome's: the functional back-end counts accesses on a nominal
    // counting run, whose chip has none.
    json& weightSram = tree.at("weight_sram");
    weightSram["faulty_cells"] = run.faultyCells;
    const models::WeightSramSpecs& sram = config.accelerator.weightSram;
    weightSram["chip_offset_mv"] = memory::chipOffsetAtMv(*sram.profile, sram.operatingPoint, run.seed);
    weightSram["configured_ber"] = run.ber;
    return tree;
}

RunSummary summarizeRun(const RunReportInput& input)
{
    const RunConfig& config = *input.config;
    const PointOutcome& outcome = *input.outcome;
    const memory::SramProfile& profile = *config.accelerator.weightSram.profile;
    const EnergyPricer pricer(config);
    RunSummary summary;
    summary.model = input.package->name;
    summary.method = input.package->method;
    summary.profile = profile.name;
    summary.protection = config.accelerator.weightSram.layout.protection.name();
    summary.storedBitsPerDataBit = config.accelerator.weightSram.layout.protection.storedBitsPerDataBit();
    summary.mode = config.accelerator.arrayEngine;
    summary.voltageMv = pointVoltageMv(config);
    summary.voltageRel = summary.voltageMv / profile.vMinMv;
    summary.ber = outcome.ber;
    summary.chips = outcome.chips.size();
    summary.images = outcome.images;
    summary.seed = config.run.seed;
    summary.rerr = summarize(outcome);
    for (const ChipOutcome& chip : outcome.chips) {
        summary.rerrPerChip.push_back(chipRErr(chip, outcome.images));
        summary.faultyCellsPerChip.push_back(chip.faultyCells);
        summary.chipOffsetsMv.push_back(
            memory::chipOffsetAtMv(profile, config.accelerator.weightSram.operatingPoint, chip.seed));
    }
    summary.cyclesPerInference = cyclesPerInference(outcome.clean.counts);
    summary.latencyUs = latencyUsPerInference(outcome.clean.counts, config.accelerator.clockMhz);
    summary.clockMhz = config.accelerator.clockMhz;
    const SramVoltages volts = pricingVoltages(config, pricer);
    summary.energy = meanEnergy(pricer, outcome, volts);
    summary.nominal = meanEnergy(pricer, outcome, pricer.nominal());
    summary.savings = energySavings(summary.energy, summary.nominal);
    summary.rails = pricer.byRail(summary.energy, volts);
    summary.railsNominal = pricer.byRail(summary.nominal, pricer.nominal());
    summary.vMinMv = profile.vMinMv;
    return summary;
}

json summaryJson(const RunSummary& s)
{
    return json{{"model", s.model},
                {"method", s.method},
                {"profile", s.profile},
                {"mode", s.mode},
                {"voltage_mv", numberOrNull(s.voltageMv)},
                {"voltage_rel", numberOrNull(s.voltageRel)},
                {"faulty_cell_rate", s.ber},
                {"flipped_bit_rate", s.rerr.berSeen},
                {"chips", s.chips},
                {"images", s.images},
                {"seed", s.seed},
                {"clean_error", s.rerr.err},
                {"rerr",
                 {{"mean", s.rerr.rerrMean},
                  {"std", s.rerr.rerrStd},
                  {"min", s.rerr.rerrMin},
                  {"max", s.rerr.rerrMax},
                  {"per_chip", s.rerrPerChip}}},
                {"bits_flipped_per_chip", s.rerr.flipsMean},
                {"faulty_cells_per_chip", s.faultyCellsPerChip},
                {"chip_offset_mv_per_chip", s.chipOffsetsMv},
                {"cycles_per_inference", s.cyclesPerInference},
                {"latency_us", s.latencyUs},
                {"clock_mhz", s.clockMhz},
                {"energy_per_inference", energyJson(s.energy)},
                {"energy_per_inference_nominal", energyJson(s.nominal)},
                {"energy_saving", s.savings.total},
                {"weight_sram_energy_saving", s.savings.weightSram},
                {"rails", railsJson(s.rails, s.railsNominal, s.vMinMv)}};
}

/// "faulty cells     min A, max B per chip; V_min offset min C, max D mV" (the offsets only when
/// the profile has variation).
void printChipSpread(std::ostream& out, const RunSummary& s)
{
    if (s.faultyCellsPerChip.empty())
        return;
    const auto [fewest, most] = std::minmax_element(s.faultyCellsPerChip.begin(), s.faultyCellsPerChip.end());
    out << "faulty cells     min " << *fewest << ", max " << *most << " per chip";
    const auto [lowest, highest] = std::minmax_element(s.chipOffsetsMv.begin(), s.chipOffsetsMv.end());
    if (*lowest != 0.0 || *highest != 0.0)
        out << "; V_min offset min " << *lowest << " mV, max " << *highest << " mV";
    out << "\n";
}

void printRunSummary(std::ostream& out, const RunSummary& s, double wallSeconds)
{
    out << "model            " << s.model << " (" << s.method << ")\n"
        << "weight SRAM      " << s.profile << ", ";
    if (std::isnan(s.voltageMv))
        out << "bit error rate set directly";
    else
        out << s.voltageMv << " mV (V/V_min " << s.voltageRel << ")";
    out << ", faulty cells " << s.ber;
    if (s.protection != "none")
        out << ", protection " << s.protection << " (" << s.storedBitsPerDataBit << " cells per data bit)";
    out << "\n"
        << "run              " << s.images << " images x " << s.chips << " chips, seed " << s.seed
        << ", mode " << s.mode << "\n"
        << "clean error      " << percent(s.rerr.err) << "\n"
        << "RErr             mean " << percent(s.rerr.rerrMean) << ", std " << percent(s.rerr.rerrStd)
        << ", min " << percent(s.rerr.rerrMin) << ", max " << percent(s.rerr.rerrMax) << "\n"
        << "flipped bits     " << s.rerr.berSeen << " of the weight bits read (" << s.rerr.flipsMean
        << " per chip)\n";
    printChipSpread(out, s);
    out << "cycles/inference " << s.cyclesPerInference << " (" << s.latencyUs << " us at " << s.clockMhz
        << " MHz)\n"
        << "energy/inference (pJ)        at V      at V_nom\n";
    const std::pair<const char*, double EnergyBreakdown::*> parts[] = {
        {"mac_pj", &EnergyBreakdown::macPj},
        {"weight_sram_pj", &EnergyBreakdown::weightSramPj},
        {"weight_sram_leakage_pj", &EnergyBreakdown::weightLeakagePj},
        {"activation_sram_pj", &EnergyBreakdown::activationSramPj},
        {"accumulator_sram_pj", &EnergyBreakdown::accumulatorSramPj},
        {"activation_sram_leakage_pj", &EnergyBreakdown::activationLeakagePj},
        {"accumulator_sram_leakage_pj", &EnergyBreakdown::accumulatorLeakagePj},
        {"dram_pj", &EnergyBreakdown::dramPj}};
    const auto line = [&](const char* key, double atV, double atNominal) {
        out << "  " << std::left << std::setw(28) << key << std::right << std::setw(10)
            << std::setprecision(6) << atV << "  " << std::setw(10) << atNominal << "\n";
    };
    for (const auto& [key, member] : parts)
        line(key, s.energy.*member, s.nominal.*member);
    line("total_pj", s.energy.totalPj(), s.nominal.totalPj());
    out << "energy saving    " << percent(s.savings.total) << " total, " << percent(s.savings.weightSram)
        << " weight SRAM\n";
    for (std::size_t i = 0; i < s.rails.size(); ++i) {
        const RailEnergy& rail = s.rails[i];
        const double nominal = s.railsNominal.at(i).totalPj();
        out << "rail " << std::left << std::setw(12) << rail.name << std::right << rail.voltageMv << " mV ("
            << rail.voltageMv / s.vMinMv << " V_min): ";
        for (std::size_t k = 0; k < rail.srams.size(); ++k)
            out << (k ? ", " : "") << rail.srams[k];
        out << "; " << rail.totalPj() << " pJ, saving "
            << percent(nominal == 0 ? 0.0 : 1 - rail.totalPj() / nominal) << "\n";
    }
    out << "wall time        " << std::setprecision(3) << wallSeconds << " s\n";
}

json seedsJson(const RunReportInput& input)
{
    json chips = json::array();
    for (const ChipOutcome& chip : input.outcome->chips)
        chips.push_back(chip.seed);
    return json{{"run", input.config->run.seed}, {"chips", chips}, {"clean", input.outcome->clean.seed}};
}

json statsJson(const RunReportInput& input)
{
    const EnergyPricer pricer(*input.config);
    const SramVoltages v = pricingVoltages(*input.config, pricer);
    json chips = json::array();
    for (std::size_t c = 0; c < input.outcome->chips.size(); ++c)
        chips.push_back(runJson(input, input.outcome->chips[c], static_cast<std::int64_t>(c), v));
    return json{{"format", "voltsim-run-stats"},
                {"version", VOLTSIM_VERSION},
                {"config", *input.resolvedConfig},
                {"seeds", seedsJson(input)},
                {"summary", summaryJson(summarizeRun(input))},
                {"clean", runJson(input, input.outcome->clean, -1, pricer.nominal())},
                {"chips", chips}};
}

void writeRunLayersCsv(std::ostream& out, const RunReportInput& input)
{
    const RunConfig& config = *input.config;
    const EnergyPricer pricer(config);
    const SramVoltages volts = pricingVoltages(config, pricer);
    const LayersCsvContext context{config.accelerator.array, "native", volts.weightMv, volts.activationMv,
                                   volts.accumulatorMv};
    const PointOutcome& outcome = *input.outcome;
    const models::AcceleratorStats& stats = outcome.chips.front().counts;
    std::vector<LayersCsvRow> rows;
    for (std::size_t i = 0; i < stats.layers.size(); ++i) {
        const models::LayerStats& layer = stats.layers[i];
        std::uint64_t flips = 0;
        for (const ChipOutcome& chip : outcome.chips)
            flips += chip.counts.layers[i].weightBitsFlipped;
        const double images = std::max<double>(1.0, static_cast<double>(layer.images));
        const EnergyBreakdown e = pricer.layer(layer, volts);
        LayersCsvRow row;
        row.layer = layer.name;
        row.type = layer.type;
        row.shape = layer.shape;
        row.timing = layer.timing;
        row.cycles = layer.cyclesPerImage;
        row.weightSramReads = static_cast<double>(layer.timing.filterSramReads);
        row.activationSramReads = static_cast<double>(layer.activationReads) / images;
        row.activationSramWrites = static_cast<double>(layer.activationWrites) / images;
        row.accumulatorSramReads = static_cast<double>(layer.accumulatorReads) / images;
        row.accumulatorSramWrites = static_cast<double>(layer.accumulatorWrites) / images;
        row.weightTilesLoaded = static_cast<double>(layer.weightTilesLoaded) / images;
        row.weightBytesLoaded = static_cast<double>(layer.weightBytesLoaded) / images;
        row.weightLoadStallCycles = static_cast<double>(layer.weightLoadStallCycles) / images;
        row.dramBytes = static_cast<double>(layerIoBytes(input.package->network, i)) + *row.weightBytesLoaded;
        row.flipsSeen = flips;
        row.chips = outcome.chips.size();
        row.energy = {e.macPj, e.weightSramPj, e.activationSramPj, e.accumulatorSramPj,
                      pricer.layer(layer, pricer.nominal()).weightSramPj};
        rows.push_back(std::move(row));
    }
    writeLayersCsv(out, context, rows);
}

void writeLogits(std::ostream& out, const RunReportInput& input)
{
    const auto classes = static_cast<std::size_t>(input.package->network.dataset.numClasses);
    out << "run,chip_seed,image,label";
    for (std::size_t c = 0; c < classes; ++c)
        out << ",logit_" << c;
    out << '\n';
    const auto write = [&](const ChipOutcome& run, const std::string& name) {
        for (std::size_t i = 0; i < input.outcome->images; ++i) {
            out << name << ',' << run.seed << ',' << i << ',' << int{input.labels[i]};
            for (std::size_t c = 0; c < classes; ++c)
                out << ',' << run.logits[i * classes + c];
            out << '\n';
        }
    };
    write(input.outcome->clean, "clean");
    for (std::size_t c = 0; c < input.outcome->chips.size(); ++c)
        write(input.outcome->chips[c], "chip" + std::to_string(c));
}

} // namespace voltsim::sim
