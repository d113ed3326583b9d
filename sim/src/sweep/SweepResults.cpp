#include "voltsim/sim/sweep/SweepResults.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <utility>

namespace voltsim::sim {

RecordRules recordRules(const SweepPlan& plan)
{
    RecordRules rules;
    for (const SweepModel& model : plan.models()) {
        rules.models.push_back(model.label);
        rules.codeBits.push_back(model.storedBits);
    }
    const memory::SramProfile& profile = *plan.profile();
    for (const SweepPoint& point : plan.points()) // as SramChip::setOperatingPoint sets the rate
        rules.rates.push_back(point.op.byRate() ? point.op.ber()
                                                : profile.bitErrorRate(point.op.voltageMv(profile)));
    rules.seeds = plan.seeds();
    rules.images = plan.config().images;
    rules.chipCells = plan.config().specs().weightSram.chip.geometry.bits();
    return rules;
}

nlohmann::json recordToJson(const RecordRules& rules, const PointRecord& record)
{
    nlohmann::json chips = nlohmann::json::array();
    for (const auto& chip : record.outcome.chips)
        chips.push_back({chip.seed, chip.flips, chip.faultyCells, chip.robustErrors});
    return {{"model", rules.models.at(record.model)},
            {"point", record.point},
            {"images", record.outcome.images},
            {"clean_errors", record.outcome.cleanErrors},
            {"stored_bits", record.outcome.storedBits},
            {"ber", record.outcome.ber},
            {"chips", chips}};
}

namespace {

void requireEqual(const JsonCursor& cursor, std::uint64_t value, std::uint64_t expected,
                  const std::string& what)
{
    if (value != expected)
        cursor.fail("expected " + std::to_string(expected) + " (" + what + "), got " + std::to_string(value));
}

std::size_t modelIndex(const RecordRules& rules, const JsonCursor& cursor)
{
    const std::string name = cursor.asString();
    std::string names;
    for (std::size_t i = 0; i < rules.models.size(); ++i) {
        if (rules.models[i] == name)
            return i;
        names += (names.empty() ? "" : ", ") + rules.models[i];
    }
    cursor.fail("'" + name + "' is not a swept model (swept: " + names + ")");
}

/// What every record of one sweep shares, checked line against line: the image count, and per
/// model the clean errors (the fault-free run is the same at every point).
class RecordConsistency {
  public:
    explicit RecordConsistency(std::size_t models) : m_cleanErrors(models), m_cleanLine(models) {}

    /// InputError at the key of `json`, line `line`, if `record` disagrees with an earlier line.
    void check(const PointRecord& record, const JsonCursor& json, std::size_t line)
    {
        const PointOutcome& outcome = record.outcome;
        if (m_imagesLine == 0) {
            m_images = outcome.images;
            m_imagesLine = line;
        }
        if (outcome.images != m_images)
            json["images"].fail("expected " + std::to_string(m_images) + " (as on line " +
                                std::to_string(m_imagesLine) + "), got " + std::to_string(outcome.images));
        if (m_cleanLine[record.model] == 0) {
            m_cleanErrors[record.model] = outcome.cleanErrors;
            m_cleanLine[record.model] = line;
        }
        if (outcome.cleanErrors != m_cleanErrors[record.model])
            json["clean_errors"].fail("expected " + std::to_string(m_cleanErrors[record.model]) +
                                      " (as on line " + std::to_string(m_cleanLine[record.model]) +
                                      ", the same model's clean run), got " +
                                      std::to_string(outcome.cleanErrors));
    }

  private:
    std::uint64_t m_images = 0;
    std::size_t m_imagesLine = 0;             ///< 0 until the first record
    std::vector<std::uint64_t> m_cleanErrors; ///< per model
    std::vector<std::size_t> m_cleanLine;     ///< per model, 0 until its first record
};

} // namespace

PointRecord recordFromJson(const RecordRules& rules, const JsonCursor& json)
{
    PointRecord record;
    record.model = modelIndex(rules, json["model"]);
    record.point = static_cast<std::size_t>(json["point"].asUint64(0, rules.rates.size() - 1));
    PointOutcome& outcome = record.outcome;
    outcome.images =
        json["images"].asUint64(rules.images.value_or(1), rules.images.value_or(kMaxSweepImages));
    outcome.cleanErrors = json["clean_errors"].asUint64(0, outcome.images);
    outcome.storedBits = json["stored_bits"].asUint64();
    requireEqual(json["stored_bits"], outcome.storedBits, rules.codeBits[record.model],
                 "the code bits of " + rules.models[record.model]);
    const double rate = rules.rates[record.point];
    outcome.ber = json["ber"].asDouble(0, 1);
    if (outcome.ber != rate)
        json["ber"].fail("expected " + briefJson(nlohmann::json(rate)) + " (the rate of point " +
                         std::to_string(record.point) + "), got " + briefJson(json["ber"].json()));
    const auto& seeds = rules.seeds;
    for (const auto& chip : json["chips"].elements(seeds.size(), seeds.size())) {
        const auto fields = chip.elements(4, 4);
        const std::size_t index = outcome.chips.size();
        const std::uint64_t seed = fields[0].asUint64();
        requireEqual(fields[0], seed, seeds[index], "chip " + std::to_string(index) + "'s seed");
        outcome.chips.push_back({seed, fields[1].asUint64(0, outcome.storedBits),
                                 fields[2].asUint64(0, rules.chipCells),
                                 fields[3].asUint64(outcome.cleanErrors, outcome.images)});
    }
    json.finish();
    return record;
}

RecordSet parseRecords(const std::string& text, const std::string& path, const RecordRules& rules)
{
    RecordSet records;
    std::map<std::size_t, std::size_t> lineOf; // global index -> line
    RecordConsistency consistency(rules.models.size());
    std::size_t number = 0;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        ++number;
        if (line.empty())
            continue;
        const std::string where = path + ":" + std::to_string(number);
        const JsonCursor json = JsonCursor::parse(line, where);
        PointRecord record = recordFromJson(rules, json);
        const std::size_t index = rules.globalIndex(record.model, record.point);
        if (const auto first = lineOf.find(index); first != lineOf.end())
            throw InputError(where + ": point " + std::to_string(record.point) + " of model " +
                             rules.models[record.model] + " is already on line " +
                             std::to_string(first->second) + " (each point is recorded once)");
        lineOf.emplace(index, number);
        consistency.check(record, json, number);
        records.emplace(index, std::move(record));
    }
    return records;
}

} // namespace voltsim::sim
