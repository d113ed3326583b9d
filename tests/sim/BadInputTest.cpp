// Bad input, as a user meets it: every loader (config, SRAM profile, fault maps, model package,
// topology CSV, SCALE-Sim .cfg, IDX) is fed one malformed file per class through the real
// `voltsim` executable. Each case must exit with status 2 and print exactly one stderr line
// "voltsim: error: ..." that names the file and the field, line or key. docs/hardening.md has
// the class x loader table these cases fill.
#include "../workloads/PackageBuilder.hpp"
#include "TestPaths.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using voltsim::test::TempDir;

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string shellQuote(const std::string& text)
{
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

struct Outcome {
    int status = -1;
    std::string err;
};

/// Runs voltsim with `args` (stdin empty, a 120 s guard against hangs).
Outcome runVoltsim(const std::vector<std::string>& args, const std::string& scratch)
{
    std::string command =
        "cd " + shellQuote(scratch) + " && timeout 120 " + shellQuote(voltsim::test::voltsimBinary());
    for (const auto& arg : args)
        command += " " + shellQuote(arg);
    const std::string errFile = scratch + "/.stderr";
    command += " </dev/null >/dev/null 2>" + shellQuote(errFile);
    const int raw = std::system(command.c_str());
    Outcome outcome;
    outcome.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    outcome.err = readText(errFile);
    return outcome;
}

/// What one case runs and what its message must name.
struct Invocation {
    std::vector<std::string> args;
    std::vector<std::string> mustName; ///< substrings of the one error line (file, field/line, problem)
};

/// A scratch directory plus helpers that derive malformed files from the shipped ones.
class Scratch {
  public:
    std::string path(const std::string& name) const { return m_dir.file(name); }

    /// Writes `text` to `name` in the scratch directory and returns its path.
    std::string write(const std::string& name, const std::string& text) const
    {
        fs::create_directories(fs::path(path(name)).parent_path());
        writeText(path(name), text);
        return path(name);
    }

    /// `source` (relative to the source tree) with the single occurrence of `from` replaced.
    std::string edit(const std::string& source, const std::string& name, const std::string& from,
                     const std::string& to) const
    {
        std::string text = readText(voltsim::test::sourceDir() + "/" + source);
        const auto at = text.find(from);
        if (at == std::string::npos || text.find(from, at + 1) != std::string::npos)
            throw std::logic_error("test setup: '" + from + "' must occur exactly once in " + source);
        return write(name, text.replace(at, from.size(), to));
    }

    /// `source` cut to its first `bytes` bytes.
    std::string truncated(const std::string& source, const std::string& name, std::size_t bytes) const
    {
        return write(name, readText(voltsim::test::sourceDir() + "/" + source).substr(0, bytes));
    }

    /// A FIFO nobody writes to (a reader that opened it blocking would wait for ever).
    std::string fifo(const std::string& name) const
    {
        fs::create_directories(fs::path(path(name)).parent_path());
        if (mkfifo(path(name).c_str(), 0600) != 0)
            throw std::logic_error("test setup: mkfifo " + path(name));
        return path(name);
    }

    /// `name` -> `name`.b -> `name`: a symlink loop.
    std::string symlinkLoop(const std::string& name) const
    {
        fs::create_symlink(path(name) + ".b", path(name));
        fs::create_symlink(path(name), path(name) + ".b");
        return path(name);
    }

    /// A sparse file of `bytes` bytes (its size is all a size cap looks at).
    std::string sparse(const std::string& name, std::uintmax_t bytes) const
    {
        write(name, "{");
        fs::resize_file(path(name), bytes);
        return path(name);
    }

    std::string directory(const std::string& name) const
    {
        fs::create_directories(path(name));
        return path(name);
    }

    /// The tiny hand-computed package of tests/workloads, `edit`ed, written to `name`/.
    std::string package(const std::string& name,
                        const std::function<void(voltsim::test::PackageFiles&)>& edit,
                        bool keepDeclared = false) const
    {
        voltsim::test::PackageFiles files = voltsim::test::tinyPackageWithGolden();
        edit(files);
        std::string dir = directory(name);
        files.write(dir, keepDeclared);
        return dir;
    }

    /// An IDX file: magic 0 0 type rank, big-endian dims, then `data`.
    std::string idx(const std::string& name, std::uint8_t type, const std::vector<std::uint32_t>& dims,
                    const std::string& data) const
    {
        std::string bytes{'\0', '\0', static_cast<char>(type), static_cast<char>(dims.size())};
        for (auto dim : dims)
            for (int shift = 24; shift >= 0; shift -= 8)
                bytes += static_cast<char>((dim >> shift) & 0xff);
        return write(name, bytes + data);
    }

    /// A Fashion-MNIST-style data directory with 2 images of 3x3 and 2 labels; `images`/`labels`
    /// replace the respective file content when non-empty.
    std::string dataDir(const std::string& images, const std::string& labels) const
    {
        std::string dir = directory("data");
        if (images.empty())
            idx("data/t10k-images-idx3-ubyte", 8, {2, 3, 3}, std::string(18, '\1'));
        else
            write("data/t10k-images-idx3-ubyte", images);
        if (labels.empty())
            idx("data/t10k-labels-idx1-ubyte", 8, {2}, std::string("\1\2", 2));
        else
            write("data/t10k-labels-idx1-ubyte", labels);
        return dir;
    }

  private:
    TempDir m_dir;
};

struct BadInputCase {
    std::string name; ///< <loader>_<class>
    std::function<Invocation(const Scratch&)> make;
};

void PrintTo(const BadInputCase& item, std::ostream* out)
{
    *out << item.name;
}

const std::string kProfile = "memory/profiles/stutz2021-14nm.json";
const std::string kUniform = "memory/profiles/uniform.json";
const std::string kCells = "memory/profiles/examples/cells-example.csv";
const std::string kTopology = "workloads/topologies/alexnet.csv";
const std::string kCfg = "workloads/topologies/scale_32x32_os.cfg";
const std::string kSweepConfig = "configs/sweep/default.json";

Invocation sweepConfig(const std::string& file, std::vector<std::string> names)
{
    names.insert(names.begin(), file);
    return {{"sweep", "--config", file, "--dump-config"}, std::move(names)};
}

Invocation profileShow(const std::string& file, std::vector<std::string> names)
{
    names.insert(names.begin(), file);
    return {{"profile", "show", file}, std::move(names)};
}

Invocation importCells(const std::string& file, std::vector<std::string> names)
{
    names.insert(names.begin(), file);
    return {{"profile", "import", "--cells", file, "--arrays", "2", "--rows", "4", "--columns", "16",
             "--vmin-mv", "700", "--out", "imported.json"},
            std::move(names)};
}

/// `voltsim profile import --cells` of the shipped example (which imports) with `flag value` added.
Invocation importFlag(const std::string& flag, const std::string& value, std::vector<std::string> names)
{
    Invocation invocation = importCells(voltsim::test::sourceDir() + "/" + kCells, {});
    invocation.args.insert(invocation.args.end(), {flag, value});
    invocation.mustName = std::move(names);
    return invocation;
}

Invocation importIbm(const std::string& dir, std::vector<std::string> names)
{
    return {{"profile", "import", "--ibm", dir, "--out", "imported.json"}, std::move(names)};
}

/// A copy of the shipped IBM example with `changes` (file name -> content; "" removes the file).
std::string ibmCopy(const Scratch& scratch, const std::vector<std::pair<std::string, std::string>>& changes)
{
    std::string dir = scratch.directory("ibm");
    const fs::path folder = dir;
    for (const auto& entry :
         fs::directory_iterator(voltsim::test::sourceDir() + "/memory/profiles/examples/ibm-example"))
        fs::copy_file(entry.path(), folder / entry.path().filename());
    for (const auto& [name, text] : changes) {
        fs::remove(folder / name);
        if (!text.empty())
            writeText((folder / name).string(), text);
    }
    return dir;
}

/// Sets manifest[object][key] of a written package (after the sizes and checksums were declared).
void patchManifest(const std::string& dir, const std::string& object, const std::string& key,
                   const json& value)
{
    json manifest = json::parse(readText(dir + "/manifest.json"));
    manifest[object][key] = value;
    writeText(dir + "/manifest.json", manifest.dump(2));
}

/// Replaces a written package's golden.json by `text` and declares its SHA-256 in the manifest, so
/// that the content (not the checksum) is what fails.
void rewriteGolden(const std::string& dir, const std::string& text)
{
    writeText(dir + "/golden.json", text);
    json manifest = json::parse(readText(dir + "/manifest.json"));
    manifest["golden"]["sha256"] = voltsim::workloads::Sha256::hexOf(text.data(), text.size());
    writeText(dir + "/manifest.json", manifest.dump(2));
}

Invocation layers(const std::string& topology, std::vector<std::string> names)
{
    return {{"layers", "--topology", topology}, std::move(names)};
}

Invocation layersCfg(const std::string& cfg, std::vector<std::string> names)
{
    names.insert(names.begin(), cfg);
    return {{"layers", "--topology", voltsim::test::sourceDir() + "/" + kTopology, "--scalesim-config", cfg},
            std::move(names)};
}

Invocation modelInfo(const std::string& dir, std::vector<std::string> names)
{
    return {{"model", "info", dir}, std::move(names)};
}

/// `model check` reads the golden file and then the data directory (both after the manifest).
Invocation modelCheck(const std::string& dir, const std::string& data, std::vector<std::string> names)
{
    return {{"model", "check", dir, "--dataset", "idx:" + data, "--threads", "1"}, std::move(names)};
}

/// `voltsim run` on one image with `flag value`.
Invocation runFlag(const std::string& flag, const std::string& value, std::vector<std::string> names)
{
    return {{"run", "--model", voltsim::test::modelDir("randbet-8bit"), "--images", "1", flag, value},
            std::move(names)};
}

/// `voltsim sweep --dump-config` with `flag value`: flags are checked before anything is written.
Invocation sweepFlag(const std::string& flag, const std::string& value, std::vector<std::string> names)
{
    return {{"sweep", flag, value, "--dump-config"}, std::move(names)};
}

const std::string kTopologyHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

std::vector<BadInputCase> cases()
{
    using S = const Scratch&;
    using voltsim::test::PackageFiles;
    return {
        // --- config (voltsim sweep --config) ---
        {"config_missing", [](S s) { return sweepConfig(s.path("absent.json"), {"cannot open"}); }},
        {"config_directory", [](S s) { return sweepConfig(s.directory("cfg.json"), {"is a directory"}); }},
        {"config_truncated",
         [](S s) { return sweepConfig(s.truncated(kSweepConfig, "c.json", 40), {"not valid JSON"}); }},
        {"config_empty", [](S s) { return sweepConfig(s.write("c.json", ""), {"not valid JSON"}); }},
        {"energy_table_bad_value",
         [](S s) {
             const std::string table =
                 s.write("e.json", R"({"format": "voltsim-energy-table", "version": 1, "mac_pj": -1,
                                                            "sram_profile": "stutz2021-14nm"})");
             const std::string config =
                 s.write("c.json", R"({"accelerator": {"energy": {"table": ")" + table + R"("}}})");
             return Invocation{{"sweep", "--config", config, "--dump-config"},
                               {table + ": mac_pj: expected a number > 0, got -1"}};
         }},
        {"placement_unknown",
         [](S) {
             return Invocation{{"run", "--model", voltsim::test::modelDir("randbet-8bit"), "--images", "1",
                                "--set", "weight_sram.placement=spread"},
                               {"weight_sram.placement", "spread", "resident"}};
         }},
        {"placement_resident_does_not_fit",
         [](S) {
             return Invocation{{"run", "--model", voltsim::test::modelDir("randbet-8bit"), "--profile",
                                "salami2018-vc707", "--images", "1", "--set",
                                "weight_sram.placement=resident"},
                               {"weight_sram.placement", "105866 bytes", "holds 65536"}};
         }},
        {"config_not_object",
         [](S s) {
             return sweepConfig(s.write("c.json", "[1, 2]"), {"c.json: expected an object, got [1,2]"});
         }},
        {"config_wrong_type",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"chips": "3"})"), {"chips", "integer"});
         }},
        {"config_unknown_key",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"chipz": 3})"), {"chipz", "unknown key"});
         }},
        {"config_unknown_nested_key",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"accelerator": {"array": {"rowz": 3}}})"),
                                {"accelerator.array.rowz", "unknown key"});
         }},
        {"config_removed_layout_section",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"layout": {"packing": "packed"}})"),
                                {"layout", "unknown key"});
         }},
        {"config_accelerator_missing",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"accelerator": "absent.json"})"),
                                {"accelerator", "absent.json", "cannot open"});
         }},
        {"config_accelerator_flag_missing",
         [](S s) {
             return Invocation{{"sweep", "--accelerator", s.path("absent.json"), "--dump-config"},
                               {"accelerator", "absent.json", "cannot open"}};
         }},
        {"config_accelerator_not_a_file_name",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"accelerator": 32})"),
                                {"accelerator", "file name or an object"});
         }},
        {"config_accelerator_file_unknown_key",
         [](S s) {
             const auto accelerator = s.write("a.json", R"({"clock_mhz": 500, "clock_ghz": 1})");
             const auto config = s.write("c.json", R"({"accelerator": ")" + accelerator + R"("})");
             return Invocation{{"sweep", "--config", config, "--dump-config"},
                               {accelerator, "clock_ghz", "unknown key"}};
         }},
        {"config_duplicate_key",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"chips": 3, "chips": 4})"), {"chips", "duplicate key"});
         }},
        {"config_nan",
         [](S s) { return sweepConfig(s.write("c.json", R"({"max_loss_pp": NaN})"), {"not valid JSON"}); }},
        {"config_infinity",
         [](S s) { return sweepConfig(s.write("c.json", R"({"max_loss_pp": 1e999})"), {"not valid JSON"}); }},
        {"config_negative",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"chips": -5})"), {"chips", "-5"});
         }},
        {"config_absurd",
         [](S s) { return sweepConfig(s.write("c.json", R"({"chips": 100000000000})"), {"chips"}); }},

        // --- SRAM profile (voltsim profile show) ---
        {"profile_missing", [](S s) { return profileShow(s.path("absent.json"), {"not found"}); }},
        {"profile_directory", [](S s) { return profileShow(s.directory("p.json"), {"is a directory"}); }},
        {"profile_truncated",
         [](S s) { return profileShow(s.truncated(kProfile, "p.json", 300), {"not valid JSON"}); }},
        {"profile_empty", [](S s) { return profileShow(s.write("p.json", ""), {"not valid JSON"}); }},
        {"profile_wrong_type",
         [](S s) {
             return profileShow(
                 s.edit(kUniform, "p.json", "\"voltage_nom_mv\": 800", "\"voltage_nom_mv\": \"800\""),
                 {"voltage_nom_mv"});
         }},
        {"profile_unknown_key",
         [](S s) {
             return profileShow(
                 s.edit(kUniform, "p.json", "\"version\": 1,", "\"version\": 1, \"colour\": 1,"), {"colour"});
         }},
        {"profile_unknown_nested_key",
         [](S s) {
             return profileShow(
                 s.edit(kUniform, "p.json", "\"word_bits\": 64", "\"word_bits\": 64, \"banks\": 2"),
                 {"banks"});
         }},
        {"profile_duplicate_key",
         [](S s) {
             return profileShow(
                 s.edit(kUniform, "p.json", "\"version\": 1,", "\"version\": 1, \"version\": 1,"),
                 {"version", "duplicate key"});
         }},
        {"profile_nan",
         [](S s) {
             return profileShow(s.edit(kUniform, "p.json", "\"max_ber\": 0.1", "\"max_ber\": NaN"),
                                {"not valid JSON"});
         }},
        {"profile_infinity",
         [](S s) {
             return profileShow(
                 s.edit(kUniform, "p.json", "\"voltage_nom_mv\": 800", "\"voltage_nom_mv\": 1e999"),
                 {"not valid JSON"});
         }},
        {"profile_negative",
         [](S s) {
             return profileShow(s.edit(kUniform, "p.json", "\"rows\": 512", "\"rows\": -512"), {"rows"});
         }},
        {"profile_absurd_size",
         [](S s) {
             return profileShow(s.edit(kUniform, "p.json", "\"arrays\": 32", "\"arrays\": 4294967296000"),
                                {"arrays"});
         }},
        {"profile_shape_mismatch",
         [](S s) {
             return profileShow(s.edit(kProfile, "p.json", "[800, 0]", "[800, 0, 1]"),
                                {"bit_error_rate.points[0]", "expected an array of 2 elements, got 3"});
         }},
        {"profile_wrong_version",
         [](S s) {
             return profileShow(s.edit(kUniform, "p.json", "\"version\": 1", "\"version\": 2"), {"version"});
         }},
        {"profile_wrong_format",
         [](S s) {
             return profileShow(s.edit(kUniform, "p.json", "\"voltsim-sram-profile\"", "\"voltsim-model\""),
                                {"format"});
         }},

        // --- fault map: sparse cells CSV (voltsim profile import --cells) ---
        {"cells_missing", [](S s) { return importCells(s.path("absent.csv"), {"cannot open"}); }},
        {"cells_directory", [](S s) { return importCells(s.directory("cells.csv"), {"is a directory"}); }},
        {"cells_empty", [](S s) { return importCells(s.write("cells.csv", ""), {"missing the header"}); }},
        {"cells_truncated_row",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "1,1,1,550,0", "1,1,1"), {":7:", "5 fields"});
         }},
        {"cells_wrong_type",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "0,3,15,600,1", "0,three,15,600,1"),
                                {":5:", "row", "three"});
         }},
        {"cells_unknown_column",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "stuck_value\n", "stuck_value,colour\n"),
                                {":3:", "header"});
         }},
        {"cells_nan",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "0,3,15,600,1", "0,3,15,nan,1"),
                                {":5:", "failure_mv"});
         }},
        {"cells_infinity",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "0,3,15,600,1", "0,3,15,inf,1"),
                                {":5:", "failure_mv"});
         }},
        {"cells_negative",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "0,3,15,600,1", "0,-3,15,600,1"), {":5:", "row"});
         }},
        {"cells_absurd",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "0,3,15,600,1", "0,4294967296,15,600,1"),
                                {":5:", "row"});
         }},
        {"cells_outside_geometry",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "0,3,15,600,1", "0,3,16,600,1"), {":5:", "column"});
         }},
        {"cells_duplicate",
         [](S s) {
             return importCells(s.edit(kCells, "c.csv", "1,1,1,550,0", "0,3,15,550,0"), {":7:", "twice"});
         }},

        // --- fault map: IBM sa0/sa1 matrices (voltsim profile import --ibm) ---
        {"ibm_missing",
         [](S s) {
             return importIbm(s.path("absent"), {"absent", "not a directory"});
         }},
        {"ibm_file_not_directory",
         [](S s) {
             const auto f = s.write("maps.txt", "0,1\n");
             return importIbm(f, {f, "not a directory"});
         }},
        {"ibm_no_maps",
         [](S s) {
             const auto d = s.directory("empty");
             return importIbm(d, {d, "no fmap_sa0"});
         }},
        {"ibm_map_is_directory",
         [](S s) {
             const auto d = ibmCopy(s, {{"fmap_sa1_v_0.65.txt", ""}});
             fs::create_directory(d + "/fmap_sa1_v_0.65.txt");
             return importIbm(d, {"fmap_sa1_v_0.65.txt", "is a directory"});
         }},
        {"ibm_unpaired",
         [](S s) {
             return importIbm(ibmCopy(s, {{"fmap_sa1_v_0.65.txt", ""}}),
                              {"fmap_sa0_v_0.65.txt", "no matching fmap_sa1"});
         }},
        {"ibm_wrong_type",
         [](S s) {
             return importIbm(ibmCopy(s, {{"fmap_sa0_v_0.70.txt", "0,0\n0,2\n"}}),
                              {"fmap_sa0_v_0.70.txt:2", "'2'"});
         }},
        {"ibm_ragged_row",
         [](S s) {
             return importIbm(ibmCopy(s, {{"fmap_sa0_v_0.70.txt", "0,0,0\n0,0\n"}}),
                              {"fmap_sa0_v_0.70.txt:2", "columns"});
         }},
        {"ibm_shape_mismatch",
         [](S s) {
             return importIbm(ibmCopy(s, {{"fmap_sa0_v_0.70.txt", "0,0\n0,0\n"}}),
                              {"fmap_sa1_v_0.70.txt", "differs"});
         }},
        {"ibm_empty_map",
         [](S s) {
             return importIbm(ibmCopy(s, {{"fmap_sa0_v_0.70.txt", "\n"}}), {"fmap_sa0_v_0.70.txt", "empty"});
         }},
        {"ibm_nan_voltage",
         [](S s) {
             return importIbm(ibmCopy(s, {{"fmap_sa0_v_nan.txt", "0\n"}, {"fmap_sa1_v_nan.txt", "0\n"}}),
                              {"fmap_sa", "_v_nan.txt", "voltage"});
         }},

        // --- model package: manifest.json, codes.bin (voltsim model info) ---
        {"package_missing",
         [](S s) {
             return modelInfo(s.path("absent"), {"absent/manifest.json", "cannot open"});
         }},
        {"package_manifest_directory",
         [](S s) {
             const auto d = s.directory("pkg/manifest.json");
             return modelInfo(s.path("pkg"), {d, "is a directory"});
         }},
        {"package_manifest_truncated",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             writeText(d + "/manifest.json", readText(d + "/manifest.json").substr(0, 200));
             return modelInfo(d, {"manifest.json", "not valid JSON"});
         }},
        {"package_manifest_duplicate_key",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             writeText(d + "/manifest.json", "{\"name\": \"x\", " + readText(d + "/manifest.json").substr(1));
             return modelInfo(d, {"manifest.json", "name", "duplicate key"});
         }},
        {"package_wrong_type",
         [](S s) {
             return modelInfo(
                 s.package("pkg", [](PackageFiles& f) { f.manifest["layers"][0]["stride"] = "1"; }),
                 {"manifest.json", "layers[0].stride"});
         }},
        {"package_unknown_key",
         [](S s) {
             return modelInfo(
                 s.package("pkg", [](PackageFiles& f) { f.manifest["layers"][3]["dropout"] = 0.5; }),
                 {"manifest.json", "layers[3]", "dropout"});
         }},
        {"package_nan",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles& f) { f.manifest["clean_test_error"] = 0.125; });
             std::string text = readText(d + "/manifest.json");
             text.replace(text.find("0.125"), 5, "NaN");
             writeText(d + "/manifest.json", text);
             return modelInfo(d, {"manifest.json", "not valid JSON"});
         }},
        {"package_infinity",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles& f) { f.manifest["clean_test_error"] = 0.125; });
             std::string text = readText(d + "/manifest.json");
             text.replace(text.find("0.125"), 5, "-1e999");
             writeText(d + "/manifest.json", text);
             return modelInfo(d, {"manifest.json", "not valid JSON"});
         }},
        {"package_negative",
         [](S s) {
             return modelInfo(
                 s.package("pkg", [](PackageFiles& f) { f.manifest["layers"][0]["weight"]["count"] = -8; }),
                 {"manifest.json", "layers[0].weight.count"});
         }},
        {"package_absurd_size",
         [](S s) {
             return modelInfo(
                 s.package(
                     "pkg", [](PackageFiles& f) { f.manifest["blob"]["bytes"] = std::int64_t(1) << 40; },
                     true),
                 {"manifest.json", "blob.bytes"});
         }},
        {"package_absurd_shape",
         [](S s) {
             return modelInfo(s.package("pkg",
                                        [](PackageFiles& f) {
                                            f.manifest["dataset"]["input_shape"] = {1, 1 << 20, 1 << 20};
                                        }),
                              {"manifest.json", "input_shape"});
         }},
        {"package_shape_mismatch",
         [](S s) {
             return modelInfo(s.package("pkg",
                                        [](PackageFiles& f) {
                                            f.manifest["layers"][0]["out_shape"] = {2, 3, 3};
                                        }),
                              {"manifest.json", "layers[0]"});
         }},
        {"package_wrong_version",
         [](S s) {
             return modelInfo(s.package("pkg", [](PackageFiles& f) { f.manifest["format_version"] = 3; }),
                              {"manifest.json", "format_version", "version 3"});
         }},
        {"package_blob_checksum",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             patchManifest(d, "blob", "sha256", std::string(64, 'a'));
             return modelInfo(d, {"codes.bin", "SHA-256"});
         }},
        {"package_blob_truncated",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             writeText(d + "/codes.bin", readText(d + "/codes.bin").substr(0, 10));
             return modelInfo(d, {"codes.bin", "has 10 bytes"});
         }},
        {"package_blob_missing",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             fs::remove(d + "/codes.bin");
             return modelInfo(d, {"codes.bin", "cannot open"});
         }},
        {"package_blob_directory",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             fs::remove(d + "/codes.bin");
             fs::create_directory(d + "/codes.bin");
             return modelInfo(d, {"codes.bin", "is a directory"});
         }},
        {"package_code_out_of_range",
         [](S s) {
             return modelInfo(s.package("pkg", [](PackageFiles& f) { f.codes[12] = 16; }),
                              {"codes.bin", "byte 12"});
         }},

        // --- model package: golden.json (voltsim model check) ---
        {"golden_checksum",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             patchManifest(d, "golden", "sha256", std::string(64, 'b'));
             return modelCheck(d, s.path("nodata"), {"golden.json", "SHA-256"});
         }},
        {"golden_truncated",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             rewriteGolden(d, readText(d + "/golden.json").substr(0, 100));
             return modelCheck(d, s.path("nodata"), {"golden.json", "not valid JSON"});
         }},
        {"golden_shape_mismatch",
         [](S s) {
             return modelCheck(s.package("pkg",
                                         [](PackageFiles& f) {
                                             f.golden["images"][2]["logits"] = {1, 2};
                                         }),
                               s.path("nodata"), {"golden.json", "images[2].logits"});
         }},
        {"golden_unknown_key",
         [](S s) {
             return modelCheck(s.package("pkg", [](PackageFiles& f) { f.golden["faulty"]["colour"] = 1; }),
                               s.path("nodata"), {"golden.json", "faulty", "colour"});
         }},
        {"golden_wrong_logits",
         [](S s) {
             return modelCheck(s.package("pkg",
                                         [](PackageFiles& f) {
                                             f.golden["images"][1]["logits"] = {3, 2, -36};
                                         }),
                               s.path("nodata"), {"golden.json", "images[1]"});
         }},

        // --- IDX data (voltsim model check --dataset idx:DIR) ---
        {"idx_missing",
         [](S s) {
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.directory("nodata"),
                               {"t10k-images-idx3-ubyte", "cannot open"});
         }},
        {"idx_directory",
         [](S s) {
             s.directory("data/t10k-images-idx3-ubyte");
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.path("data"),
                               {"t10k-images-idx3-ubyte", "is a directory"});
         }},
        {"idx_truncated_header",
         [](S s) {
             return modelCheck(s.package("pkg", [](PackageFiles&) {}),
                               s.dataDir(std::string("\0\0\x08", 3), ""),
                               {"t10k-images-idx3-ubyte", "truncated"});
         }},
        {"idx_truncated_data",
         [](S s) {
             const auto images = s.idx("tmp.idx", 8, {2, 3, 3}, std::string(17, '\1'));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir(readText(images), ""),
                               {"t10k-images-idx3-ubyte", "truncated"});
         }},
        {"idx_trailing_data",
         [](S s) {
             const auto images = s.idx("tmp.idx", 8, {2, 3, 3}, std::string(19, '\1'));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir(readText(images), ""),
                               {"t10k-images-idx3-ubyte", "trailing"});
         }},
        {"idx_wrong_type",
         [](S s) {
             const auto images = s.idx("tmp.idx", 0x0d, {2, 3, 3}, std::string(72, '\1'));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir(readText(images), ""),
                               {"t10k-images-idx3-ubyte", "data type 13"});
         }},
        {"idx_wrong_rank",
         [](S s) {
             const auto images = s.idx("tmp.idx", 8, {2, 9}, std::string(18, '\1'));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir(readText(images), ""),
                               {"t10k-images-idx3-ubyte", "2 dimensions"});
         }},
        {"idx_bad_magic",
         [](S s) {
             return modelCheck(s.package("pkg", [](PackageFiles&) {}),
                               s.dataDir(std::string("\x01\x00\x08\x03", 4) + std::string(30, '\0'), ""),
                               {"t10k-images-idx3-ubyte", "magic"});
         }},
        {"idx_absurd_size",
         [](S s) {
             const auto images =
                 s.idx("tmp.idx", 8, {0xffffffffu, 0xffffffffu, 0xffffffffu}, std::string(18, '\1'));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir(readText(images), ""),
                               {"t10k-images-idx3-ubyte", "more than"});
         }},
        {"idx_zero_size",
         [](S s) {
             const auto images = s.idx("tmp.idx", 8, {0, 3, 3}, "");
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir(readText(images), ""),
                               {"t10k-images-idx3-ubyte", "is 0"});
         }},
        {"idx_count_mismatch",
         [](S s) {
             const auto labels = s.idx("tmp.idx", 8, {3}, std::string("\1\2\3", 3));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir("", readText(labels)),
                               {"t10k-labels-idx1-ubyte", "3 labels"});
         }},
        {"idx_label_out_of_range",
         [](S s) {
             const auto labels = s.idx("tmp.idx", 8, {2}, std::string("\1\12", 2));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.dataDir("", readText(labels)),
                               {"data", "11 classes (largest label 10 in "});
         }},
        {"idx_corrupt_gzip",
         [](S s) {
             s.dataDir("", "");
             fs::remove(s.path("data/t10k-images-idx3-ubyte"));
             s.write("data/t10k-images-idx3-ubyte.gz",
                     std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-not-deflate", 29));
             return modelCheck(s.package("pkg", [](PackageFiles&) {}), s.path("data"),
                               {"t10k-images-idx3-ubyte.gz"});
         }},

        // --- SCALE-Sim topology CSV (voltsim layers --topology) ---
        {"topology_missing",
         [](S s) {
             const auto f = s.path("absent.csv");
             return layers(f, {f, "cannot open"});
         }},
        {"topology_directory",
         [](S s) {
             const auto f = s.directory("t.csv");
             return layers(f, {f, "is a directory"});
         }},
        {"topology_empty",
         [](S s) {
             const auto f = s.write("t.csv", "");
             return layers(f, {f});
         }},
        {"topology_header_only",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader);
             return layers(f, {f, "no layers"});
         }},
        {"topology_unknown_header",
         [](S s) {
             const auto f = s.write("t.csv", "Layer, Rows, Cols,\nA, 1, 2,\n");
             return layers(f, {f + ":1"});
         }},
        {"topology_truncated_row",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 8, 8, 3, 3\n");
             return layers(f, {f + ":2"});
         }},
        {"topology_extra_column",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 8, 8, 3, 3, 1, 4, 1, 7, 9,\n");
             return layers(f, {f + ":2"});
         }},
        {"topology_wrong_type",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 8, eight, 3, 3, 1, 4, 1,\n");
             return layers(f, {f + ":2", "IFMAP Width"});
         }},
        {"topology_nan",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 8, 8, nan, 3, 1, 4, 1,\n");
             return layers(f, {f + ":2", "Filter Height"});
         }},
        {"topology_infinity",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 8, 8, 3, 3, inf, 4, 1,\n");
             return layers(f, {f + ":2", "Channels"});
         }},
        {"topology_negative",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 8, 8, 3, 3, 1, -4, 1,\n");
             return layers(f, {f + ":2", "Num Filter"});
         }},
        {"topology_absurd",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 9999999999, 8, 3, 3, 1, 4, 1,\n");
             return layers(f, {f + ":2", "IFMAP Height"});
         }},
        {"topology_shape_mismatch",
         [](S s) {
             const auto f = s.write("t.csv", kTopologyHeader + "C1, 8, 8, 9, 3, 1, 4, 1,\n");
             return layers(f, {f + ":2", "Filter Height"});
         }},

        // --- SCALE-Sim .cfg (voltsim layers --scalesim-config) ---
        {"cfg_missing", [](S s) { return layersCfg(s.path("absent.cfg"), {"cannot open"}); }},
        {"cfg_directory", [](S s) { return layersCfg(s.directory("a.cfg"), {"is a directory"}); }},
        {"cfg_truncated", [](S s) { return layersCfg(s.truncated(kCfg, "a.cfg", 90), {":6"}); }},
        {"cfg_unknown_key",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "Bandwidth : 10", "Bandwith : 10"), {":13", "bandwith"});
         }},
        {"cfg_unknown_section",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "[run_presets]", "[run_presetz]"),
                              {":16", "run_presetz"});
         }},
        {"cfg_wrong_type",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "ArrayHeight:    32", "ArrayHeight:    tall"),
                              {":5", "arrayheight"});
         }},
        {"cfg_nan",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "IfmapSramSzkB:   64", "IfmapSramSzkB:   nan"),
                              {":7", "ifmapsramszkb"});
         }},
        {"cfg_infinity",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "IfmapSramSzkB:   64", "IfmapSramSzkB:   inf"),
                              {":7", "ifmapsramszkb"});
         }},
        {"cfg_negative",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "ArrayWidth:     32", "ArrayWidth:     -32"),
                              {":6", "arraywidth"});
         }},
        {"cfg_absurd",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "ArrayWidth:     32", "ArrayWidth:     99999999999"),
                              {":6", "arraywidth"});
         }},
        {"cfg_bad_choice",
         [](S s) {
             return layersCfg(s.edit(kCfg, "a.cfg", "Dataflow : os", "Dataflow : xy"), {":14", "dataflow"});
         }},

        // --- values are values: 0, negatives and repeats are checked, never read as "not given" ---
        {"run_voltage_rel_zero",
         [](S) {
             return runFlag("--voltage-rel", "0", {"--voltage-rel: weight_sram.voltage_rel", "got 0"});
         }},
        {"run_voltage_mv_zero",
         [](S) {
             return runFlag("--voltage-mv", "0", {"--voltage-mv: weight_sram.voltage_mv", "got 0"});
         }},
        {"run_ber_negative",
         [](S) {
             return runFlag("--ber", "-0.01", {"--ber: weight_sram.ber", "got -0.01"});
         }},
        {"run_voltage_rel_nan",
         [](S) {
             return runFlag("--voltage-rel", "nan",
                            {"--voltage-rel: weight_sram.voltage_rel", "got \"nan\""});
         }},
        // --- voltage rails (docs/accelerator.md, "Voltage rails") ---
        {"run_rail_unknown_for_sram",
         [](S) {
             return runFlag("--set", "activation_sram.rail=core",
                            {"--set activation_sram.rail=core: activation_sram.rail", "no rail 'core'",
                             "rails: weight (weight_sram.rail), activation, accumulator"});
         }},
        {"run_sram_on_no_rail",
         [](S) {
             return runFlag("--set", "accumulator_sram.rail=\"\"",
                            {"accumulator_sram.rail", "every SRAM is on a rail"});
         }},
        {"run_rail_flag_unknown_name",
         [](S) {
             return runFlag("--rail", "core=0.9", {"--rail core=0.9: rails.core", "holds no SRAM"});
         }},
        {"run_rail_flag_weight_rail",
         [](S) {
             return runFlag("--rail", "weight=0.9",
                            {"--rail weight=0.9: rails.weight", "the weight SRAM's rail", "--voltage-rel"});
         }},
        {"run_rail_flag_negative",
         [](S) {
             return runFlag("--rail", "activation=-0.9",
                            {"--rail activation=-0.9: rails.activation.voltage_rel", "got -0.9"});
         }},
        {"run_rail_flag_absurd_mv",
         [](S) {
             return runFlag("--rail", "accumulator=5000mV",
                            {"--rail accumulator=5000mV: rails.accumulator.voltage_mv", "5000"});
         }},
        {"run_rail_flag_below_profile",
         [](S) {
             return runFlag("--rail", "accumulator=0.5",
                            {"--rail accumulator=0.5: rails.accumulator.voltage_rel", "400"});
         }},
        {"run_rail_flag_malformed",
         [](S) {
             return runFlag("--rail", "accumulator", {"--rail: expected NAME=V", "'accumulator'"});
         }},
        {"run_rail_flag_bad_name",
         [](S) {
             return runFlag("--rail", "a.b=0.9", {"--rail", "rail name 'a.b'"});
         }},
        {"run_rail_both_voltages",
         [](S s) {
             const std::string config = s.write("rails.json", R"({"rails": {"activation": {"voltage_mv": 700,
                 "voltage_rel": 0.9}}})");
             return Invocation{
                 {"run", "--model", voltsim::test::modelDir("randbet-8bit"), "--images", "1", "--config",
                  config},
                 {"rails.json: rails.activation.voltage_mv", "at most one of voltage_mv and voltage_rel"}};
         }},
        {"sweep_rail_flag_unknown_name",
         [](S) {
             return sweepFlag("--rail", "core=0.9",
                              {"--rail core=0.9: accelerator.rails.core", "holds no SRAM"});
         }},

        {"layers_voltage_infinite",
         [](S) {
             return Invocation{{"layers", "--topology", "alexnet", "--voltage-mv", "inf"},
                               {"--voltage-mv: expected a number > 0", "got \"inf\""}};
         }},
        {"profile_sample_ber_nan",
         [](S) {
             return Invocation{{"profile", "sample", "uniform", "--ber", "nan"},
                               {"--ber: expected a number in [0, 1]"}};
         }},
        {"profile_import_vnom_zero",
         [](S) {
             return importFlag("--vnom-mv", "0", {"--vnom-mv: expected a number > 0", "got 0"});
         }},
        {"run_chips_zero",
         [](S) {
             return runFlag("--chips", "0", {"--chips: run.chips", "got 0"});
         }},
        {"sweep_voltages_rel_zero",
         [](S s) {
             return Invocation{
                 {"sweep", "--models", "randbet-8bit", "--voltages-rel", "0", "--out", s.path("o")},
                 {"--voltages-rel: voltages_rel", "0 mV is outside"}};
         }},
        {"sweep_voltages_mv_zero",
         [](S s) {
             return Invocation{
                 {"sweep", "--models", "randbet-8bit", "--voltages-mv", "0", "--out", s.path("o")},
                 {"--voltages-mv: voltages_mv", "0 mV is outside"}};
         }},
        {"sweep_bers_negative",
         [](S) { return sweepFlag("--bers", "-0.01", {"--bers: -0.01 is negative"}); }},
        {"sweep_bers_empty_item",
         [](S) { return sweepFlag("--bers", "0.01,,0.02", {"--bers: '0.01,,0.02': empty item"}); }},
        {"sweep_models_trailing_comma",
         [](S) { return sweepFlag("--models", "randbet-8bit,", {"--models: 'randbet-8bit,': empty item"}); }},
        {"sweep_bers_repeated",
         [](S) {
             return sweepFlag("--bers", "0.01,0.01", {"--bers: bers", "0.01 appears twice"});
         }},
        {"sweep_voltages_repeated",
         [](S) {
             return sweepFlag("--voltages-rel", "1.0,0.9,1.0",
                              {"--voltages-rel: voltages_rel", "1.0 appears twice"});
         }},
        {"sweep_models_repeated",
         [](S) {
             return sweepFlag("--models", "randbet-8bit,randbet-8bit",
                              {"models", "\"randbet-8bit\" appears twice"});
         }},
        {"flag_over_config_file_named",
         [](S s) {
             const std::string file = s.write("c.json", R"({"chips": 3})");
             return Invocation{{"sweep", "--config", file, "--chips", "0", "--dump-config"},
                               {"error: --chips: chips: expected an integer in [1, 100000], got 0"}};
         }},
        {"set_over_flag_named",
         [](S) {
             return runFlag("--set", "run.chips=0", {"error: --set run.chips=0: run.chips", "got 0"});
         }},
        {"set_inline_accelerator_named",
         [](S) {
             return sweepFlag("--set", "accelerator.clock_mhz=0",
                              {"error: --set accelerator.clock_mhz=0: accelerator.clock_mhz", "got 0"});
         }},
        {"config_axis_repeated",
         [](S s) {
             return sweepConfig(s.write("c.json", R"({"voltages_mv": [700, 720, 700]})"),
                                {"voltages_mv", "700.0 appears twice"});
         }},
        {"sweep_shard_negative_count",
         [](S) {
             return sweepFlag("--shard", "1/-2", {"--shard", "'1/-2'", "0 <= I < N"});
         }},
        {"sweep_threads_zero",
         [](S) {
             return sweepFlag("--threads", "0", {"--threads", "[1, 1024]", "got 0"});
         }},
        {"sweep_threads_negative",
         [](S) {
             return sweepFlag("--threads", "-1", {"--threads", "got -1"});
         }},
        {"model_check_threads_zero",
         [](S) {
             return Invocation{{"model", "check", "randbet-8bit", "--threads", "0"}, {"--threads", "got 0"}};
         }},
        {"layers_seed_negative",
         [](S) {
             return Invocation{{"layers", "--topology", "alexnet", "--seed", "-1"}, {"--seed", "got -1"}};
         }},
        {"profile_sample_banks_negative",
         [](S) {
             return Invocation{
                 {"profile", "sample", "stutz2021-14nm", "--voltage-rel", "0.9", "--banks", "-3"},
                 {"--banks", "got -3"}};
         }},
        {"import_measured_voltage_repeated",
         [](S) {
             return importFlag("--measured-mv", "700,650,700", {"--measured-mv", "700.0 appears twice"});
         }},
        // --- special files, symlink loops, size caps (docs/hardening.md, "Files") ---
        {"config_dev_zero", [](S) { return sweepConfig("/dev/zero", {"not a regular file"}); }},
        {"config_dev_urandom", [](S) { return sweepConfig("/dev/urandom", {"not a regular file"}); }},
        {"config_fifo", [](S s) { return sweepConfig(s.fifo("c.json"), {"not a regular file"}); }},
        {"config_symlink_loop",
         [](S s) { return sweepConfig(s.symlinkLoop("c.json"), {"Too many levels of symbolic links"}); }},
        {"config_too_large",
         [](S s) {
             return sweepConfig(s.sparse("c.json", (std::uintmax_t{64} << 20) + 1),
                                {"is 67108865 bytes, more than the 67108864 bytes"});
         }},
        {"run_config_fifo",
         [](S s) {
             return Invocation{{"run", "--config", s.fifo("c.json"), "--dump-config"},
                               {"c.json", "not a regular file"}};
         }},
        {"topology_dev_zero",
         [](S) {
             return layers("/dev/zero", {"/dev/zero", "not a regular file"});
         }},
        {"topology_fifo",
         [](S s) {
             return layers(s.fifo("t.csv"), {"t.csv", "not a regular file"});
         }},
        {"topology_symlink_loop",
         [](S s) {
             return layers(s.symlinkLoop("t.csv"), {"t.csv", "Too many levels"});
         }},
        {"profile_fifo", [](S s) { return profileShow(s.fifo("p.json"), {"not a regular file"}); }},
        {"package_manifest_fifo",
         [](S s) {
             const auto d = s.directory("pkg");
             return modelInfo(d, {s.fifo("pkg/manifest.json"), "not a regular file"});
         }},
        {"package_blob_fifo",
         [](S s) {
             const auto d = s.package("pkg", [](PackageFiles&) {});
             fs::remove(d + "/codes.bin");
             return modelInfo(d, {s.fifo("pkg/codes.bin"), "not a regular file"});
         }},
        // --- work bounded before anything is allocated ---
        {"package_too_many_layers",
         [](S s) {
             return modelInfo(
                 s.package("pkg",
                           [](PackageFiles& f) {
                               f.manifest["layers"] = json::array();
                               for (int i = 0; i < 65537; ++i)
                                   f.manifest["layers"].push_back(json::object());
                           }),
                 {"manifest.json", "layers", "expected an array of 1 to 65536 elements, got 65537"});
         }},
        {"layers_gemm_too_many_folds",
         [](S s) {
             return layers(s.write("t.csv", "Layer Name, M, N, K,\nbig, 16777216, 16777216, 16777216,\n"),
                           {"t.csv", "layer 'big'", "274877906944 folds", "more than the 4194304"});
         }},
        {"layers_too_many_folds_in_all",
         [](S s) {
             std::string csv = "Layer Name, M, N, K,\n";
             for (int i = 0; i < 20; ++i)
                 csv += "l" + std::to_string(i) + ", 4194304, 1024, 1024,\n";
             return layers(s.write("t.csv", csv), {"layer 'l16'", "more than the 67108864 folds"});
         }},
        {"layers_cycle_array_too_large",
         [](S) {
             return Invocation{{"layers", "--topology", "alexnet", "--array", "2048x2048", "--mode", "cycle",
                                "--timing", "native"},
                               {"--mode cycle", "4194304 PEs", "at most 262144"}};
         }},
        {"layers_cycle_matrix_too_large",
         [](S s) {
             return Invocation{{"layers", "--topology",
                                s.write("t.csv", "Layer Name, M, N, K,\nbig, 65536, 64, 65536,\n"), "--mode",
                                "cycle", "--timing", "native"},
                               {"layer 'big'", "4294967296 elements", "more than the 16777216"}};
         }},
        {"run_cycle_array_too_large",
         [](S) {
             return Invocation{{"run", "--model", voltsim::test::modelDir("randbet-8bit"), "--images", "1",
                                "--mode", "cycle", "--set", "array.rows=2048", "--set", "array.cols=2048"},
                               {"run.mode", "4194304 PEs", "at most 262144"}};
         }},
        {"merge_directory_repeated",
         [](S s) {
             const std::string dir = s.directory("part");
             return Invocation{{"merge", dir, dir + "/", "--out", s.path("m")}, {dir + "/", "given twice"}};
         }},
    };
}

