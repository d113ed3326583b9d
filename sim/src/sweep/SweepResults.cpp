#include "voltsim/sim/sweep/SweepResults.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/sim/report/RunReport.hpp"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>

namespace voltsim::sim {

const char* const kSweepCsvHeader = "model,voltage_mv,voltage_rel,ber,flips,err,rerr_mean,rerr_std,rerr_min,rerr_max,"
                                    "chips,images,energy_pj,sram_energy_pj,energy_saving,sram_energy_saving,cycles,"
                                    "latency_us";

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

nlohmann::json jsonNumber(double value) { return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value); }

std::string percent(double fraction, int decimals)
{
    if (std::isnan(fraction))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, 100.0 * fraction);
    return text;
}

/// Clean error of model `model` from any of its records, or NaN.
double cleanError(const RecordSet& records, const SweepPlan& plan, std::size_t model)
{
    for (std::size_t p = 0; p < plan.points().size(); ++p) {
        const auto found = records.find(plan.globalIndex(model, p));
        if (found != records.end() && found->second.outcome.images > 0)
            return static_cast<double>(found->second.outcome.cleanErrors) / static_cast<double>(found->second.outcome.images);
    }
    return kNaN;
}

/// Point indices from the safest operating point to the harshest: voltage descending, rate ascending.
std::vector<std::size_t> safestFirst(const SweepPlan& plan)
{
    std::vector<std::size_t> order(plan.points().size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const memory::OperatingPoint& pa = plan.points()[a].op;
        const memory::OperatingPoint& pb = plan.points()[b].op;
        const memory::SramProfile& profile = *plan.profile();
        return plan.byRate() ? pa.ber() < pb.ber() : pa.voltageMv(profile) > pb.voltageMv(profile);
    });
    return order;
}

nlohmann::json modelSummary(const SweepPlan& plan, const RecordSet& records, std::size_t model)
{
    const SweepConfig& config = plan.config();
    const std::size_t referenceModel = config.reference.empty() ? model : plan.modelIndex(config.reference, "reference");
    const double referenceErr = cleanError(records, plan, referenceModel);
    const double limit = referenceErr + config.maxLossPp / 100.0;
    nlohmann::json summary{{"model", plan.models()[model].name},
                           {"reference", plan.models()[referenceModel].name},
                           {"reference_err", jsonNumber(referenceErr)},
                           {"max_loss_pp", config.maxLossPp},
                           {"rerr_limit", jsonNumber(limit)},
                           {"found", false}};
    const PointRecord* best = nullptr;
    for (const std::size_t point : safestFirst(plan)) {
        const auto found = records.find(plan.globalIndex(model, point));
        if (found == records.end() || std::isnan(limit) || summarizeChips(found->second.outcome).rerrMean > limit + 1e-12)
            break;
        best = &found->second;
    }
    if (best == nullptr)
        return summary;
    const SweepRow row = makeRow(plan, *best);
    summary["found"] = true;
    summary["voltage_mv"] = jsonNumber(row.voltageMv);
    summary["voltage_rel"] = jsonNumber(row.voltageRel);
    summary["ber"] = row.ber;
    summary["rerr_mean"] = row.stats.rerrMean;
    summary["energy_saving"] = jsonNumber(row.energySaving);
    summary["sram_energy_saving"] = jsonNumber(row.sramEnergySaving);
    return summary;
}

nlohmann::json pointStats(const SweepPlan& plan, const PointRecord& record)
{
    const SweepRow row = makeRow(plan, record);
    nlohmann::json chips = nlohmann::json::array();
    for (std::size_t i = 0; i < record.outcome.chips.size(); ++i) {
        const ChipOutcome& chip = record.outcome.chips[i];
        chips.push_back({{"chip", i},
                         {"seed", chip.seed},
                         {"flips", chip.flips},
                         {"faulty_cells", chip.faultyCells},
                         {"errors", chip.errors},
                         {"rerr", static_cast<double>(chip.errors) / static_cast<double>(record.outcome.images)}});
    }
    return {{"point", record.point},
            {"voltage_mv", jsonNumber(row.voltageMv)},
            {"voltage_rel", jsonNumber(row.voltageRel)},
            {"ber", row.ber},
            {"ber_seen", row.stats.berSeen},
            {"flips_mean", row.flips},
            {"err", row.stats.err},
            {"rerr_mean", row.stats.rerrMean},
            {"rerr_std", row.stats.rerrStd},
            {"rerr_min", row.stats.rerrMin},
            {"rerr_max", row.stats.rerrMax},
            {"images", row.images},
            {"clean_errors", record.outcome.cleanErrors},
            {"energy_pj", jsonNumber(row.energyPj)},
            {"sram_energy_pj", jsonNumber(row.sramEnergyPj)},
            {"energy_saving", jsonNumber(row.energySaving)},
            {"sram_energy_saving", jsonNumber(row.sramEnergySaving)},
            {"cycles", row.cycles},
            {"latency_us", row.latencyUs},
            {"chips", chips}};
}

