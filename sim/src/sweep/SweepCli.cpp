#include "voltsim/sim/sweep/SweepCli.hpp"

#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/plot/PlotScript.hpp"
#include "voltsim/sim/report/SweepReport.hpp"

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

namespace voltsim::sim {

SweepConfig readSweepConfigFrom(nlohmann::json config, const std::string& source,
                                std::shared_ptr<const ValueOrigins> origins)
{
    ConfigNode root(std::move(config), source, "", std::move(origins));
    return readSweepConfig(root);
}

int finishSweepOutput(const SweepPlan& plan, const SweepOutput& output, int signal, bool plots, bool quiet)
{
    printSweepTable(std::cout, plan, output.records());
    std::cout << "\nwithin " << plan.config().maxLossPp << " pp of "
              << (plan.config().reference ? *plan.config().reference + "'s clean error"
                                          : "each model's clean error")
              << ":\n";
    printSweepAnswers(std::cout, plan, sweepAnswers(plan, output.records()));
    if (plots && !output.records().empty()) {
        std::vector<std::string> args = {output.dir()};
        if (quiet)
            args.push_back("--quiet");
        if (const std::string why = runPlotScript("sweep_plot.py", args); !why.empty())
            std::cerr << "voltsim: warning: plots not drawn (" << why << ")\n";
    }
    std::cout << "results: " << output.dir()
              << "/{sweep.csv,summary.json,stats.json,chips.csv,config.json}\n";
    if (signal != 0) {
        std::cerr << "voltsim sweep: "
                  << (signal == SIGTERM ? "terminated (SIGTERM)" : "interrupted (SIGINT)") << "; "
                  << output.records().size() << " of " << plan.size() << " points are saved in "
                  << output.dir() << "; rerun with --resume to finish\n";
        return 128 + signal;
    }
    return 0;
}

} // namespace voltsim::sim
