#pragma once
// A loaded and validated model package (docs/model_package.md): manifest, network and codes.
#include "voltsim/workloads/model/Network.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::workloads {

/// The code blob or golden file of a package, as declared in the manifest.
struct PackageFile {
    std::string file;      ///< name inside the package directory
    std::size_t bytes = 0; ///< declared size (blob only; 0 for golden)
    std::string sha256;    ///< 64 lower-case hex digits
};

/// Everything in manifest.json plus the code blob, checked against each other.
struct ModelPackage {
    std::string directory; ///< as given to load()
    std::string name;
    std::string description;
    Network network;
    std::string method;        ///< training.method: normal, rquant, clipping or randbet
    nlohmann::json training;   ///< the whole training object (hyper-parameters, command)
    double cleanTestError = 0; ///< fraction of test images misclassified by the integer path
    int testImages = 0;        ///< images of the test set that error was measured on (the first ones)
    PackageFile blob;
    PackageFile golden;
    std::vector<std::uint8_t> codes; ///< codes.bin, one code per byte, validated < 2^bits

    /// Loads `directory`/manifest.json and its blob and validates every key, type, shape, size,
    /// the blob's SHA-256 and every code value.
    /// @throws voltsim::InputError "<file>: <json path>: <problem>" for the first problem found.
    static ModelPackage load(const std::string& directory);

    std::string manifestPath() const { return directory + "/manifest.json"; }
    std::string blobPath() const { return directory + "/" + blob.file; }
    std::string goldenPath() const { return directory + "/" + golden.file; }
};

} // namespace voltsim::workloads
