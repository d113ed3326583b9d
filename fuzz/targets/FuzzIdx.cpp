// libFuzzer target: IDX reader (plain or gzip). The input is the file; read as 1-D and 3-D.
#include "FuzzSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/workloads/dataset/IdxReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace voltsim::fuzz;
    const std::string file = scratchDir() + "/data.idx";
    writeFile(file, std::string_view(reinterpret_cast<const char*>(data), size));
    for (std::size_t dims : {1u, 3u}) {
        try {
            const auto array = voltsim::workloads::readIdx(file, dims);
            std::uint64_t elements = 1;
            for (auto dim : array.dims)
                elements *= dim;
            if (array.dims.size() != dims || elements != array.data.size())
                std::abort();
        } catch (const voltsim::InputError&) {
        }
    }
    return 0;
}
