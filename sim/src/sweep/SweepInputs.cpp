#include "voltsim/sim/sweep/SweepInputs.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/util/Sha256.hpp"

#include <filesystem>
#include <set>

namespace voltsim::sim {

const char* const kSweepInputsFile = "inputs.json";

namespace {

constexpr const char* kFormat = "voltsim-sweep-inputs";

SweepInput hashed(std::string what, const std::string& file, std::uint64_t maxBytes = kMaxTextFileBytes)
{
    const std::string text = readTextFile(file, "file", maxBytes);
    return {std::move(what), file, workloads::Sha256::hexOf(text.data(), text.size())};
}

/// The first 12 hex digits: enough to tell two contents apart in a message.
std::string brief(const std::string& sha256)
{
    return sha256.substr(0, 12) + "...";
}

[[noreturn]] void throwChanged(const SweepInput& now, const SweepInput& then, const std::string& recordedFile,
                               const std::string& where)
{
    throw InputError(where + ": " + now.file + " (" + now.what +
                     ") has changed since the sweep read it: SHA-256 " + brief(now.sha256) + ", " +
                     recordedFile + " records " + brief(then.sha256));
}

} // namespace

std::vector<SweepInput> sweepInputs(const SweepPlan& plan)
{
    std::vector<SweepInput> inputs;
    std::set<std::string> hashedPackages; // a package swept under several protections: hashed once
    for (const SweepModel& model : plan.models()) {
        if (!hashedPackages.insert(model.name).second)
            continue;
        inputs.push_back(hashed("model " + model.name + " manifest", model.package->manifestPath()));
        inputs.push_back(
            {"model " + model.name + " codes", model.package->blobPath(), model.package->blob.sha256});
    }
    inputs.push_back(hashed("profile", plan.profile()->file));
    inputs.push_back(hashed("energy table", plan.config().accelerator.energy.table.file));
    if (!plan.config().acceleratorFile.empty())
        inputs.push_back(hashed("accelerator config", plan.config().acceleratorFile));
    for (const std::string& file : workloads::Dataset::sourceFiles(plan.config().dataset, "dataset"))
        inputs.push_back(
            hashed("dataset " + std::filesystem::path(file).filename().string(), file, kMaxInputFileBytes));
    return inputs;
}

nlohmann::json inputsToJson(const std::vector<SweepInput>& inputs)
{
    nlohmann::json files = nlohmann::json::array();
    for (const SweepInput& input : inputs)
        files.push_back({{"what", input.what}, {"file", input.file}, {"sha256", input.sha256}});
    return {{"format", kFormat}, {"version", 1}, {"files", files}};
}

std::vector<SweepInput> inputsFromJson(const JsonCursor& json)
{
    if (json["format"].asString() != kFormat)
        json["format"].fail(std::string("expected \"") + kFormat + "\", got " +
                            briefJson(json["format"].json()));
    json["version"].asUint64(1, 1);
    std::vector<SweepInput> inputs;
    for (const JsonCursor& entry : json["files"].elements(1, 1 << 16)) {
        SweepInput input{entry["what"].asNonEmptyString(), entry["file"].asNonEmptyString(),
                         entry["sha256"].asString()};
        if (input.sha256.size() != 64 ||
            input.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
            entry["sha256"].fail("expected 64 lower-case hex digits, got " +
                                 briefJson(entry["sha256"].json()));
        for (const SweepInput& other : inputs)
            if (other.what == input.what)
                entry["what"].fail("\"" + input.what + "\" appears twice (each file is recorded once)");
        entry.finish();
        inputs.push_back(std::move(input));
    }
    json.finish();
    return inputs;
}

std::vector<SweepInput> readSweepInputs(const std::string& dir)
{
    const std::string path = (std::filesystem::path(dir) / kSweepInputsFile).string();
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        throw InputError(path + ": missing (a sweep folder records the SHA-256 of the files it read there)");
    return inputsFromJson(JsonCursor::load(path, "sweep inputs file"));
}

void requireSameInputs(const std::vector<SweepInput>& recorded, const std::string& recordedFile,
                       const std::vector<SweepInput>& current, const std::string& where)
{
    for (const SweepInput& now : current)
        for (const SweepInput& then : recorded)
            if (now.what == then.what && now.sha256 != then.sha256)
                throwChanged(now, then, recordedFile, where);
}

} // namespace voltsim::sim
