#include "voltsim/sim/config/ConfigNode.hpp"
#include "voltsim/common/Error.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using nlohmann::json;
using voltsim::InputError;
using voltsim::sim::applyOverride;
using voltsim::sim::ConfigNode;
using voltsim::sim::loadConfigFile;
namespace sim = voltsim::sim;

namespace {

/// Runs @p body and returns the InputError message it throws ("" if none).
template <typename Body> std::string errorOf(Body body)
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
    std::int64_t rows = 16;
    std::int64_t cols = 16;
    double clock = 500.0;
    array.integer<std::int64_t>("rows", rows, 1, 1024, "PE rows");
    array.integer<std::int64_t>("cols", cols, 1, 1024, "PE columns");
    root.number("clock_mhz", clock, 1.0, 1e5, "clock");
    root.finish();
    EXPECT_EQ(rows, 8);
    EXPECT_EQ(cols, 16);
    EXPECT_DOUBLE_EQ(clock, 500.0);
    EXPECT_EQ(root.resolved(), json::parse(R"({"array": {"rows": 8, "cols": 16}, "clock_mhz": 500.0})"));
}

TEST(ConfigNode, UnsetIsAnOptionalEchoedAsNull)
{
    ConfigNode root(json::parse(R"({"mv": 600, "ber": null, "name": "x"})"), "o.json");
    std::optional<double> mv;
    std::optional<double> ber = 0.5;
    std::optional<std::uint32_t> banks;
    std::optional<std::string> name;
    root.positive("mv", mv, 1e5, "");
    root.number("ber", ber, 0, 1, ""); // null in the file: unset, even with a default
    root.integer<std::uint32_t>("banks", banks, 1, 64, "");
    root.text("name", name, "");
    root.finish();
    EXPECT_EQ(mv, 600.0);
    EXPECT_FALSE(ber.has_value());
    EXPECT_FALSE(banks.has_value());
    EXPECT_EQ(name, "x");
    EXPECT_EQ(root.resolved(), json::parse(R"({"mv": 600.0, "ber": null, "banks": null, "name": "x"})"));
}

TEST(ConfigNode, ListsAndChoicesAreRealValues)
{
    enum class Flow { A, B };
    ConfigNode root(json::parse(R"({"models": ["m1", "m2"], "flow": "b"})"), "l.json");
    std::vector<std::string> models{"default"};
    Flow flow = Flow::A;
    root.textList("models", models, "");
    root.choice("flow", flow, sim::Names<Flow>{{"a", Flow::A}, {"b", Flow::B}}, "");
    EXPECT_EQ(models, (std::vector<std::string>{"m1", "m2"}));
    EXPECT_EQ(flow, Flow::B);
    EXPECT_EQ(root.resolved(), json::parse(R"({"models": ["m1", "m2"], "flow": "b"})"));
}

TEST(ConfigNode, UnknownKeyNamesFilePathAndValidKeys)
{
    ConfigNode root(json::parse(R"({"array": {"rows": 8, "colz": 4}})"), "a.json");
    auto& array = root.child("array", "");
    std::int64_t value = 1;
    array.integer<std::int64_t>("rows", value, 1, 1024, "");
    array.integer<std::int64_t>("cols", value, 1, 1024, "");
    EXPECT_EQ(errorOf([&] { root.finish(); }), "a.json: array.colz: unknown key (valid: cols, rows)");
}

TEST(ConfigNode, WrongTypesAndRangesAreWordedAsTheCursorWordsThem)
{
    ConfigNode root(
        json::parse(R"({"rows": "8", "cols": 0, "v": 1.5, "flag": 1, "name": 3, "df": "xy", "l": "a,b"})"),
        "b.json");
    std::int64_t integer = 1;
    double number = 1;
    bool flag = true;
    std::string name;
    std::vector<std::string> list;
    int df = 0;
    EXPECT_EQ(errorOf([&] { root.integer<std::int64_t>("rows", integer, 1, 9, ""); }),
              "b.json: rows: expected an integer in [1, 9], got \"8\"");
    EXPECT_EQ(errorOf([&] { root.integer<std::int64_t>("cols", integer, 1, 9, ""); }),
              "b.json: cols: expected an integer in [1, 9], got 0");
    EXPECT_EQ(errorOf([&] { root.number("v", number, 0, 1, ""); }),
              "b.json: v: expected a number in [0, 1], got 1.5");
    EXPECT_EQ(errorOf([&] { root.flag("flag", flag, ""); }), "b.json: flag: expected true or false, got 1");
    EXPECT_EQ(errorOf([&] { root.text("name", name, ""); }), "b.json: name: expected a string, got 3");
    EXPECT_EQ(errorOf([&] {
                  root.choice("df", df, sim::Names<int>{{"os", 0}, {"ws", 1}}, "");
              }),
              "b.json: df: expected one of \"os\", \"ws\", got \"xy\"");
    EXPECT_EQ(errorOf([&] { root.textList("l", list, ""); }), "b.json: l: expected an array, got \"a,b\"");
}

