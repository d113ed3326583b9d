#include "voltsim/models/stats/StatsTree.hpp"

#include <utility>

namespace voltsim::models {

nlohmann::json collectStats(const sc_core::sc_object& top)
{
    nlohmann::json tree = nlohmann::json::object();
    for (const sc_core::sc_object* child : top.get_child_objects()) {
        if (dynamic_cast<const sc_core::sc_module*>(child) == nullptr)
            continue;
        nlohmann::json node = nlohmann::json::object();
        if (const auto* source = dynamic_cast<const IStatsSource*>(child))
            node = source->statsJson();
        node.update(collectStats(*child));
        if (!node.empty())
            tree[child->basename()] = std::move(node);
    }
    return tree;
}

} // namespace voltsim::models
