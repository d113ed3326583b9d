#include "voltsim/sim/sweep/SweepResults.hpp"

#include "voltsim/common/Error.hpp"

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

PointRecord recordFromJson(const SweepPlan& plan, const JsonCursor& json)
{
    PointRecord record;
    record.model = plan.modelIndex(json["model"].asString(), json["model"].where());
    record.point = static_cast<std::size_t>(json["point"].asUint64(0, plan.points().size() - 1));
    record.outcome.images = json["images"].asUint64();
    record.outcome.cleanErrors = json["clean_errors"].asUint64();
    record.outcome.storedBits = json["stored_bits"].asUint64();
    record.outcome.ber = json["ber"].asDouble(0, 1);
    const JsonCursor chips = json["chips"];
    for (const auto& chip : chips.elements(plan.seeds().size(), plan.seeds().size())) {
        const auto fields = chip.elements(4, 4);
        record.outcome.chips.push_back(
            {fields[0].asUint64(), fields[1].asUint64(), fields[2].asUint64(), fields[3].asUint64()});
    }
    json.finish();
    return record;
}

} // namespace voltsim::sim
