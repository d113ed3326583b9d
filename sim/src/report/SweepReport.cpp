#include "voltsim/sim/report/SweepReport.hpp"

#include "voltsim/sim/report/RunReport.hpp"

#include "voltsim/memory/Variation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>

namespace voltsim::sim {

const char* const kSweepCsvHeader =
    "model,voltage_mv,voltage_rel,ber,flips,err,rerr_mean,rerr_std,rerr_min,rerr_max,"
    "chips,images,energy_pj,sram_energy_pj,energy_saving,sram_energy_saving,cycles,"
    "latency_us,protection,yield";

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

nlohmann::json jsonNumber(double value)
{
    return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value);
}

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
            return static_cast<double>(found->second.outcome.cleanErrors) /
                   static_cast<double>(found->second.outcome.images);
    }
    return kNaN;
}

/// The model whose clean error is `model`'s reference: the config's reference, else itself.
std::size_t referenceOf(const SweepPlan& plan, std::size_t model)
{
    return plan.config().reference ? plan.modelIndex(*plan.config().reference, "reference") : model;
}

/// The RErr a point of `model` may reach: its reference's clean error + max_loss_pp (NaN until known).
double rerrLimitOf(const SweepPlan& plan, const RecordSet& records, std::size_t model)
{
    return cleanError(records, plan, referenceOf(plan, model)) + plan.config().maxLossPp / 100.0;
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

/// The walk of docs/sweep.md ("What is computed") from the safest point down, stopping at the first
/// point over the limit or not run.
SweepAnswer modelAnswer(const SweepPlan& plan, const RecordSet& records, std::size_t model)
{
    const SweepConfig& config = plan.config();
    const std::size_t referenceModel = referenceOf(plan, model);
    SweepAnswer answer;
    answer.model = plan.models()[model].label;
    answer.protection = plan.models()[model].protection;
    answer.reference = plan.models()[referenceModel].name;
    answer.referenceErr = cleanError(records, plan, referenceModel);
    answer.maxLossPp = config.maxLossPp;
    answer.rerrLimit = rerrLimitOf(plan, records, model);
    answer.pointsTotal = plan.points().size();
    for (std::size_t p = 0; p < plan.points().size(); ++p)
        answer.pointsDone += records.count(plan.globalIndex(model, p));
    if (std::isnan(answer.rerrLimit))
        return answer; // NotRun: no clean error of the reference yet
    const PointRecord* best = nullptr;
    answer.status = AnswerStatus::Found;
    for (const std::size_t point : safestFirst(plan)) {
        const auto found = records.find(plan.globalIndex(model, point));
        if (found == records.end()) {
            answer.status = best == nullptr ? AnswerStatus::NotRun : AnswerStatus::Incomplete;
            answer.unrun = plan.points()[point];
            break;
        }
        if (summarize(found->second.outcome).rerrMean > answer.rerrLimit + 1e-12) {
            if (best == nullptr)
                answer.status = AnswerStatus::None;
            break;
        }
        best = &found->second;
    }
    if (best != nullptr)
        answer.point = makeRow(plan, records, *best);
    return answer;
}

nlohmann::json answerJson(const SweepAnswer& answer)
{
    nlohmann::json json{{"model", answer.model},
                        {"protection", answer.protection},
                        {"reference", answer.reference},
                        {"reference_err", jsonNumber(answer.referenceErr)},
                        {"max_loss_pp", answer.maxLossPp},
                        {"rerr_limit", jsonNumber(answer.rerrLimit)},
                        {"status", answerStatusName(answer.status)},
                        {"points_done", answer.pointsDone},
                        {"points_total", answer.pointsTotal},
                        {"found", answer.status == AnswerStatus::Found}};
    if (!answer.point)
        return json;
    const SweepRow& row = *answer.point;
    json["voltage_mv"] = jsonNumber(row.voltageMv);
    json["voltage_rel"] = jsonNumber(row.voltageRel);
    json["faulty_cell_rate"] = row.ber;
    json["rerr_mean"] = row.stats.rerrMean;
    json["energy_saving"] = jsonNumber(row.energySaving);
    json["sram_energy_saving"] = jsonNumber(row.sramEnergySaving);
    return json;
}

nlohmann::json pointStats(const SweepPlan& plan, const RecordSet& records, const PointRecord& record)
{
    const SweepRow row = makeRow(plan, records, record);
    nlohmann::json chips = nlohmann::json::array();
    for (std::size_t i = 0; i < record.outcome.chips.size(); ++i) {
        const ChipOutcome& chip = record.outcome.chips[i];
        chips.push_back(
            {{"chip", i},
             {"seed", chip.seed},
             {"flips", chip.flips},
             {"faulty_cells", chip.faultyCells},
             {"chip_offset_mv",
              memory::chipOffsetAtMv(*plan.profile(), plan.points().at(record.point).op, chip.seed)},
             {"errors", chip.robustErrors},
             {"rerr", chipRErr(chip, record.outcome.images)}});
    }
    return {{"point", record.point},
            {"voltage_mv", jsonNumber(row.voltageMv)},
            {"voltage_rel", jsonNumber(row.voltageRel)},
            {"faulty_cell_rate", row.ber},
            {"flipped_bit_rate", row.stats.berSeen},
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
            {"yield", jsonNumber(row.yield)},
            {"energy_per_inference", row.energy ? energyJson(*row.energy) : nlohmann::json(nullptr)},
            {"rails", row.energy ? railsJson(row.rails, row.railsNominal, plan.profile()->vMinMv)
                                 : nlohmann::json(nullptr)},
            {"chips", chips}};
}

/// The per-inference counts of `model` and their cost at V_nom, in the layout of run's stats.json.
nlohmann::json inferenceStats(const SweepPlan& plan, const SweepModel& model)
{
    const EnergyPricer& pricer = *model.pricer;
    const models::AcceleratorStats& counts = plan.counts(model);
    nlohmann::json layers = nlohmann::json::array();
    for (const models::LayerStats& layer : counts.layers)
        layers.push_back(layerJson(layer, pricer.layer(layer, pricer.nominal())));
    return {{"counted_images", counts.host.images},
            {"cycles", cyclesPerInference(counts)},
            {"latency_us", latencyUsPerInference(counts, plan.config().specs().clockMhz)},
            {"energy_per_inference_nominal", energyJson(pricer.perInference(counts, pricer.nominal()))},
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
    const EnergyPricer& pricer = *model.pricer;
    const SramVoltages volts = pricer.voltages(point.op.voltageMv(*plan.profile()));
    const EnergyBreakdown nominal = pricer.perInference(counts, pricer.nominal());
    const EnergyBreakdown energy = pricer.perInference(counts, volts);
    const EnergySavings savings = energySavings(energy, nominal);
    row.energy = energy;
    row.rails = pricer.byRail(energy, volts);
    row.railsNominal = pricer.byRail(nominal, pricer.nominal());
    row.energyPj = energy.totalPj();
    row.sramEnergyPj = energy.weightSramTotalPj();
    row.energySaving = savings.total;
    row.sramEnergySaving = savings.weightSram;
}

} // namespace

const char* answerStatusName(AnswerStatus status)
{
    switch (status) {
    case AnswerStatus::Found:
        return "found";
    case AnswerStatus::None:
        return "none";
    case AnswerStatus::NotRun:
        return "not_run";
    case AnswerStatus::Incomplete:
        return "incomplete";
    }
    return "";
}

std::string formatValue(double value)
{
    if (std::isnan(value))
        return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

SweepRow makeRow(const SweepPlan& plan, const RecordSet& records, const PointRecord& record)
{
    const SweepModel& model = plan.models().at(record.model);
    const SweepPoint& point = plan.points().at(record.point);
    SweepRow row;
    row.model = model.name;
    row.protection = model.protection;
    row.voltageMv = point.op.voltageMv(*plan.profile());
    row.voltageRel = point.voltageRel;
    row.ber = record.outcome.ber;
    row.stats = summarize(record.outcome);
    row.flips = row.stats.flipsMean;
    row.chips = record.outcome.chips.size();
    row.images = record.outcome.images;
    const double limit = rerrLimitOf(plan, records, record.model);
    std::size_t meeting = 0;
    for (const ChipOutcome& chip : record.outcome.chips)
        meeting += chipRErr(chip, record.outcome.images) <= limit + 1e-12;
    row.yield = std::isnan(limit) || row.chips == 0
                    ? kNaN
                    : static_cast<double>(meeting) / static_cast<double>(row.chips);
    priceRow(plan, model, point, row);
    return row;
}

void writeSweepCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records)
{
    out << kSweepCsvHeader << "\n";
    for (const auto& [index, record] : records) {
        const SweepRow r = makeRow(plan, records, record);
        out << r.model << ',' << formatValue(r.voltageMv) << ',' << formatValue(r.voltageRel) << ','
            << formatValue(r.ber) << ',' << formatValue(r.flips) << ',' << formatValue(r.stats.err) << ','
            << formatValue(r.stats.rerrMean) << ',' << formatValue(r.stats.rerrStd) << ','
            << formatValue(r.stats.rerrMin) << ',' << formatValue(r.stats.rerrMax) << ',' << r.chips << ','
            << r.images << ',' << formatValue(r.energyPj) << ',' << formatValue(r.sramEnergyPj) << ','
            << formatValue(r.energySaving) << ',' << formatValue(r.sramEnergySaving) << ','
            << formatValue(r.cycles) << ',' << formatValue(r.latencyUs) << ',' << r.protection << ','
            << formatValue(r.yield) << "\n";
    }
}

void writeChipsCsv(std::ostream& out, const SweepPlan& plan, const RecordSet& records)
{
    out << "model,voltage_mv,ber,chip,seed,flips,faulty_cells,errors,rerr,protection,chip_offset_mv\n";
    for (const auto& [index, record] : records) {
        const SweepPoint& point = plan.points().at(record.point);
        for (std::size_t i = 0; i < record.outcome.chips.size(); ++i) {
            const ChipOutcome& chip = record.outcome.chips[i];
            out << plan.models().at(record.model).name << ','
                << formatValue(point.op.voltageMv(*plan.profile())) << ',' << formatValue(record.outcome.ber)
                << ',' << i << ',' << chip.seed << ',' << chip.flips << ',' << chip.faultyCells << ','
                << chip.robustErrors << ',' << formatValue(chipRErr(chip, record.outcome.images)) << ','
                << plan.models().at(record.model).protection << ','
                << formatValue(memory::chipOffsetAtMv(*plan.profile(), point.op, chip.seed)) << "\n";
        }
    }
}

std::vector<SweepAnswer> sweepAnswers(const SweepPlan& plan, const RecordSet& records)
{
    std::vector<SweepAnswer> answers;
    for (std::size_t m = 0; m < plan.models().size(); ++m)
        answers.push_back(modelAnswer(plan, records, m));
    return answers;
}

nlohmann::json sweepSummaryJson(const SweepPlan& plan, const std::vector<SweepAnswer>& answers)
{
    nlohmann::json models = nlohmann::json::array();
    std::size_t done = 0;
    for (const SweepAnswer& answer : answers) {
        models.push_back(answerJson(answer));
        done += answer.pointsDone;
    }
    return {{"format", "voltsim-sweep-summary"},
            {"version", 1},
            {"axis", axisKey(plan.config().axis)},
            {"points_done", done},
            {"points_total", plan.size()},
            {"complete", done == plan.size()},
            {"rule",
             "lowest operating point down to which every swept point (from the safest) keeps rerr_mean <= "
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
                points.push_back(pointStats(plan, records, found->second));
        }
        models.push_back({{"name", model.name},
                          {"protection", model.protection},
                          {"label", model.label},
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
            {"seeds",
             {{"run_seed", plan.config().seed},
              {"rule", "chip i: splitmix64(splitmix64(run_seed) + i)"},
              {"chips", plan.seeds()}}},
            {"profile",
             {{"name", profile.name},
              {"file", profile.file},
              {"v_nom_mv", profile.vNomMv},
              {"v_min_mv", profile.vMinMv}}},
            {"points_total", plan.size()},
            {"points_done", records.size()},
            {"complete", records.size() == plan.size()},
            {"sweep", {{"models", models}}}};
}

namespace {

/// Width of the printed model column: 16, or one more than the longest model name.
int modelColumnWidth(const SweepPlan& plan)
{
    std::size_t longest = 15;
    for (const SweepModel& model : plan.models())
        longest = std::max(longest, model.label.size());
    return static_cast<int>(longest + 1);
}

} // namespace

void printSweepTable(std::ostream& out, const SweepPlan& plan, const RecordSet& records)
{
    const int modelWidth = modelColumnWidth(plan);
    out << std::left << std::setw(modelWidth) << "model" << std::right << std::setw(7) << "V/Vmin"
        << std::setw(8) << "mV" << std::setw(10) << "ber" << std::setw(9) << "flips" << std::setw(7) << "Err%"
        << std::setw(8) << "RErr%" << std::setw(6) << "+-" << std::setw(7) << "min" << std::setw(7) << "max"
        << std::setw(10) << "nJ/inf" << std::setw(8) << "save%" << std::setw(8) << "SRAM%" << std::setw(9)
        << "cycles" << std::setw(9) << "lat_us"
        << "\n";
    for (const auto& [index, record] : records) {
        const SweepRow r = makeRow(plan, records, record);
        char ber[16];
        std::snprintf(ber, sizeof ber, "%.2e", r.ber);
        char flips[16];
        // a million flips or more in exponent form, so the column keeps its width
        std::snprintf(flips, sizeof flips, r.flips < 1e6 ? "%.1f" : "%.3g", r.flips);
        out << std::left << std::setw(modelWidth) << plan.models().at(record.model).label << std::right
            << std::setw(7)
            << (std::isnan(r.voltageRel) ? "-" : formatValue(std::round(r.voltageRel * 1000) / 1000))
            << std::setw(8)
            << (std::isnan(r.voltageMv) ? "-" : formatValue(std::round(r.voltageMv * 10) / 10))
            << std::setw(10) << ber << std::setw(9) << flips << std::setw(7) << percent(r.stats.err, 2)
            << std::setw(8) << percent(r.stats.rerrMean, 2) << std::setw(6) << percent(r.stats.rerrStd, 2)
            << std::setw(7) << percent(r.stats.rerrMin, 2) << std::setw(7) << percent(r.stats.rerrMax, 2)
            << std::setw(10) << (std::isnan(r.energyPj) ? "-" : formatValue(std::round(r.energyPj) / 1000))
            << std::setw(8) << percent(r.energySaving, 1) << std::setw(8) << percent(r.sramEnergySaving, 1)
            << std::setw(9) << formatValue(std::round(r.cycles * 10) / 10) << std::setw(9)
            << formatValue(std::round(r.latencyUs * 100) / 100) << "\n";
    }
}

namespace {

/// "704 mV (V/Vmin 0.88)" or "p 0.01": where an operating point lies, for the answer lines.
std::string pointText(const SweepPlan& plan, const SweepPoint& point)
{
    if (point.op.byRate())
        return "p " + formatValue(point.op.ber());
    return formatValue(point.op.voltageMv(*plan.profile())) + " mV (V/Vmin " + formatValue(point.voltageRel) +
           ")";
}

void printAnswer(std::ostream& out, const SweepPlan& plan, const SweepAnswer& answer)
{
    const std::string count =
        " (" + std::to_string(answer.pointsDone) + " of " + std::to_string(answer.pointsTotal) + " points)";
    if (answer.status == AnswerStatus::NotRun) {
        if (answer.pointsDone == 0)
            out << " not run";
        else if (!answer.unrun)
            out << " not known: reference " << answer.reference << " not run";
        else
            out << " not known: the safest point, " << pointText(plan, *answer.unrun) << ", not run";
        out << count << "\n";
        return;
    }
    if (answer.status == AnswerStatus::None) {
        out << " no swept point keeps RErr within " << answer.maxLossPp << " pp of " << answer.reference
            << "'s clean error\n";
        return;
    }
    const SweepRow& row = *answer.point;
    const char* bound = answer.status == AnswerStatus::Incomplete ? " at least down to" : "";
    if (plan.byRate())
        out << " highest p" << bound << " " << formatValue(row.ber);
    else
        out << " lowest V" << bound << " " << formatValue(row.voltageMv) << " mV (V/Vmin "
            << formatValue(row.voltageRel) << "), saving " << percent(row.energySaving, 1) << " % total, "
            << percent(row.sramEnergySaving, 1) << " % weight SRAM";
    out << "; RErr " << percent(row.stats.rerrMean, 2) << " % <= " << percent(answer.rerrLimit, 2) << " % ("
        << answer.reference << " clean " << percent(answer.referenceErr, 2) << " % + " << answer.maxLossPp
        << " pp)";
    if (answer.status == AnswerStatus::Incomplete)
        out << "; the next point, " << pointText(plan, *answer.unrun) << ", not run" << count;
    out << "\n";
}

} // namespace

void printSweepAnswers(std::ostream& out, const SweepPlan& plan, const std::vector<SweepAnswer>& answers)
{
    std::size_t done = 0;
    std::size_t longest = 15; // the table's model column: 16, or one more than the longest name
    for (const SweepAnswer& answer : answers) {
        longest = std::max(longest, answer.model.size());
        done += answer.pointsDone;
    }
    if (done != plan.size())
        out << "partial: " << done << " of " << plan.size() << " points\n";
    for (const SweepAnswer& answer : answers) {
        out << std::left << std::setw(static_cast<int>(longest + 1)) << answer.model << std::right;
        printAnswer(out, plan, answer);
    }
}

} // namespace voltsim::sim
