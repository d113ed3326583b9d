// `voltsim model check|info` end to end, on the tiny hand-made package with a tiny IDX test set
// whose clean error is known by construction.
#include "PackageBuilder.hpp"
#include "TestPaths.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <sys/wait.h>

namespace voltsim::test {
namespace {

struct CommandResult {
    int status = -1;
    std::string output; ///< stdout and stderr together
};

CommandResult runVoltsim(const std::string& arguments)
{
    CommandResult result;
    FILE* pipe = popen((voltsimBinary() + " " + arguments + " 2>&1").c_str(), "r");
    char buffer[4096];
    while (std::size_t got = fread(buffer, 1, sizeof buffer, pipe))
        result.output.append(buffer, got);
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::vector<std::uint8_t> idx(std::uint8_t dims, const std::vector<std::uint32_t>& sizes,
                              const std::vector<std::uint8_t>& data)
{
    std::vector<std::uint8_t> bytes{0, 0, 8, dims};
    for (std::uint32_t size : sizes)
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(static_cast<std::uint8_t>(size >> shift));
    bytes.insert(bytes.end(), data.begin(), data.end());
    return bytes;
}

class ModelCommandTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        m_files.write(m_package.path());
        // 100 test images cycling through the tiny cases (predicted 0, 0, 1); the first 25 get a
        // wrong label, so the clean error is 25/100, as the tiny manifest says.
        const auto cases = tinyCases();
        std::vector<std::uint8_t> pixels, labels;
        for (int i = 0; i < 100; ++i) {
            const auto& item = cases[static_cast<std::size_t>(i % 3)];
            pixels.insert(pixels.end(), item.pixels.begin(), item.pixels.end());
            const int predicted = i % 3 == 2 ? 1 : 0;
            labels.push_back(static_cast<std::uint8_t>(i < 25 ? (predicted + 1) % 3 : predicted));
        }
        const auto images = idx(3, {100, 3, 3}, pixels);
        const auto labelFile = idx(1, {100}, labels);
        writeBytes(m_data.file("t10k-images-idx3-ubyte"), images.data(), images.size());
        writeBytes(m_data.file("t10k-labels-idx1-ubyte"), labelFile.data(), labelFile.size());
    }

    std::string check() const
    {
        return "model check " + m_package.path() + " --dataset idx:" + m_data.path();
    }

    /// Expects exit status 2 and exactly one line "voltsim: error: ..." containing `what`.
    static void expectOneLineError(const CommandResult& result, const std::string& what)
    {
        EXPECT_EQ(result.status, 2) << result.output;
        EXPECT_EQ(result.output.rfind("voltsim: error: ", 0), 0u) << result.output;
        EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
        EXPECT_NE(result.output.find(what), std::string::npos) << result.output;
    }

    TempDir m_package;
    TempDir m_data;
    PackageFiles m_files = tinyPackageWithGolden();
};

TEST_F(ModelCommandTest, CheckPassesOnAValidPackage)
{
    const auto result = runVoltsim(check());
    EXPECT_EQ(result.status, 0) << result.output;
    EXPECT_NE(result.output.find("clean test error: 25/100"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("OK"), std::string::npos);
}

TEST_F(ModelCommandTest, CheckNamesTheFirstGoldenMismatch)
{
    m_files.golden["images"][4]["logits"][1] = 3; // image 4 is case B: [3, 2, -37] -> [3, 3, -37]
    m_files.write(m_package.path());
    expectOneLineError(runVoltsim(check()), "golden.json: images[4].logits[1]: expected 3, computed 2");
    m_files = tinyPackageWithGolden();
    m_files.golden["faulty"]["logits"][0][0] = 20; // the flip makes it 23
    m_files.write(m_package.path());
    expectOneLineError(runVoltsim(check()), "golden.json: faulty.logits[0][0]: expected 20, computed 23");
}

TEST_F(ModelCommandTest, CheckRejectsWrongCleanError)
{
    m_files.manifest["clean_test_error"] = 0.26;
    m_files.write(m_package.path());
    expectOneLineError(runVoltsim(check()), "manifest.json: clean_test_error: manifest says 0.26 (26 "
                                            "errors), the integer reference gives 25/100");
}

TEST_F(ModelCommandTest, InfoPrintsTableAndJson)
{
    const auto table = runVoltsim("model info " + m_package.path());
    EXPECT_EQ(table.status, 0) << table.output;
    EXPECT_NE(table.output.find("macs_per_image 38"), std::string::npos) << table.output;
    EXPECT_NE(table.output.find("2x2/1/0"), std::string::npos) << table.output;
    const auto json = runVoltsim("model info " + m_package.path() + " --json");
    ASSERT_EQ(json.status, 0) << json.output;
    const auto parsed = nlohmann::json::parse(json.output);
    EXPECT_EQ(parsed["macs_per_image"], 38);
    EXPECT_EQ(parsed["parameters"], 19);
    EXPECT_EQ(parsed["layers"][0]["macs"], 32);
    EXPECT_EQ(parsed["layers"][3]["weight"]["bits"], 4);
    EXPECT_EQ(parsed["training"]["method"], "rquant");
    EXPECT_DOUBLE_EQ(parsed["clean_test_error"].get<double>(), 0.25);
}

TEST_F(ModelCommandTest, BadArgumentsGiveOneLineErrors)
{
    expectOneLineError(runVoltsim("model info " + m_package.path() + " --bogus"), "--bogus");
    expectOneLineError(runVoltsim(check() + " --threads many"), "threads");
    expectOneLineError(runVoltsim("model check " + m_package.path() + " --json"), "--json");
    expectOneLineError(runVoltsim("model verify " + m_package.path()), "unknown action 'verify'");
    expectOneLineError(runVoltsim("model info"), "missing action or package directory");
    expectOneLineError(runVoltsim("model info " + m_package.file("nope")), "manifest.json: cannot open file");
    expectOneLineError(
        runVoltsim("model check " + m_package.path() + " --dataset idx:" + m_package.file("nope")),
        "nope: not a directory");
    expectOneLineError(runVoltsim("model check " + m_package.path() + " --dataset csv:x"),
                       "--dataset: dataset 'csv:x' must be fashion-mnist, idx:DIR or npz:FILE");
}

} // namespace
} // namespace voltsim::test
