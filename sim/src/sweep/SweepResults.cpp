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

} // namespace voltsim::sim