/// The per-inference counts of `model` and their cost at V_nom, in the layout of run's stats.json.
nlohmann::json inferenceStats(const SweepPlan& plan, const SweepModel& model)
{
    const EnergyPricer& pricer = plan.pricer();
    const double vNom = pricer.nominalVoltageMv();
    const models::AcceleratorStats& counts = plan.counts(model);
    nlohmann::json layers = nlohmann::json::array();
    for (const models::LayerStats& layer : counts.layers)
        layers.push_back(layerJson(layer, pricer.layer(layer, vNom)));
    return {{"counted_images", counts.host.images},
            {"cycles", cyclesPerInference(counts)},
            {"latency_us", latencyUsPerInference(counts, plan.config().specs().clockMhz)},
            {"energy_per_inference_nominal", energyJson(pricer.perInference(counts, vNom))},
            {"layers", layers}};
}

/// Cycles, latency, energy and savings of one inference of the row's model at the row's point,
/// priced exactly as `voltsim run` prices them (none on a rate axis: no voltage to price at).
void priceRow(const SweepPlan& plan, const SweepModel& model, const SweepPoint& point, SweepRow& row)
{
    const models::AcceleratorStats& counts = plan.counts(model);
    row.cycles = cyclesPerInference(counts);
    row.latencyUs = latencyUsPerInference(counts, plan.config().specs().clockMhz);
    if (point.op.byRate()) {
        row.energyPj = row.sramEnergyPj = row.energySaving = row.sramEnergySaving = kNaN;
        return;
    }
    const EnergyBreakdown nominal = plan.pricer().perInference(counts, plan.pricer().nominalVoltageMv());
    const EnergyBreakdown energy = plan.pricer().perInference(counts, point.op.voltageMv(*plan.profile()));
    const EnergySavings savings = energySavings(energy, nominal);
    row.energyPj = energy.totalPj();
    row.sramEnergyPj = energy.weightSramTotalPj();
    row.energySaving = savings.total;
    row.sramEnergySaving = savings.weightSram;
}

} // namespace

std::string formatValue(double value)
{
    if (std::isnan(value))
        return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

SweepRow makeRow(const SweepPlan& plan, const PointRecord& record)
{
    const SweepModel& model = plan.models().at(record.model);
    const SweepPoint& point = plan.points().at(record.point);
    SweepRow row;
    row.model = model.name;
    row.voltageMv = point.op.voltageMv(*plan.profile());
    row.voltageRel = point.voltageRel;
    row.ber = record.outcome.ber;
    row.stats = summarizeChips(record.outcome);
    row.flips = row.stats.flipsMean;
    row.chips = record.outcome.chips.size();
    row.images = record.outcome.images;
    priceRow(plan, model, point, row);
    return row;
}

void writeSweepCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records)
{
    out << kSweepCsvHeader << "\n";
    for (const auto& [index, record] : records) {
        const SweepRow r = makeRow(plan, record);
        out << r.model << ',' << formatValue(r.voltageMv) << ',' << formatValue(r.voltageRel) << ','
            << formatValue(r.ber) << ',' << formatValue(r.flips) << ',' << formatValue(r.stats.err) << ','
            << formatValue(r.stats.rerrMean) << ',' << formatValue(r.stats.rerrStd) << ','
            << formatValue(r.stats.rerrMin) << ',' << formatValue(r.stats.rerrMax) << ',' << r.chips << ','
            << r.images << ',' << formatValue(r.energyPj) << ',' << formatValue(r.sramEnergyPj) << ','
            << formatValue(r.energySaving) << ',' << formatValue(r.sramEnergySaving) << ',' << formatValue(r.cycles)
            << ',' << formatValue(r.latencyUs) << "\n";
    }
}

void writeChipsCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records)
{
    out << "model,voltage_mv,ber,chip,seed,flips,faulty_cells,errors,rerr\n";
    for (const auto& [index, record] : records) {
        const SweepPoint& point = plan.points().at(record.point);
        for (std::size_t i = 0; i < record.outcome.chips.size(); ++i) {
            const ChipOutcome& chip = record.outcome.chips[i];
            out << plan.models().at(record.model).name << ',' << formatValue(point.op.voltageMv(*plan.profile())) << ','
                << formatValue(record.outcome.ber) << ',' << i << ',' << chip.seed << ',' << chip.flips << ','
                << chip.faultyCells << ',' << chip.errors << ','
                << formatValue(static_cast<double>(chip.errors) / static_cast<double>(record.outcome.images)) << "\n";
        }
    }
}

nlohmann::json sweepSummaryJson(const SweepPlan& plan, const RecordSet& records)
{
    nlohmann::json models = nlohmann::json::array();
    for (std::size_t m = 0; m < plan.models().size(); ++m)
        models.push_back(modelSummary(plan, records, m));
    return {{"format", "voltsim-sweep-summary"},
            {"version", 1},
            {"axis", axisKey(plan.config().axis)},
            {"rule", "lowest operating point down to which every swept point (from the safest) keeps rerr_mean <= "
                     "reference_err + max_loss_pp / 100"},
            {"models", models}};
}

nlohmann::json sweepStatsJson(const SweepPlan& plan, const RecordSet& records)
{
    const memory::SramProfile& profile = *plan.profile();
    nlohmann::json models = nlohmann::json::array();
    for (std::size_t m = 0; m < plan.models().size(); ++m) {
        const SweepModel& model = plan.models()[m];
        nlohmann::json points = nlohmann::json::array();
        for (std::size_t p = 0; p < plan.points().size(); ++p) {
            const auto found = records.find(plan.globalIndex(m, p));
            if (found != records.end())
                points.push_back(pointStats(plan, found->second));
        }
        models.push_back({{"name", model.name},
                          {"dir", model.dir},
                          {"method", model.package->method},
                          {"parameters", model.package->network.parameterCount()},
                          {"macs_per_image", model.package->network.macsPerImage()},
                          {"inference", inferenceStats(plan, model)},
                          {"points", points}});
    }
    return {{"format", "voltsim-sweep-stats"},
            {"version", 1},
            {"voltsim_version", VOLTSIM_VERSION},
            {"config", plan.config().resolved},
            {"seeds", {{"run_seed", plan.config().seed},
                       {"rule", "chip i: splitmix64(splitmix64(run_seed) + i)"},
                       {"chips", plan.seeds()}}},
            {"profile", {{"name", profile.name}, {"file", profile.file}, {"v_nom_mv", profile.vNomMv}, {"v_min_mv", profile.vMinMv}}},
            {"points_total", plan.size()},
            {"points_done", records.size()},
            {"complete", records.size() == plan.size()},
            {"sweep", {{"models", models}}}};
}

nlohmann::json recordToJson(const SweepPlan& plan, const PointRecord& record)
{
    nlohmann::json chips = nlohmann::json::array();
    for (const auto& chip : record.outcome.chips)
        chips.push_back({chip.seed, chip.flips, chip.faultyCells, chip.errors});
    return {{"model", plan.models().at(record.model).name},
            {"point", record.point},
            {"images", record.outcome.images},
            {"clean_errors", record.outcome.cleanErrors},
            {"stored_bits", record.outcome.storedBits},
            {"ber", record.outcome.ber},
            {"chips", chips}};
}

