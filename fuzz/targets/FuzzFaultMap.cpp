// libFuzzer target: measured fault-map import (memory/FaultMapImport). The same input is read
// as a sparse cells CSV (`voltsim profile import --cells`) and, split at kPartSeparator, as the
// IBM fmap_sa0/fmap_sa1 matrices of one or two voltages (`voltsim profile import --ibm`).
// The cells CSV is read with the geometry of the shipped example (2 arrays of 4 x 16).
#include "FuzzSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/FaultMapImport.hpp"

#include <filesystem>

namespace {

void expectProfile(const voltsim::memory::SramProfile& profile)
{
    if (!profile.faultMap)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace voltsim::fuzz;
    using namespace voltsim::memory;
    const std::string dir = scratchDir();
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    ImportOptions options;
    options.name = "fuzz";
    options.energyFrom = FUZZ_SOURCE_DIR "/memory/profiles/stutz2021-14nm.json";
    options.arrays = 2; // the geometry of memory/profiles/examples/cells-example.csv
    options.rows = 4;
    options.columns = 16;
    options.vMinMv = 800.0;
    writeFile(dir + "/cells.csv", text);
    try {
        expectProfile(importCellCsv(dir + "/cells.csv", options));
    } catch (const voltsim::InputError&) {
    }

    const std::string ibm = dir + "/ibm";
    std::error_code ignored;
    std::filesystem::remove_all(ibm, ignored);
    std::filesystem::create_directory(ibm);
    const auto parts = splitParts(data, size, kPartSeparator);
    const char* names[] = {"fmap_sa0_v_0.70.txt", "fmap_sa1_v_0.70.txt", "fmap_sa0_v_0.65.txt",
                           "fmap_sa1_v_0.65.txt"};
    for (std::size_t i = 0; i < parts.size() && i < 4; ++i)
        writeFile(ibm + "/" + names[i], parts[i]);
    ImportOptions ibmOptions;
    ibmOptions.name = "fuzz";
    ibmOptions.energyFrom = options.energyFrom;
    try {
        expectProfile(importIbmMaps(ibm, ibmOptions));
    } catch (const voltsim::InputError&) {
    }
    return 0;
}
