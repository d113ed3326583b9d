#include "voltsim/sim/cli/Commands.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/sim/sweep/IWorkPool.hpp"
#include "voltsim/workloads/inference/KernelPath.hpp"

#include <iostream>
#include <map>
#include <stdexcept>

namespace voltsim::sim {
namespace {

struct Subcommand {
    int (*run)(const Args&);
    const char* summary;
};

const std::map<std::string, Subcommand>& subcommands()
{
    static const std::map<std::string, Subcommand> table{
        {"run", {runRunCommand, "simulate one model at one voltage (or --ber) on N chips"}},
        {"sweep", {runSweepCommand, "sweep models x voltages x chips; trade-off table and plots"}},
        {"model", {runModelCommand, "check DIR | info DIR [--json]: validate and describe a model package"}},
        {"profile",
         {runProfileCommand, "show | sample | import | calibrate: inspect and build SRAM profiles"}},
        {"merge", {runMergeCommand, "combine the outputs of sharded sweeps"}},
        {"layers", {runLayersCommand, "per-layer timing of a SCALE-Sim topology"}},
        {"list", {runListCommand, "registered fault models, timing models and array engines [--json]"}},
        {"import",
         {runImportCommand, "onnx MODEL.onnx ...: a float ONNX model as a quantized model package"}},
    };
    return table;
}

void printUsage(std::ostream& out)
{
    out << "usage: voltsim <command> [options]\n\ncommands:\n";
    for (const auto& [name, command] : subcommands())
        out << "  " << name << std::string(10 - name.size(), ' ') << command.summary << "\n";
    out << "\n'voltsim <command> --help' describes each command's options.\n";
}

/// The integer kernels' path (checks VOLTSIM_KERNELS, which is user input, before any work).
workloads::KernelPath kernelPath()
{
    try {
        return workloads::activeKernelPath();
    } catch (const std::invalid_argument& error) {
        throw InputError(error.what());
    }
}

} // namespace

int dispatchCommand(int argc, char* argv[])
{
    const workloads::KernelPath path = kernelPath();
    if (argc < 2) {
        printUsage(std::cerr);
        return 2;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage(std::cout);
        return 0;
    }
    if (name == "--version") {
        std::cout << "voltsim " << VOLTSIM_VERSION << " (integer kernels: " << workloads::kernelPathName(path)
                  << ")\n";
        return 0;
    }
    const auto found = subcommands().find(name);
    if (found == subcommands().end()) {
        std::string valid;
        for (const auto& entry : subcommands())
            valid += (valid.empty() ? "" : ", ") + entry.first;
        throw InputError("unknown command '" + name + "' (valid: " + valid + ")");
    }
    if (name != "sweep")
        requireOneProcess(name);
    return found->second.run(Args(argv + 2, argv + argc));
}

} // namespace voltsim::sim
