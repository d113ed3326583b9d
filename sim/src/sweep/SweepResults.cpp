#include "voltsim/sim/sweep/SweepResults.hpp"

#include "voltsim/common/Error.hpp"

#include <optional>

namespace voltsim::sim {

nlohmann::json recordToJson(const SweepPlan& plan, const PointRecord& record)
{
    nlohmann::json chips = nlohmann::json::array();
    for (const auto& chip : record.outcome.chips)
        chips.push_back({chip.seed, chip.flips, chip.faultyCells, chip.robustErrors});
    return {{"model", plan.models().at(record.model).name},
            {"point", record.point},
            {"images", record.outcome.images},
            {"clean_errors", record.outcome.cleanErrors},
            {"stored_bits", record.outcome.storedBits},
            {"ber", record.outcome.ber},
            {"chips", chips}};
}

namespace {

/// The rate the chips of a sweep's point run at, as SramChip::setOperatingPoint sets it.
double pointRate(const SweepPlan& plan, std::size_t point)
{
    const memory::OperatingPoint& op = plan.points()[point].op;
    return op.byRate() ? op.ber() : plan.profile()->bitErrorRate(op.voltageMv(*plan.profile()));
}

void requireEqual(const JsonCursor& cursor, std::uint64_t value, std::uint64_t expected,
                  const std::string& what)
{
    if (value != expected)
        cursor.fail("expected " + std::to_string(expected) + " (" + what + "), got " + std::to_string(value));
}

} // namespace

PointRecord recordFromJson(const SweepPlan& plan, const JsonCursor& json)
{
    PointRecord record;
    record.model = plan.modelIndex(json["model"].asString(), json["model"].where());
    record.point = static_cast<std::size_t>(json["point"].asUint64(0, plan.points().size() - 1));
    PointOutcome& outcome = record.outcome;
    const std::optional<std::uint64_t>& images = plan.config().images;
    outcome.images = json["images"].asUint64(images.value_or(1), images.value_or(kMaxSweepImages));
    outcome.cleanErrors = json["clean_errors"].asUint64(0, outcome.images);
    const SweepModel& model = plan.models()[record.model];
    outcome.storedBits = json["stored_bits"].asUint64();
    requireEqual(json["stored_bits"], outcome.storedBits, model.storedBits, "the code bits of " + model.name);
    const double rate = pointRate(plan, record.point);
    outcome.ber = json["ber"].asDouble(0, 1);
    if (outcome.ber != rate)
        json["ber"].fail("expected " + briefJson(nlohmann::json(rate)) + " (the rate of point " +
                         std::to_string(record.point) + "), got " + briefJson(json["ber"].json()));
    const JsonCursor chips = json["chips"];
    const auto& seeds = plan.seeds();
    const std::uint64_t cells = plan.config().specs().weightSram.chip.geometry.bits();
    for (const auto& chip : chips.elements(seeds.size(), seeds.size())) {
        const auto fields = chip.elements(4, 4);
        const std::size_t index = outcome.chips.size();
        const std::uint64_t seed = fields[0].asUint64();
        requireEqual(fields[0], seed, seeds[index], "chip " + std::to_string(index) + "'s seed");
        outcome.chips.push_back({seed, fields[1].asUint64(0, outcome.storedBits),
                                 fields[2].asUint64(0, cells),
                                 fields[3].asUint64(outcome.cleanErrors, outcome.images)});
    }
    json.finish();
    return record;
}

} // namespace voltsim::sim