PointRecord recordFromJson(const SweepPlan& plan, const nlohmann::json& json, const std::string& where)
{
    try {
        PointRecord record;
        record.model = plan.modelIndex(json.at("model").get<std::string>(), where);
        record.point = json.at("point").get<std::size_t>();
        if (record.point >= plan.points().size())
            throw InputError(where + ": point " + std::to_string(record.point) + " is not on the sweep's axis");
        record.outcome.images = json.at("images").get<std::uint64_t>();
        record.outcome.cleanErrors = json.at("clean_errors").get<std::uint64_t>();
        record.outcome.storedBits = json.at("stored_bits").get<std::uint64_t>();
        record.outcome.ber = json.at("ber").get<double>();
        for (const auto& chip : json.at("chips"))
            record.outcome.chips.push_back({chip.at(0).get<std::uint64_t>(), chip.at(1).get<std::uint64_t>(),
                                            chip.at(2).get<std::uint64_t>(), chip.at(3).get<std::uint64_t>()});
        if (record.outcome.chips.size() != plan.seeds().size())
            throw InputError(where + ": " + std::to_string(record.outcome.chips.size()) + " chips, the config has "
                             + std::to_string(plan.seeds().size()));
        return record;
    } catch (const nlohmann::json::exception& error) {
        throw InputError(where + ": malformed point record: " + error.what());
    }
}

void printSweepTable(std::ostream& out, const SweepPlan& plan, const RecordSet& records)
{
    out << std::left << std::setw(16) << "model" << std::right << std::setw(7) << "V/Vmin" << std::setw(8) << "mV"
        << std::setw(10) << "ber" << std::setw(9) << "flips" << std::setw(7) << "Err%" << std::setw(8) << "RErr%"
        << std::setw(6) << "+-" << std::setw(7) << "min" << std::setw(7) << "max" << std::setw(10) << "nJ/inf"
        << std::setw(8) << "save%" << std::setw(8) << "SRAM%" << std::setw(9) << "cycles" << std::setw(9) << "lat_us"
        << "\n";
    for (const auto& [index, record] : records) {
        const SweepRow r = makeRow(plan, record);
        char ber[16];
        std::snprintf(ber, sizeof ber, "%.2e", r.ber);
        char flips[16];
        std::snprintf(flips, sizeof flips, "%.1f", r.flips);
        out << std::left << std::setw(16) << r.model << std::right << std::setw(7)
            << (std::isnan(r.voltageRel) ? "-" : formatValue(std::round(r.voltageRel * 1000) / 1000)) << std::setw(8)
            << (std::isnan(r.voltageMv) ? "-" : formatValue(std::round(r.voltageMv * 10) / 10)) << std::setw(10) << ber
            << std::setw(9) << flips << std::setw(7) << percent(r.stats.err, 2) << std::setw(8)
            << percent(r.stats.rerrMean, 2) << std::setw(6) << percent(r.stats.rerrStd, 2) << std::setw(7)
            << percent(r.stats.rerrMin, 2) << std::setw(7) << percent(r.stats.rerrMax, 2) << std::setw(10)
            << (std::isnan(r.energyPj) ? "-" : formatValue(std::round(r.energyPj) / 1000)) << std::setw(8)
            << percent(r.energySaving, 1) << std::setw(8) << percent(r.sramEnergySaving, 1) << std::setw(9)
            << formatValue(r.cycles)
            << std::setw(9) << formatValue(std::round(r.latencyUs * 100) / 100) << "\n";
    }
}

void printSweepSummary(std::ostream& out, const nlohmann::json& summary, bool byRate)
{
    for (const auto& model : summary.at("models")) {
        out << std::left << std::setw(16) << model.at("model").get<std::string>() << std::right;
        if (!model.at("found").get<bool>()) {
            out << " no swept point keeps RErr within " << model.at("max_loss_pp").get<double>() << " pp of "
                << model.at("reference").get<std::string>() << "'s clean error\n";
            continue;
        }
        const double limit = model.at("rerr_limit").get<double>();
        if (byRate)
            out << " highest p " << formatValue(model.at("ber").get<double>());
        else
            out << " lowest V " << formatValue(model.at("voltage_mv").get<double>()) << " mV (V/Vmin "
                << formatValue(model.at("voltage_rel").get<double>()) << "), saving "
                << percent(model.at("energy_saving").get<double>(), 1) << " % total, "
                << percent(model.at("sram_energy_saving").get<double>(), 1) << " % weight SRAM";
        out << "; RErr " << percent(model.at("rerr_mean").get<double>(), 2) << " % <= " << percent(limit, 2)
            << " % (" << model.at("reference").get<std::string>() << " clean "
            << percent(model.at("reference_err").get<double>(), 2) << " % + " << model.at("max_loss_pp").get<double>()
            << " pp)\n";
    }
}

} // namespace voltsim::sim
