// End to end: `voltsim layers` on small files, checking report values derived in TimingTest.cpp
// and one-line errors with exit status 2.
#include "AcceleratorTestSupport.hpp"
#include "TestPaths.hpp"

#include "voltsim/workloads/model/GoldenVectors.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace voltsim::test {
namespace {

struct CliRun {
    int status = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class LayersCommandTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        m_dir = std::filesystem::path(::testing::TempDir()) /
                ("voltsim_layers_" +
                 std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
    }

    std::string write(const std::string& name, const std::string& text) const
    {
        std::string path = (m_dir / name).string();
        std::ofstream(path) << text;
        return path;
    }

    CliRun layers(const std::string& arguments) const
    {
        const std::string out = (m_dir / "stdout.txt").string();
        const std::string err = (m_dir / "stderr.txt").string();
        const std::string command = voltsimBinary() + " layers " + arguments + " >" + out + " 2>" + err;
        const int raw = std::system(command.c_str());
        return CliRun{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
    }

    std::filesystem::path m_dir;
};

TEST_F(LayersCommandTest, ScaleSimAndNativeReportsOnHandWorkedShape)
{
    // GEMM M = 5, N = 6, K = 6 on a 4x4 WS array: SCALE-Sim 4 folds x 15 - 1 = 59 cycles, mapping
    // efficiency 56.25 %, compute util 15.625 %; native 26 cycles (TimingTest.cpp).
    const std::string topo = write("g.csv", "Layer Name, M, N, K,\nG, 5, 6, 6,\n");
    const std::string cfg =
        write("a.cfg", "[architecture_presets]\nArrayHeight: 4\nArrayWidth: 4\nDataflow: ws\n");
    const std::string out = (m_dir / "scalesim").string();
    const CliRun scalesim = layers("--topology " + topo + " --scalesim-config " + cfg + " --out " + out);
    ASSERT_EQ(scalesim.status, 0) << scalesim.err;
    EXPECT_EQ(slurp(out + "/COMPUTE_REPORT.csv"),
              "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n"
              "0, 59, 0, 19.06779661016949, 56.25, 15.625,\n");
    // Inputs 60, weights 36, outputs 60 over 59 cycles.
    EXPECT_EQ(slurp(out + "/DETAILED_ACCESS_REPORT.csv"),
              "LayerID, SRAM IFMAP Reads, SRAM Filter Reads, SRAM OFMAP Writes,\n0, 60, 36, 60,\n");
    EXPECT_NE(slurp(out + "/layers.csv").find("\n0,G,,5,6,6,4,4,ws,scalesim,59,0,4,180,"), std::string::npos);

    const std::string nativeOut = (m_dir / "native").string();
    const CliRun native =
        layers("--topology " + topo + " --array 4x4 --dataflow ws --timing native --out " + nativeOut);
    ASSERT_EQ(native.status, 0) << native.err;
    EXPECT_NE(slurp(nativeOut + "/COMPUTE_REPORT.csv").find("\n0, 26, 0, "), std::string::npos);
}

TEST_F(LayersCommandTest, CycleModeAgreesWithAnalytic)
{
    const std::string topo = write("g.csv", "Layer Name, M, N, K,\nA, 5, 6, 6,\nB, 8, 4, 2,\n");
    const CliRun run =
        layers("--topology " + topo + " --array 4x4 --dataflow os --timing native --mode cycle");
    ASSERT_EQ(run.status, 0) << run.err;
    // OS: 26 and 13 cycles (TimingTest.cpp) = 39 simulated cycles.
    EXPECT_NE(run.out.find("cycle mode: 39 cycles simulated"), std::string::npos) << run.out;
}

TEST_F(LayersCommandTest, BadInputGivesOneLineErrorAndStatus2)
{
    const std::string topo = write("bad.csv", "Layer Name, M, N, K,\nG, 5, six, 6,\n");
    const CliRun bad = layers("--topology " + topo);
    EXPECT_EQ(bad.status, 2);
    EXPECT_EQ(bad.err, "voltsim: error: " + topo + ":2: column 'N': 'six' is not an integer\n");

    const std::string good = write("g.csv", "Layer Name, M, N, K,\nG, 5, 6, 6,\n");
    const CliRun flag = layers("--topology " + good + " --dataflow rs");
    EXPECT_EQ(flag.status, 2);
    EXPECT_EQ(flag.err, "voltsim: error: --dataflow: 'rs' is not a dataflow (valid: os, ws, is)\n");

    const CliRun timing = layers("--topology " + good + " --timing fast");
    EXPECT_EQ(timing.status, 2);
    EXPECT_EQ(timing.err,
              "voltsim: error: --timing: unknown timing model 'fast' (valid: scalesim, native)\n");

    const CliRun missing = layers("--array 4x4");
    EXPECT_EQ(missing.status, 2);
    EXPECT_EQ(missing.err.find("voltsim: error: voltsim layers: give one of --topology and --model"), 0u);
}

/// The Total Cycles column of a COMPUTE_REPORT.csv, one entry per row.
std::vector<long long> totalCycles(const std::string& report)
{
    std::vector<long long> cycles;
    std::istringstream lines(report);
    std::string line;
    std::getline(lines, line); // header
    while (std::getline(lines, line))
        cycles.push_back(std::stoll(line.substr(line.find(',') + 1)));
    return cycles;
}

// `layers --model` times a package's network as the accelerator runs it: with native timing on
// the accelerator's array, each conv2d/linear layer's cycles (a grouped one: the sum of its group
// rows) equal the accelerator's cycles per image for that layer.
TEST_F(LayersCommandTest, ModelPackageIsTimedAsTheAcceleratorRunsIt)
{
    const std::string fixture = sourceDir() + "/tests/data/graph-every-layer";
    const std::string out = (m_dir / "model").string();
    const CliRun run =
        layers("--model " + fixture + " --array 16x16 --dataflow ws --timing native --out " + out);
    ASSERT_EQ(run.status, 0) << run.err;
    const std::vector<long long> rows = totalCycles(slurp(out + "/COMPUTE_REPORT.csv"));

    const workloads::ModelPackage package = workloads::ModelPackage::load(fixture);
    const workloads::GoldenVectors golden = workloads::GoldenVectors::load(package);
    const AcceleratorRun accelerated = runAccelerator(acceleratorSpecs("stutz2021-14nm", "fast"), package, 1,
                                                      golden.images[0].pixels.data(), 1);
    std::size_t row = 0;
    for (std::size_t i = 0; i < package.network.layers.size(); ++i) {
        const workloads::Layer& layer = package.network.layers[i];
        if (!layer.hasParameters())
            continue;
        long long cycles = 0;
        for (int g = 0; g < layer.groups; ++g)
            cycles += rows.at(row++);
        EXPECT_EQ(cycles, accelerated.stats.layers[i].cyclesPerImage) << layer.name;
    }
    EXPECT_EQ(row, rows.size());
    EXPECT_NE(run.out.find("dwGroup_3"), std::string::npos) << run.out;
    EXPECT_EQ(layers("--model " + fixture + " --topology alexnet").status, 2);
}

} // namespace
} // namespace voltsim::test
