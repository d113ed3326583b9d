#pragma once
// Shared helpers for the libFuzzer targets: a per-process scratch directory (the loaders under
// test read files, as users' files are read) and splitting one fuzz input into several files.
//
// Contract every target enforces: a loader either accepts the input or throws
// voltsim::InputError. Any other exception escapes LLVMFuzzerTestOneInput, which libFuzzer
// reports as a crash (uncaught exception -> abort), as it does ASan/UBSan findings, leaks and
// timeouts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace voltsim::fuzz {

/// A scratch directory created once per fuzzing process (removed at exit). The name lives on
/// the heap for the whole process: a function-local static string would be destroyed before
/// the atexit handler (registered after its construction began) runs.
inline const std::string& scratchDir()
{
    static const std::string* dir = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "voltsim-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
            std::abort();
        auto* name = new std::string(pattern);
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(scratchDir(), ignored);
        });
        return name;
    }();
    return *dir;
}

inline void writeFile(const std::string& path, std::string_view bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Splits `data` at every occurrence of `separator` (a line of its own in the seeds).
inline std::vector<std::string_view> splitParts(const std::uint8_t* data, std::size_t size,
                                                std::string_view separator)
{
    std::vector<std::string_view> parts;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (;;) {
        const auto at = rest.find(separator);
        if (at == std::string_view::npos) {
            parts.push_back(rest);
            return parts;
        }
        parts.push_back(rest.substr(0, at));
        rest.remove_prefix(at + separator.size());
    }
}

/// The separator between the files of one multi-file fuzz input.
constexpr std::string_view kPartSeparator = "\n--voltsim-fuzz-part--\n";

} // namespace voltsim::fuzz
