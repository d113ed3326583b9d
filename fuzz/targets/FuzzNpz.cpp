// libFuzzer target: the NPZ dataset reader (zip container, .npy headers, dataset entries). The input
// is the archive, read as the test split of an `npz:` dataset.
#include "FuzzSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace voltsim::fuzz;
    const std::string file = scratchDir() + "/data.npz";
    writeFile(file, std::string_view(reinterpret_cast<const char*>(data), size));
    try {
        const auto dataset = voltsim::workloads::Dataset::fromSpec("npz:" + file, "--dataset");
        if (dataset.size() == 0 || dataset.pixels().size() != dataset.size() * dataset.pixelsPerImage() ||
            dataset.numClasses() < 2)
            std::abort();
        for (std::size_t i = 0; i < dataset.size(); ++i)
            if (dataset.label(i) >= dataset.numClasses())
                std::abort();
    } catch (const voltsim::InputError&) {
    }
    return 0;
}