TEST(ConfigNode, ChildThatIsNotAnObjectIsAnError)
{
    ConfigNode root(json::parse(R"({"array": 3})"), "c.json");
    EXPECT_EQ(errorOf([&] { root.child("array", ""); }), "c.json: array: expected an object, got 3");
}

TEST(ConfigNode, InlineObjectNamesItsPlace)
{
    ConfigNode root(json::parse(R"({"clock_mhz": -1})"), "s.json", "accelerator");
    double clock = 500;
    EXPECT_EQ(errorOf([&] { root.number("clock_mhz", clock, 1, 1e5, ""); }),
              "s.json: accelerator.clock_mhz: expected a number in [1, 100000], got -1");
}

TEST(ConfigNode, DescribeListsEveryParameterWithDefault)
{
    ConfigNode root(json::object(), "<defaults>");
    std::int64_t rows = 16;
    std::optional<double> mv;
    root.child("array", "array").integer<std::int64_t>("rows", rows, 1, 64, "PE rows");
    root.positive("voltage_mv", mv, 1e5, "supply");
    const auto params = root.describe();
    ASSERT_EQ(params.size(), 3u);
    EXPECT_EQ(params[1].path, "voltage_mv");
    EXPECT_EQ(params[1].defaultValue, "null");
    EXPECT_EQ(params[2].path, "array.rows");
    EXPECT_EQ(params[2].defaultValue, "16");
    EXPECT_EQ(params[2].description, "PE rows");
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
    EXPECT_EQ(errorOf([&] { applyOverride(config, "a..b=1"); }),
              "--set a..b=1: empty component in key 'a..b'");
    EXPECT_EQ(errorOf([&] { applyOverride(config, "array.rows=1"); }),
              "--set array.rows=1: 'array' is not an object");
}

TEST(ApplyOverride, ValuesSetOnTheCommandLineAreNamedByTheirOrigin)
{
    json config = json::parse(R"({"run": {"chips": 3, "seed": -1}})");
    auto origins = std::make_shared<sim::ValueOrigins>();
    applyOverride(config, "run.chips=0", origins.get(), "--chips");
    const auto chipsError = [&] {
        ConfigNode root(config, "c.json", "", origins);
        std::int64_t chips = 1;
        return errorOf([&] { root.child("run", "").integer<std::int64_t>("chips", chips, 1, 10, ""); });
    };
    EXPECT_EQ(chipsError(), "--chips: run.chips: expected an integer in [1, 10], got 0");
    // A later --set of the object holding the key takes its place; a key outside every origin keeps the
    // source.
    applyOverride(config, R"(run={"chips": 0, "seed": -1})", origins.get());
    EXPECT_EQ(chipsError(),
              R"(--set run={"chips": 0, "seed": -1}: run.chips: expected an integer in [1, 10], got 0)");
    std::uint64_t seed = 1;
    ConfigNode other(json::parse(R"({"seed": -1})"), "c.json", "", origins);
    EXPECT_EQ(errorOf([&] { other.integer<std::uint64_t>("seed", seed, 0, 9, ""); }),
              "c.json: seed: expected a non-negative integer <= 9, got -1");
}

TEST(LoadConfigFile, MissingAndMalformedFiles)
{
    EXPECT_EQ(errorOf([] { loadConfigFile("/nonexistent/x.json"); }),
              "/nonexistent/x.json: cannot open config file");
    const std::string path = ::testing::TempDir() + "/voltsim_bad_config.json";
    std::ofstream(path) << "[1, 2]";
    EXPECT_EQ(errorOf([&] { loadConfigFile(path); }), path + ": expected an object, got [1,2]");
    std::ofstream(path) << "{\"a\": ";
    EXPECT_NE(errorOf([&] { loadConfigFile(path); }).find(path + ": not valid JSON"), std::string::npos);
}

TEST(LoadConfigFile, DuplicateKeysAreErrorsNamingTheirPath)
{
    // nlohmann::json alone would keep the last value without a word
    const std::string path = ::testing::TempDir() + "/voltsim_duplicate_config.json";
    std::ofstream(path) << R"({"a": {"b": 1, "c": {"d": 2}, "b": 3}})";
    EXPECT_EQ(errorOf([&] { loadConfigFile(path); }),
              path + ": a.b: duplicate key (each key may appear once)");
    std::ofstream(path) << R"({"list": [{"k": 1}, {"k": 2, "k": 3}]})";
    EXPECT_EQ(errorOf([&] { loadConfigFile(path); }),
              path + ": list[1].k: duplicate key (each key may appear once)");
    std::ofstream(path)
        << R"({"a": {"b": 1}, "c": {"b": 2}, "d": [{"b": 1}, {"b": 1}]})"; // same key in different objects
    EXPECT_NO_THROW(loadConfigFile(path));
}
