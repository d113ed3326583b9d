// libFuzzer target: the readers of a sweep folder (docs/sweep.md, "Resume and merge check
// content"): config.json (loadConfigFile, the strict JSON every resume and merge compares),
// inputs.json (readSweepInputs) and points.jsonl (parseRecords against fixed rules: models a and
// b, three points, two chips). The input is the three files separated by
// `\n--voltsim-fuzz-part--\n`. An accepted inputs.json or record must survive its own
// serialisation.
#include "FuzzSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/sweep/SweepInputs.hpp"
#include "voltsim/sim/sweep/SweepResults.hpp"

#include <cstdlib>
#include <string>

namespace {

using namespace voltsim::sim;

const RecordRules& rules()
{
    static const RecordRules fixed = [] {
        RecordRules made;
        made.models = {"a", "b"};
        made.codeBits = {1000, 2000};
        made.rates = {0.0, 0.001, 0.01};
        made.seeds = {11, 22};
        made.images = 300;
        made.chipCells = 1 << 20;
        return made;
    }();
    return fixed;
}

void fuzzConfig(const std::string& dir, std::string_view text)
{
    voltsim::fuzz::writeFile(dir + "/config.json", text);
    try {
        loadConfigFile(dir + "/config.json");
    } catch (const voltsim::InputError&) {
    }
}

void fuzzInputs(const std::string& dir, std::string_view text)
{
    voltsim::fuzz::writeFile(dir + "/" + kSweepInputsFile, text);
    std::vector<SweepInput> inputs;
    try {
        inputs = readSweepInputs(dir);
    } catch (const voltsim::InputError&) {
        return;
    }
    if (inputsFromJson(voltsim::JsonCursor(inputsToJson(inputs), "again")) != inputs)
        std::abort();
    requireSameInputs(inputs, "inputs.json", inputs, "fuzz"); // equal inputs never differ
}

void fuzzRecords(std::string_view text)
{
    RecordSet records;
    try {
        records = parseRecords(std::string(text), "points.jsonl", rules());
    } catch (const voltsim::InputError&) {
        return;
    }
    std::string again;
    for (const auto& [index, record] : records)
        again += recordToJson(rules(), record).dump() + "\n";
    RecordSet reparsed = parseRecords(again, "again", rules()); // an InputError here is a finding
    if (reparsed.size() != records.size())
        std::abort();
    for (const auto& [index, record] : reparsed)
        if (recordToJson(rules(), record) != recordToJson(rules(), records.at(index)))
            std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace voltsim::fuzz;
    const auto parts = splitParts(data, size, "\n--voltsim-fuzz-part--\n");
    const std::string& dir = scratchDir();
    fuzzConfig(dir, parts[0]);
    if (parts.size() > 1)
        fuzzInputs(dir, parts[1]);
    if (parts.size() > 2)
        fuzzRecords(parts[2]);
    return 0;
}
