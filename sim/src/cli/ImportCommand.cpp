// voltsim import onnx: turns a float ONNX model into a quantized model package (docs/import.md). The
// importer is the trainer's Python (tools/train/onnx_import.py: python3-onnx reads the file, the
// trainer's quantizer and integer reference write the package), run from the data directory.
#include "voltsim/common/Error.hpp"
#include "voltsim/sim/cli/Commands.hpp"
#include "voltsim/sim/plot/PlotScript.hpp"

#include <iostream>

namespace voltsim::sim {

int runImportCommand(const Args& args)
{
    if (args.empty())
        throw InputError("import: missing format (valid: onnx; 'voltsim import --help' shows the usage)");
    if (args[0] == "--help" || args[0] == "-h") {
        std::cout << "usage: voltsim import onnx MODEL.onnx --calibration DATASET --bits M --quantizer "
                     "rquant|normal\n"
                     "                          [--clip W] [--calibration-images N] --out DIR [--name NAME]\n"
                     "'voltsim import onnx --help' lists the options (docs/import.md).\n";
        return 0;
    }
    if (args[0] != "onnx")
        throw InputError("import: unknown format '" + args[0] + "' (valid: onnx)");
    return runPythonModule("tools.train.onnx_import", Args(args.begin() + 1, args.end()));
}

} // namespace voltsim::sim
