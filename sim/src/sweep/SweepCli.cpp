#include "voltsim/sim/sweep/SweepCli.hpp"

#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/report/SweepReport.hpp"

#include <cstdlib>
#include <iostream>

namespace voltsim::sim {

SweepConfig readSweepConfigFrom(nlohmann::json config, const std::string& source)
{
    ConfigNode root(std::move(config), source);
    return readSweepConfig(root);
}

int finishSweepOutput(const SweepPlan& plan, const SweepOutput& output, bool interrupted, bool plots, bool quiet)
{
    printSweepTable(std::cout, plan, output.records());
    std::cout << "\nwithin " << plan.config().maxLossPp << " pp of "
              << (plan.config().reference ? *plan.config().reference + "'s clean error" : "each model's clean error")
              << ":\n";
    printSweepAnswers(std::cout, sweepAnswers(plan, output.records()), plan.byRate());
    if (plots && !output.records().empty()) {
        const std::string script = std::string(VOLTSIM_SOURCE_DIR) + "/tools/plots/sweep_plot.py";
        const std::string command = "/usr/bin/python3 '" + script + "' '" + output.dir() + "'" + (quiet ? " --quiet" : "");
        if (std::system(command.c_str()) != 0)
            std::cerr << "voltsim: warning: plots not drawn (" << command << " failed)\n";
    }
    std::cout << "results: " << output.dir() << "/{sweep.csv,summary.json,stats.json,chips.csv,config.json}\n";
    if (interrupted) {
        std::cerr << "voltsim sweep: interrupted; " << output.records().size() << " of " << plan.size()
                  << " points are saved in " << output.dir() << "; rerun with --resume to finish\n";
        return 130;
    }
    return 0;
}

} // namespace voltsim::sim
