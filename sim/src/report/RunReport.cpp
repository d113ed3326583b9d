#include "voltsim/sim/report/RunReport.hpp"

#include "voltsim/sim/stats/EnergyPricer.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>

namespace voltsim::sim {
namespace {

using nlohmann::json;

/// Weight SRAM voltage to price at: the run's, or V_nom when the rate was set directly.
double pricingVoltage(const RunReportInput& input)
{
    const double v = input.result->voltageMv;
    return std::isnan(v) ? input.config->accelerator.weightSram.profile->vNomMv : v;
}

json rerrJson(const RunResult& result, std::size_t images)
{
    std::vector<double> rerr;
    for (const ChipRun& chip : result.chips)
        rerr.push_back(static_cast<double>(chip.robustErrors) / static_cast<double>(images));
    const double mean = std::accumulate(rerr.begin(), rerr.end(), 0.0) / static_cast<double>(rerr.size());
    double squares = 0;
    for (const double r : rerr)
        squares += (r - mean) * (r - mean);
    return json{{"mean", mean},
                {"std", std::sqrt(squares / static_cast<double>(rerr.size()))},
                {"min", *std::min_element(rerr.begin(), rerr.end())},
                {"max", *std::max_element(rerr.begin(), rerr.end())},
                {"per_chip", rerr}};
}

json bufferJson(const models::BufferStats& stats, const models::BufferSpecs& specs)
{
    return json{{"size_bytes", specs.sizeBytes}, {"reads", stats.reads()},   {"writes", stats.writes()},
                {"peak_bytes", stats.peakBytes}, {"reads_per_bank", stats.readsPerBank},
                {"writes_per_bank", stats.writesPerBank}};
}

json acceleratorJson(const RunReportInput& input, const ChipRun& run, double voltageMv)
{
    const EnergyPricer pricer(*input.config);
    const models::AcceleratorStats& s = run.stats;
    const models::AcceleratorSpecs& specs = input.config->accelerator;
    json banks = json::array();
    for (const memory::SramStats& bank : s.weightSramBanks)
        banks.push_back({{"reads", bank.reads},
                         {"writes", bank.writes},
                         {"bytes_read", bank.bytesRead},
                         {"bytes_written", bank.bytesWritten},
                         {"bits_flipped", bank.bitsFlipped}});
    json layers = json::array();
    for (const models::LayerStats& layer : s.layers)
        layers.push_back(layerJson(layer, pricer.layer(layer, voltageMv)));
    return json{
        {"host",
         {{"images", s.host.images},
          {"batches", s.host.batches},
          {"model_load_cycles", s.host.modelLoadCycles},
          {"model_bytes", s.host.modelBytes},
          {"inference_cycles", s.host.inferenceCycles},
          {"input_dma_cycles", s.host.inputDmaCycles},
          {"output_dma_cycles", s.host.outputDmaCycles},
          {"simulated_time_ns", s.host.simulatedTimeNs}}},
        {"dma",
         {{"transactions", s.dma.transactions},
          {"bytes_to_weight_sram", s.dma.bytesToWeightSram},
          {"bytes_from_dram", s.dma.bytesFromDram},
          {"bytes_to_dram", s.dma.bytesToDram}}},
        {"dram",
         {{"reads", s.dram.reads},
          {"writes", s.dram.writes},
          {"bytes_read", s.dram.bytesRead},
          {"bytes_written", s.dram.bytesWritten}}},
        {"weight_sram", {{"banks", banks}, {"faulty_cells", run.faultyCells}, {"configured_ber", run.configuredBer}}},
        {"activation_sram", bufferJson(s.activationSram, specs.activationSram)},
        {"accumulator_sram", bufferJson(s.accumulatorSram, specs.accumulatorSram)},
        {"array", {{"gemms", s.arrayGemms}}},
        {"controller", {{"layers", layers}}},
        {"energy_per_inference", energyJson(pricer.perInference(s, voltageMv))}};
}

json runJson(const RunReportInput& input, const ChipRun& run, double voltageMv)
{
    return json{{"chip", run.chip},
                {"chip_seed", run.seed},
                {"errors", run.errors},
                {"robust_errors", run.robustErrors},
                {"ber_seen", run.berSeen()},
                {"bits_flipped", run.bitsFlipped()},
                {"accelerator", acceleratorJson(input, run, voltageMv)}};
}

/// DRAM bytes per inference attributed to layer `index`: the input image to the first layer, the
/// logits to the last (weights stay in weight SRAM after the model load).
std::uint64_t layerDramBytes(const RunReportInput& input, std::size_t index)
{
    const workloads::Network& network = input.package->network;
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

} // namespace

json energyJson(const EnergyBreakdown& energy)
{
    return json{{"mac_pj", energy.macPj},
                {"weight_sram_pj", energy.weightSramPj},
                {"weight_sram_leakage_pj", energy.weightLeakagePj},
                {"activation_sram_pj", energy.activationSramPj},
                {"accumulator_sram_pj", energy.accumulatorSramPj},
                {"dram_pj", energy.dramPj},
                {"total_pj", energy.totalPj()}};
}

json layerJson(const models::LayerStats& layer, const EnergyBreakdown& energy)
{
    return json{{"name", layer.name},
                {"type", layer.type},
                {"gemm", {{"m", layer.shape.m}, {"k", layer.shape.k}, {"n", layer.shape.n}}},
                {"images", layer.images},
                {"cycles_per_image", layer.cyclesPerImage},
                {"stall_cycles_per_image", layer.timing.stallCycles},
                {"folds", layer.timing.folds},
                {"macs_per_image", layer.timing.macs},
                {"overall_util", layer.timing.overallUtil},
                {"mapping_efficiency", layer.timing.mappingEfficiency},
                {"compute_util", layer.timing.computeUtil},
                {"weight_sram_reads_per_image", layer.timing.filterSramReads},
                {"weight_bits_read", layer.weightBitsRead},
                {"weight_bits_flipped", layer.weightBitsFlipped},
                {"weight_batch_reads", layer.weightBatchReads},
                {"activation_reads", layer.activationReads},
                {"activation_writes", layer.activationWrites},
                {"accumulator_reads", layer.accumulatorReads},
                {"accumulator_writes", layer.accumulatorWrites},
                {"ppu_outputs", layer.ppuOutputs},
                {"energy_per_image", energyJson(energy)}};
}

json summaryJson(const RunReportInput& input)
{
    const RunConfig& config = *input.config;
    const RunResult& result = *input.result;
    const memory::SramProfile& profile = *config.accelerator.weightSram.profile;
    const std::size_t images = result.clean.predicted.size();
    const EnergyPricer pricer(config);
    const double v = pricingVoltage(input);
    EnergyBreakdown energy, nominal;
    double berSeen = 0, flips = 0, configured = 0;
    for (const ChipRun& chip : result.chips) {
        energy += pricer.perInference(chip.stats, v);
        nominal += pricer.perInference(chip.stats, profile.vNomMv);
        berSeen += chip.berSeen();
        flips += static_cast<double>(chip.bitsFlipped());
        configured += chip.configuredBer;
    }
    const double chips = static_cast<double>(result.chips.size());
    const auto scale = [&](EnergyBreakdown e) {
        for (double* part : {&e.macPj, &e.weightSramPj, &e.weightLeakagePj, &e.activationSramPj, &e.accumulatorSramPj, &e.dramPj})
            *part /= chips;
        return e;
    };
    energy = scale(energy);
    nominal = scale(nominal);
    const EnergySavings savings = energySavings(energy, nominal);
    json voltage = std::isnan(result.voltageMv) ? json(nullptr) : json(result.voltageMv);
    json voltageRel = std::isnan(result.voltageMv) ? json(nullptr) : json(result.voltageMv / profile.vMinMv);
    return json{
        {"model", input.package->name},
        {"method", input.package->method},
        {"profile", profile.name},
        {"mode", models::toString(config.accelerator.mode)},
        {"voltage_mv", voltage},
        {"voltage_rel", voltageRel},
        {"ber", configured / chips},
        {"chips", result.chips.size()},
        {"images", images},
        {"seed", config.run.seed},
        {"clean_error", static_cast<double>(result.clean.errors) / static_cast<double>(images)},
        {"rerr", rerrJson(result, images)},
        {"ber_seen", berSeen / chips},
        {"bits_flipped_per_chip", flips / chips},
        {"cycles_per_inference", cyclesPerInference(result.clean.stats)},
        {"latency_us", latencyUsPerInference(result.clean.stats, config.accelerator.clockMhz)},
        {"clock_mhz", config.accelerator.clockMhz},
        {"energy_per_inference", energyJson(energy)},
        {"energy_per_inference_nominal", energyJson(nominal)},
        {"energy_saving", savings.total},
        {"weight_sram_energy_saving", savings.weightSram}};
}

void printSummary(std::ostream& out, const json& s, double wallSeconds)
{
    const json& e = s["energy_per_inference"];
    const json& n = s["energy_per_inference_nominal"];
    const json& rerr = s["rerr"];
    out << "model            " << s["model"].get<std::string>() << " (" << s["method"].get<std::string>() << ")\n"
        << "weight SRAM      " << s["profile"].get<std::string>() << ", ";
    if (s["voltage_mv"].is_null())
        out << "bit error rate set directly";
    else
        out << s["voltage_mv"].get<double>() << " mV (V/V_min " << s["voltage_rel"].get<double>() << ")";
    out << ", p = " << s["ber"].get<double>() << "\n"
        << "run              " << s["images"] << " images x " << s["chips"] << " chips, seed " << s["seed"]
        << ", mode " << s["mode"].get<std::string>() << "\n"
        << "clean error      " << percent(s["clean_error"]) << "\n"
        << "RErr             mean " << percent(rerr["mean"]) << ", std " << percent(rerr["std"]) << ", min "
        << percent(rerr["min"]) << ", max " << percent(rerr["max"]) << "\n"
        << "bit errors seen  " << s["ber_seen"].get<double>() << " (" << s["bits_flipped_per_chip"].get<double>()
        << " flipped weight bits per chip)\n"
        << "cycles/inference " << s["cycles_per_inference"].get<double>() << " (" << s["latency_us"].get<double>()
        << " us at " << s["clock_mhz"].get<double>() << " MHz)\n"
        << "energy/inference (pJ)    at V      at V_nom\n";
    for (const char* key : {"mac_pj", "weight_sram_pj", "weight_sram_leakage_pj", "activation_sram_pj",
                            "accumulator_sram_pj", "dram_pj", "total_pj"})
        out << "  " << std::left << std::setw(24) << key << std::right << std::setw(10) << std::setprecision(6)
            << e[key].get<double>() << "  " << std::setw(10) << n[key].get<double>() << "\n";
    out << "energy saving    " << percent(s["energy_saving"]) << " total, " << percent(s["weight_sram_energy_saving"])
        << " weight SRAM\n"
        << "wall time        " << std::setprecision(3) << wallSeconds << " s\n";
}

json statsJson(const RunReportInput& input)
{
    const double v = pricingVoltage(input);
    json chips = json::array();
    json seeds = json::array();
    for (const ChipRun& chip : input.result->chips) {
        chips.push_back(runJson(input, chip, v));
        seeds.push_back(chip.seed);
    }
    return json{{"format", "voltsim-run-stats"},
                {"version", VOLTSIM_VERSION},
                {"config", *input.resolvedConfig},
                {"seeds", {{"run", input.config->run.seed}, {"chips", seeds}, {"clean", input.result->clean.seed}}},
                {"summary", summaryJson(input)},
                {"clean", runJson(input, input.result->clean, input.config->accelerator.weightSram.profile->vNomMv)},
                {"chips", chips}};
}

void writeLayersCsv(std::ostream& out, const RunReportInput& input)
{
    const EnergyPricer pricer(*input.config);
    const double v = pricingVoltage(input);
    const RunResult& result = *input.result;
    out << "layer,type,m,k,n,cycles,stall_cycles,overall_util,mapping_efficiency,compute_util,macs,"
           "weight_sram_reads,activation_sram_reads,activation_sram_writes,accumulator_sram_reads,"
           "accumulator_sram_writes,dram_bytes,flips_seen,chips,mac_pj,weight_sram_pj,activation_sram_pj,"
           "accumulator_sram_pj,total_pj\n";
    const models::AcceleratorStats& stats = result.chips.front().stats;
    for (std::size_t i = 0; i < stats.layers.size(); ++i) {
        const models::LayerStats& layer = stats.layers[i];
        std::uint64_t flips = 0;
        for (const ChipRun& chip : result.chips)
            flips += chip.stats.layers[i].weightBitsFlipped;
        const double images = std::max<double>(1.0, static_cast<double>(layer.images));
        const EnergyBreakdown e = pricer.layer(layer, v);
        out << layer.name << ',' << layer.type << ',' << layer.shape.m << ',' << layer.shape.k << ',' << layer.shape.n
            << ',' << layer.cyclesPerImage << ',' << layer.timing.stallCycles << ',' << layer.timing.overallUtil << ','
            << layer.timing.mappingEfficiency << ',' << layer.timing.computeUtil << ',' << layer.timing.macs << ','
            << layer.timing.filterSramReads << ',' << static_cast<double>(layer.activationReads) / images << ','
            << static_cast<double>(layer.activationWrites) / images << ','
            << static_cast<double>(layer.accumulatorReads) / images << ','
            << static_cast<double>(layer.accumulatorWrites) / images << ',' << layerDramBytes(input, i) << ',' << flips << ','
            << result.chips.size() << ',' << e.macPj << ',' << e.weightSramPj << ',' << e.activationSramPj << ','
            << e.accumulatorSramPj << ',' << e.totalPj() << '\n';
    }
}

void writeLogits(std::ostream& out, const RunReportInput& input)
{
    const auto classes = static_cast<std::size_t>(input.package->network.dataset.numClasses);
    out << "run,chip_seed,image,label";
    for (std::size_t c = 0; c < classes; ++c)
        out << ",logit_" << c;
    out << '\n';
    const auto write = [&](const ChipRun& run, const std::string& name) {
        for (std::size_t i = 0; i < run.predicted.size(); ++i) {
            out << name << ',' << run.seed << ',' << i << ',' << int{input.labels[i]};
            for (std::size_t c = 0; c < classes; ++c)
                out << ',' << run.logits[i * classes + c];
            out << '\n';
        }
    };
    write(input.result->clean, "clean");
    for (const ChipRun& chip : input.result->chips)
        write(chip, "chip" + std::to_string(chip.chip));
}

} // namespace voltsim::sim
