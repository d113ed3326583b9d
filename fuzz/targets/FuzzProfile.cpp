// libFuzzer target: SRAM profile loader (docs/profiles.md). The input is a profile JSON file.
// For a profile that loads, it also checks the documented round trip
// parseProfile(profileToJson(p)) and asks for the bit error rate across the voltage range.
#include "FuzzSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace voltsim::fuzz;
    using namespace voltsim::memory;
    const std::string file = scratchDir() + "/profile.json";
    writeFile(file, std::string_view(reinterpret_cast<const char*>(data), size));
    SramProfile profile;
    try {
        profile = loadProfile(file);
    } catch (const voltsim::InputError&) {
        return 0;
    }
    // A loaded profile must survive its own serialisation: anything else is a loader bug.
    const SramProfile again = parseProfile(profileToJson(profile), file);
    if (profileToJson(again) != profileToJson(profile))
        std::abort();
    const double lowest = profile.lowestVoltageMv();
    for (int step = 0; step <= 8; ++step) {
        const double voltage = lowest + (profile.vNomMv - lowest) * step / 8.0;
        try {
            const double rate = profile.bitErrorRate(voltage);
            if (!(rate >= 0.0 && rate <= 1.0))
                std::abort();
        } catch (const voltsim::InputError&) {
        }
    }
    return 0;
}
