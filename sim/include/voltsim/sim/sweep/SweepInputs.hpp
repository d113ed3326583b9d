#pragma once
// The files a sweep read, identified by content (docs/sweep.md, "Resume and merge check content"):
// a sweep folder's inputs.json records the SHA-256 of every model package (manifest and code
// blob), the SRAM profile, the energy table, the accelerator config file and the dataset's files;
// `--resume` and `voltsim merge` refuse a folder whose files have changed since, naming the file.
#include "voltsim/common/JsonCursor.hpp"
#include "voltsim/sim/sweep/SweepPlan.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace voltsim::sim {

/// One file a sweep read.
struct SweepInput {
    std::string what;   ///< its role, unique within a sweep: "model NAME manifest", "profile", ...
    std::string file;   ///< the path it was read from
    std::string sha256; ///< 64 lower-case hex digits of its content

    bool operator==(const SweepInput& other) const
    {
        return what == other.what && file == other.file && sha256 == other.sha256;
    }
};

/// The name of the record inside a sweep folder.
extern const char* const kSweepInputsFile;

/// The inputs of `plan`, hashed now: each model's manifest and code blob (the blob's SHA-256 is
/// the manifest's, which ModelPackage::load checked), the weight SRAM profile, the energy table,
/// when the config named one, the accelerator config file, and the dataset's files
/// (workloads::Dataset::sourceFiles). InputError if a file cannot be read.
std::vector<SweepInput> sweepInputs(const SweepPlan& plan);

/// inputs.json's document, and back (strict: InputError naming `source` and the key).
nlohmann::json inputsToJson(const std::vector<SweepInput>& inputs);
std::vector<SweepInput> inputsFromJson(const JsonCursor& json);

/// DIR/inputs.json; InputError if it is missing or malformed.
std::vector<SweepInput> readSweepInputs(const std::string& dir);

/// InputError "<where>: FILE (WHAT) has changed since ..." for the first entry of `current` whose
/// SHA-256 differs from the entry of the same role in `recorded` (from `recordedFile`). Roles
/// present on one side only are left to the config's comparison (they mean another sweep).
void requireSameInputs(const std::vector<SweepInput>& recorded, const std::string& recordedFile,
                       const std::vector<SweepInput>& current, const std::string& where);

} // namespace voltsim::sim