class BadInputTest : public ::testing::TestWithParam<BadInputCase> {};

TEST_P(BadInputTest, ExitsTwoWithOneLineNamingFileAndField)
{
    const Scratch scratch;
    const Invocation invocation = GetParam().make(scratch);
    const Outcome outcome = runVoltsim(invocation.args, scratch.path(""));
    EXPECT_EQ(outcome.status, 2) << outcome.err;
    ASSERT_FALSE(outcome.err.empty());
    EXPECT_EQ(outcome.err.find('\n'), outcome.err.size() - 1) << "stderr must be exactly one line:\n"
                                                              << outcome.err;
    EXPECT_EQ(outcome.err.rfind("voltsim: error: ", 0), 0u) << outcome.err;
    for (const auto& name : invocation.mustName)
        EXPECT_NE(outcome.err.find(name), std::string::npos)
            << "'" << name << "' missing from: " << outcome.err;
}

// Special files and symlink loops fail at once: nothing blocks on a FIFO or reads an endless
// device (the bound leaves room for a loaded machine; each takes milliseconds).
TEST(SpecialFiles, FailWithinASecond)
{
    for (const BadInputCase& item : cases()) {
        if (item.name.find("fifo") == std::string::npos && item.name.find("dev_") == std::string::npos &&
            item.name.find("symlink") == std::string::npos)
            continue;
        const Scratch scratch;
        const Invocation invocation = item.make(scratch);
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(runVoltsim(invocation.args, scratch.path("")).status, 2) << item.name;
        EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0)
            << item.name;
    }
}

INSTANTIATE_TEST_SUITE_P(EveryLoader, BadInputTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadInputCase>& info) { return info.param.name; });

} // namespace
