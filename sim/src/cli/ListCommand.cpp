// voltsim list [--json]: every registry (fault models, weight placements, timing models, array
// engines, back-ends) with names and one-line descriptions, in registration order, then the
// shipped SRAM profiles and model packages, by name.
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/cli/ParseOptions.hpp"

#include "voltsim/memory/FaultModels.hpp"
#include "voltsim/memory/SramProfile.hpp"
#include "voltsim/memory/WeightPlacement.hpp"
#include "voltsim/models/controller/IArrayEngine.hpp"
#include "voltsim/models/timing/ITimingModel.hpp"
#include "voltsim/sim/experiment/IBackend.hpp"
#include "voltsim/workloads/ShippedData.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace voltsim::sim {
namespace {

namespace po = boost::program_options;

/// One registered or shipped item.
struct ListedItem {
    std::string name;
    std::string description;
};

/// One registry: its JSON key, a title for the text listing, where its names are used, its items.
struct Listing {
    std::string key;
    std::string title;
    std::string usedAs;
    std::vector<ListedItem> items;
};

template <typename Registry> std::vector<ListedItem> itemsOf(const Registry& registry)
{
    std::vector<ListedItem> items;
    for (const auto& entry : registry.entries())
        items.push_back(ListedItem{entry.name, entry.description});
    return items;
}

/// Timing models, marking the ones that cannot time the accelerator.
std::vector<ListedItem> timingItems()
{
    std::vector<ListedItem> items = itemsOf(models::timingModels());
    for (ListedItem& item : items)
        if (!models::timingModels().create(item.name, "voltsim list")->acceleratorMismatch().empty())
            item.description += " (voltsim layers only)";
    return items;
}

/// The shipped profiles: technology, voltages and banks of each.
std::vector<ListedItem> profileItems()
{
    std::vector<ListedItem> items;
    for (const std::string& name : memory::shippedProfileNames()) {
        const memory::SramProfile profile = memory::loadProfile(name);
        std::ostringstream text;
        text << profile.technology << ", V_nom " << profile.vNomMv << " mV, V_min " << profile.vMinMv
             << " mV, " << profile.geometry.banks << " banks of " << profile.geometry.bank.bytes()
             << " bytes";
        items.push_back(ListedItem{name, text.str()});
    }
    return items;
}

/// The shipped model packages: training method, weight bits and clean test error of each.
std::vector<ListedItem> modelItems()
{
    std::vector<ListedItem> items;
    for (const std::string& name : workloads::shippedModelNames()) {
        const workloads::ModelPackage package =
            workloads::ModelPackage::load(workloads::resolveModelDir(name));
        std::ostringstream text;
        text << package.method << ", " << package.network.layers.size() << " layers, clean test error "
             << std::fixed << std::setprecision(2) << 100 * package.cleanTestError << " %";
        items.push_back(ListedItem{name, text.str()});
    }
    return items;
}

std::vector<Listing> listings()
{
    return {
        {"fault_models", "fault models",
         "weight_sram.fault_model, profile fault_semantics, profile sample --model",
         itemsOf(memory::faultModels())},
        {"weight_placements", "weight placements", "weight_sram.placement",
         itemsOf(memory::weightPlacements())},
        {"timing_models", "timing models", "array.timing_model, layers --timing", timingItems()},
        {"array_engines", "array engines", "run.mode, run --mode", itemsOf(models::arrayEngines())},
        {"backends", "back-ends", "run --backend, sweep --backend", itemsOf(backends())},
        {"profiles", "shipped SRAM profiles", "--profile, weight_sram.profile", profileItems()},
        {"models", "shipped models", "run --model, sweep --models", modelItems()},
    };
}

nlohmann::json toJson(const std::vector<Listing>& all)
{
    nlohmann::json out = nlohmann::json::object();
    for (const Listing& listing : all) {
        nlohmann::json items = nlohmann::json::array();
        for (const ListedItem& item : listing.items)
            items.push_back({{"name", item.name}, {"description", item.description}});
        out[listing.key] = items;
    }
    return out;
}

void printText(const std::vector<Listing>& all)
{
    std::size_t width = 0;
    for (const Listing& listing : all)
        for (const ListedItem& item : listing.items)
            width = std::max(width, item.name.size());
    for (const Listing& listing : all) {
        std::cout << listing.title << " (" << listing.usedAs << "):\n";
        for (const ListedItem& item : listing.items)
            std::cout << "  " << item.name << std::string(width + 2 - item.name.size(), ' ')
                      << item.description << "\n";
    }
}

} // namespace

int runListCommand(const Args& args)
{
    po::options_description options("voltsim list options");
    options.add_options()("help,h", "show this help")("json", "print one JSON object");
    const po::variables_map values = parseOptions("list", args, options);
    if (values.count("help")) {
        std::cout << "usage: voltsim list [--json]\n" << options;
        return 0;
    }
    const std::vector<Listing> all = listings();
    if (values.count("json"))
        std::cout << toJson(all).dump(2) << "\n";
    else
        printText(all);
    return 0;
}

} // namespace voltsim::sim
