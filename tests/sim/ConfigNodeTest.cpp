#include "voltsim/common/Error.hpp"
#include "voltsim/sim/config/ConfigNode.hpp"

#include <gtest/gtest.h>

#include <fstream>

using voltsim::InputError;
using voltsim::sim::applyOverride;
using voltsim::sim::ConfigNode;
using voltsim::sim::loadConfigFile;
using nlohmann::json;

namespace {

/// Runs @p body and returns the InputError message it throws ("" if none).
template <typename Body>
std::string errorOf(Body body)
{
    try {
        body();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

} // namespace

TEST(ConfigNode, DefaultsFillMissingKeysAndAreEchoed)
{
    ConfigNode root(json::parse(R"({"array": {"rows": 8}})"), "a.json");
    auto& array = root.child("array", "the systolic array");
    EXPECT_EQ(array.getInt("rows", 16, 1, 1024, "PE rows"), 8);
    EXPECT_EQ(array.getInt("cols", 16, 1, 1024, "PE columns"), 16);
    EXPECT_DOUBLE_EQ(root.getDouble("clock_mhz", 500.0, 1.0, 1e5, "clock"), 500.0);
    root.finish();
    EXPECT_EQ(root.resolved(), json::parse(R"({"array": {"rows": 8, "cols": 16}, "clock_mhz": 500.0})"));
}

TEST(ConfigNode, UnknownKeyNamesFilePathAndValidKeys)
{
    ConfigNode root(json::parse(R"({"array": {"rows": 8, "colz": 4}})"), "a.json");
    auto& array = root.child("array", "");
    array.getInt("rows", 16, 1, 1024, "");
    array.getInt("cols", 16, 1, 1024, "");
    EXPECT_EQ(errorOf([&] { root.finish(); }), "a.json: array.colz: unknown key (valid: cols, rows)");
}

TEST(ConfigNode, WrongTypesAndRangesAreOneLineErrors)
{
    ConfigNode root(json::parse(R"({"rows": "8", "cols": 0, "v": 1.5, "flag": 1, "name": 3, "df": "xy"})"), "b.json");
    EXPECT_EQ(errorOf([&] { root.getInt("rows", 1, 1, 9, ""); }), "b.json: rows: must be an integer, got \"8\"");
    EXPECT_EQ(errorOf([&] { root.getInt("cols", 1, 1, 9, ""); }), "b.json: cols: must be in 1..9, got 0");
    EXPECT_EQ(errorOf([&] { root.getDouble("v", 1, 0, 1, ""); }), "b.json: v: must be in [0, 1], got 1.5");
    EXPECT_EQ(errorOf([&] { root.getBool("flag", true, ""); }), "b.json: flag: must be true or false, got 1");
    EXPECT_EQ(errorOf([&] { root.getString("name", "", ""); }), "b.json: name: must be a string, got 3");
    EXPECT_EQ(errorOf([&] { root.getChoice("df", "ws", {"os", "ws", "is"}, ""); }),
              "b.json: df: must be one of os, ws, is, got \"xy\"");
}

TEST(ConfigNode, ChildThatIsNotAnObjectIsAnError)
{
    ConfigNode root(json::parse(R"({"array": 3})"), "c.json");
    EXPECT_EQ(errorOf([&] { root.child("array", ""); }), "c.json: array: must be an object, got 3");
}

TEST(ConfigNode, DescribeListsEveryParameterWithDefault)
{
    ConfigNode root(json::object(), "<defaults>");
    root.child("array", "array").getInt("rows", 16, 1, 64, "PE rows");
    const auto params = root.describe();
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[1].path, "array.rows");
    EXPECT_EQ(params[1].defaultValue, "16");
    EXPECT_EQ(params[1].description, "PE rows");
}

TEST(ApplyOverride, ParsesJsonValuesAndCreatesObjects)
{
    json config = json::parse(R"({"array": {"rows": 8}})");
    applyOverride(config, "array.rows=32");
    applyOverride(config, "memory.profile=stutz2021-14nm");
    applyOverride(config, "memory.voltage_rel=0.85");
    applyOverride(config, "run.quiet=true");
    EXPECT_EQ(config, json::parse(R"({"array": {"rows": 32},
        "memory": {"profile": "stutz2021-14nm", "voltage_rel": 0.85}, "run": {"quiet": true}})"));
}

TEST(ApplyOverride, MalformedAssignmentsAreErrors)
{
    json config = json::parse(R"({"array": 4})");
    EXPECT_EQ(errorOf([&] { applyOverride(config, "rows"); }),
              "--set rows: expected key=value, e.g. accelerator.array.rows=32");
    EXPECT_EQ(errorOf([&] { applyOverride(config, "a..b=1"); }), "--set a..b=1: empty component in key 'a..b'");
    EXPECT_EQ(errorOf([&] { applyOverride(config, "array.rows=1"); }), "--set array.rows=1: 'array' is not an object");
}

TEST(LoadConfigFile, MissingAndMalformedFiles)
{
    EXPECT_EQ(errorOf([] { loadConfigFile("/nonexistent/x.json"); }), "/nonexistent/x.json: cannot open config file");
    const std::string path = ::testing::TempDir() + "/voltsim_bad_config.json";
    std::ofstream(path) << "[1, 2]";
    EXPECT_EQ(errorOf([&] { loadConfigFile(path); }), path + ": the top level must be a JSON object");
    std::ofstream(path) << "{\"a\": ";
    EXPECT_NE(errorOf([&] { loadConfigFile(path); }).find(path + ": not valid JSON"), std::string::npos);
}

TEST(LoadConfigFile, DuplicateKeysAreErrorsNamingTheirPath)
{
    // nlohmann::json alone would keep the last value without a word
    const std::string path = ::testing::TempDir() + "/voltsim_duplicate_config.json";
    std::ofstream(path) << R"({"a": {"b": 1, "c": {"d": 2}, "b": 3}})";
    EXPECT_EQ(errorOf([&] { loadConfigFile(path); }), path + ": a.b: duplicate key (each key may appear once)");
    std::ofstream(path) << R"({"list": [{"k": 1}, {"k": 2, "k": 3}]})";
    EXPECT_EQ(errorOf([&] { loadConfigFile(path); }), path + ": list[1].k: duplicate key (each key may appear once)");
    std::ofstream(path) << R"({"a": {"b": 1}, "c": {"b": 2}, "d": [{"b": 1}, {"b": 1}]})"; // same key in different objects
    EXPECT_NO_THROW(loadConfigFile(path));
}
