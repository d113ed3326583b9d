// End-to-end `voltsim run`: output against the IntegerReference, reproducibility, bad input.
#include "TestPaths.hpp"

#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/sim/run/RunConfig.hpp"
#include "voltsim/workloads/dataset/Dataset.hpp"
#include "voltsim/workloads/inference/IntegerReference.hpp"
#include "voltsim/workloads/model/ModelPackage.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace voltsim::test {
namespace {

struct Output {
    int status = 0;
    std::string text;
};

Output runVoltsim(const std::string& arguments)
{
    const std::string command = voltsimBinary() + " " + arguments + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    Output out;
    std::array<char, 4096> buffer{};
    while (const std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
        out.text.append(buffer.data(), n);
    out.status = WEXITSTATUS(pclose(pipe));
    return out;
}

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(RunCommandTest, CleanErrorEqualsIntegerReferenceAndOutputsAreReproducible)
{
    // Per process: concurrent test runs (several build trees on one machine) must not share it.
    const std::string dir =
        std::filesystem::temp_directory_path() / ("voltsim-run-test-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    const std::string args = "run --model " + modelDir("randbet-8bit") +
                             " --images 40 --chips 2 --voltage-mv 690 --seed 5 --json --dump-logits ";
    const Output first = runVoltsim(args + dir + "/a.csv --out " + dir + "/a");
    ASSERT_EQ(first.status, 0) << first.text;
    const Output second = runVoltsim(args + dir + "/b.csv --out " + dir + "/b");
    ASSERT_EQ(second.status, 0) << second.text;
    EXPECT_EQ(first.text, second.text);
    EXPECT_EQ(slurp(dir + "/a/stats.json"), slurp(dir + "/b/stats.json"));
    EXPECT_EQ(slurp(dir + "/a/layers.csv"), slurp(dir + "/b/layers.csv"));
    EXPECT_EQ(slurp(dir + "/a.csv"), slurp(dir + "/b.csv"));

    const auto summary = nlohmann::json::parse(first.text);
    const auto package = workloads::ModelPackage::load(modelDir("randbet-8bit"));
    const auto dataset =
        workloads::Dataset::fashionMnist(workloads::Dataset::defaultFashionMnistDir(), false);
    const workloads::IntegerReference reference(package, 1);
    const auto errors =
        reference.countErrors(package.codes, dataset.pixels().data(), dataset.labels().data(), 40);
    EXPECT_DOUBLE_EQ(summary["clean_error"].get<double>(), static_cast<double>(errors) / 40);
    EXPECT_GT(summary["flipped_bit_rate"].get<double>(), 1e-3);
    EXPECT_LT(summary["flipped_bit_rate"].get<double>(), 1e-2);
    EXPECT_GE(summary["rerr"]["min"].get<double>(), summary["clean_error"].get<double>());
    EXPECT_LT(summary["energy_per_inference"]["weight_sram_pj"].get<double>(),
              summary["energy_per_inference_nominal"]["weight_sram_pj"].get<double>());
    EXPECT_TRUE(std::filesystem::exists(dir + "/a/config.json"));
    std::filesystem::remove_all(dir);
}

TEST(RunCommandTest, LayersCsvCountsEveryStreamedReloadPerInference)
{
    // randbet-8bit (105866 one-byte codes) streamed through salami2018-vc707's 64 KiB: 30 images in
    // batches of 8 load every code 4 times, 4 x 105866 / 30 bytes per inference over the layers.
    const std::string dir =
        std::filesystem::temp_directory_path() / ("voltsim-run-stream-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    const Output run =
        runVoltsim("run --model " + modelDir("randbet-8bit") +
                   " --profile salami2018-vc707 --images 30 --set run.batch_images=8 --out " + dir);
    ASSERT_EQ(run.status, 0) << run.text;
    std::istringstream csv(slurp(dir + "/layers.csv"));
    std::string line;
    std::getline(csv, line);
    std::vector<std::string> header;
    std::stringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');)
        header.push_back(field);
    const auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    double bytes = 0, dram = 0, stalls = 0;
    while (std::getline(csv, line)) {
        std::vector<std::string> row;
        std::stringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');)
            row.push_back(cell);
        bytes += std::stod(row.at(column("weight_bytes_loaded")));
        dram += std::stod(row.at(column("dram_bytes")));
        stalls += std::stod(row.at(column("weight_load_stall_cycles")));
    }
    EXPECT_NEAR(bytes, 4.0 * 105866 / 30, 1e-6);
    EXPECT_NEAR(dram, bytes + 784 + 40, 1e-6); // plus the image in and the logits out
    EXPECT_GT(stalls, 0);
    std::filesystem::remove_all(dir);
}

TEST(RunCommandTest, BadInputIsOneLineNamingTheFlagOrKey)
{
    const std::string model = " --model " + modelDir("randbet-8bit");
    const struct {
        std::string args;
        std::string expected;
    } cases[] = {
        {"run --bogus 1" + model, "bogus"},
        {"run --chips x" + model, "chips"},
        {"run --set array.rows=0" + model, "array.rows"},
        {"run --set array.colour=3" + model, "array.colour"},
        {"run --voltage-mv 100" + model, "weight_sram.voltage_mv"},
        {"run --voltage-mv 700 --ber 0.01" + model, "--ber"},
        {"run --mode warp" + model, "run.mode"},
        {"run --set array.timing_model=warp" + model,
         "array.timing_model: unknown timing model 'warp' (valid: scalesim, native)"},
        {"run --set array.timing_model=scalesim" + model,
         "array.timing_model: timing model 'scalesim' cannot time the accelerator"},
        {"run --set weight_sram.fault_model=gaussian" + model,
         "weight_sram.fault_model: unknown fault model 'gaussian'"},
        {"run --model /nonexistent", "/nonexistent"},
        {"run --images 2 --set activation_sram.size_kib=4" + model, "activation_sram.size_kib"},
        {"run --set weight_sram.chip_sigma_mv=-1" + model, "weight_sram.chip_sigma_mv"},
        {"run --profile uniform --ber 0.01 --set weight_sram.bank_sigma_mv=3" + model,
         "weight_sram.bank_sigma_mv: profile uniform sets its rate directly"},
    };
    for (const auto& c : cases) {
        const Output out = runVoltsim(c.args);
        EXPECT_EQ(out.status, 2) << c.args << ": " << out.text;
        EXPECT_NE(out.text.find(c.expected), std::string::npos) << c.args << ": " << out.text;
        EXPECT_EQ(std::count(out.text.begin(), out.text.end(), '\n'), 1) << c.args << ": " << out.text;
    }
}

TEST(RunCommandTest, ChipSigmaFromTheConfigReplacesTheProfiles)
{
    // weight_sram.chip_sigma_mv 15 on stutz2021-14nm gives the chips of stutz2021-14nm-variation
    // (same seeds, same offsets, same faults); 0 on the variation profile gives offset 0 everywhere.
    const std::string args =
        "run --model " + modelDir("randbet-8bit") + " --images 20 --chips 3 --voltage-rel 0.88 --json";
    const auto run = [&](const std::string& extra) {
        const Output out = runVoltsim(args + extra);
        EXPECT_EQ(out.status, 0) << out.text;
        return nlohmann::json::parse(out.text);
    };
    const auto configured = run(" --set weight_sram.chip_sigma_mv=15");
    const auto shipped = run(" --profile stutz2021-14nm-variation");
    EXPECT_EQ(configured["chip_offset_mv_per_chip"], shipped["chip_offset_mv_per_chip"]);
    EXPECT_EQ(configured["faulty_cells_per_chip"], shipped["faulty_cells_per_chip"]);
    EXPECT_NE(configured["faulty_cells_per_chip"][0], configured["faulty_cells_per_chip"][1]);
    const auto removed = run(" --profile stutz2021-14nm-variation --set weight_sram.chip_sigma_mv=0");
    EXPECT_EQ(removed["chip_offset_mv_per_chip"], nlohmann::json::array({0.0, 0.0, 0.0}));
    EXPECT_EQ(removed["faulty_cells_per_chip"], run("")["faulty_cells_per_chip"]);
}

TEST(RunCommandTest, ShippedDefaultConfigIsTheBuiltInDefault)
{
    sim::ConfigNode file(sim::loadConfigFile(sourceDir() + "/configs/accelerator/default.json"),
                         "default.json");
    sim::readRunConfig(file);
    EXPECT_EQ(file.resolved(), sim::resolvedDefaults());
}

} // namespace
} // namespace voltsim::test
