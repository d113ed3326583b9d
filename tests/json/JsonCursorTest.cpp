// JsonCursor: every problem's wording, the path notation, unknown keys, ranges and duplicates,
// on hand-written documents.
#include "voltsim/common/JsonCursor.hpp"
#include "voltsim/common/Error.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace voltsim {
namespace {

/// The message of the InputError @p read throws ("" if it throws none).
std::string errorOf(const std::function<void()>& read)
{
    try {
        read();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

JsonCursor doc(const std::string& text)
{
    return JsonCursor::parse(text, "f.json");
}

TEST(JsonCursorTest, ReadsTypedValues)
{
    const auto root = doc(R"({"i": -3, "u": 18446744073709551615, "d": 0.25, "b": true, "s": "x",
                             "c": "os", "ia": [1, 2], "da": [0.5], "sa": ["a", "b"]})");
    EXPECT_EQ(root["i"].asInt(-5, 5), -3);
    EXPECT_EQ(root["u"].asUint64(), 18446744073709551615ull);
    EXPECT_DOUBLE_EQ(root["d"].asDouble(0, 1), 0.25);
    EXPECT_DOUBLE_EQ(root["d"].asPositive(), 0.25);
    EXPECT_TRUE(root["b"].asBool());
    EXPECT_EQ(root["s"].asNonEmptyString(), "x");
    EXPECT_EQ(root["c"].asChoice({"ws", "os"}), "os");
    EXPECT_EQ(root["ia"].asIntArray(0, 9), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(root["da"].asDoubleArray(0, 1, 1), std::vector<double>{0.5});
    EXPECT_EQ(root["sa"].asStringArray(), (std::vector<std::string>{"a", "b"}));
    EXPECT_NO_THROW(root.finish());
}

TEST(JsonCursorTest, PathNotationForNestedObjectsAndArrays)
{
    const auto root = doc(R"({"a": {"b": [1, {"c": [[0, "x"]]}]}})");
    const auto leaf = root["a"]["b"][1]["c"][0][1];
    EXPECT_EQ(leaf.path(), "a.b[1].c[0][1]");
    EXPECT_EQ(leaf.where(), "f.json: a.b[1].c[0][1]");
    EXPECT_EQ(root.where(), "f.json");
    EXPECT_EQ(errorOf([&] { leaf.asDouble(0, 1); }),
              "f.json: a.b[1].c[0][1]: expected a number in [0, 1], got \"x\"");
    EXPECT_EQ(doc("[[1, 2], [3, 4]]")[1][0].path(), "[1][0]");
}

TEST(JsonCursorTest, WordsTypeAndRangeProblemsOneWay)
{
    const auto root = doc(R"({"n": 9, "f": 1.5, "s": "x", "neg": -1, "big": 18446744073709551615, "e": ""})");
    EXPECT_EQ(errorOf([&] { root["n"].asInt(2, 8); }), "f.json: n: expected an integer in [2, 8], got 9");
    EXPECT_EQ(errorOf([&] { root["f"].asInt(2, 8); }), "f.json: f: expected an integer in [2, 8], got 1.5");
    EXPECT_EQ(errorOf([&] { root["s"].asInt(); }), "f.json: s: expected an integer, got \"x\"");
    EXPECT_EQ(errorOf([&] { root["n"].asInt(10); }), "f.json: n: expected an integer >= 10, got 9");
    EXPECT_EQ(errorOf([&] { root["big"].asInt(); }),
              "f.json: big: expected an integer, got 18446744073709551615");
    EXPECT_EQ(errorOf([&] { root["neg"].asUint64(); }),
              "f.json: neg: expected a non-negative integer, got -1");
    EXPECT_EQ(errorOf([&] { root["n"].asUint64(0, 4); }),
              "f.json: n: expected a non-negative integer <= 4, got 9");
    EXPECT_EQ(errorOf([&] { root["f"].asDouble(0, 1); }), "f.json: f: expected a number in [0, 1], got 1.5");
    EXPECT_EQ(errorOf([&] { root["f"].asDouble(0, 1e-3); }),
              "f.json: f: expected a number in [0, 0.001], got 1.5");
    EXPECT_EQ(errorOf([&] { root["neg"].asDouble(0); }), "f.json: neg: expected a number >= 0, got -1");
    EXPECT_EQ(errorOf([&] { root["s"].asDouble(); }), "f.json: s: expected a number, got \"x\"");
    EXPECT_EQ(errorOf([&] { root["neg"].asPositive(); }), "f.json: neg: expected a number > 0, got -1");
    EXPECT_EQ(errorOf([&] { root["n"].asPositive(5); }), "f.json: n: expected a number > 0 and <= 5, got 9");
    EXPECT_EQ(errorOf([&] { root["n"].asBool(); }), "f.json: n: expected true or false, got 9");
    EXPECT_EQ(errorOf([&] { root["n"].asString(); }), "f.json: n: expected a string, got 9");
    EXPECT_EQ(errorOf([&] { root["e"].asNonEmptyString(); }),
              "f.json: e: expected a non-empty string, got \"\"");
    EXPECT_EQ(errorOf([&] {
                  root["s"].asChoice({"ws", "os"});
              }),
              "f.json: s: expected one of \"ws\", \"os\", got \"x\"");
    EXPECT_EQ(errorOf([&] { root["n"]["k"]; }), "f.json: n: expected an object, got 9");
    EXPECT_EQ(errorOf([&] { root["n"].size(); }), "f.json: n: expected an array, got 9");
    EXPECT_EQ(errorOf([&] { root.asInt(); }),
              "f.json: expected an integer, got {\"big\":18446744073709551615,\"e\":\"\",\"f...");
}

TEST(JsonCursorTest, WordsArrayLengthProblems)
{
    const auto root = doc(R"({"two": [1, 2], "none": []})");
    EXPECT_EQ(errorOf([&] { root["two"].asIntArray(0, 9, 3); }),
              "f.json: two: expected an array of 3 elements, got 2");
    EXPECT_EQ(errorOf([&] { root["none"].asIntArray(0, 9); }), "f.json: none: expected a non-empty array");
    EXPECT_EQ(errorOf([&] { root["two"].elements(3, 4); }),
              "f.json: two: expected an array of 3 to 4 elements, got 2");
    EXPECT_EQ(errorOf([&] { root["two"].elements(3); }),
              "f.json: two: expected an array of at least 3 elements, got 2");
    EXPECT_EQ(errorOf([&] { root["two"][5]; }), "f.json: two: expected at least 6 elements, got 2");
    EXPECT_EQ(errorOf([&] { root["two"].asIntArray(0, 1); }),
              "f.json: two[1]: expected an integer in [0, 1], got 2");
}

TEST(JsonCursorTest, RequiredAndOptionalKeys)
{
    const auto root = doc(R"({"a": {"b": 1}})");
    EXPECT_EQ(errorOf([&] { root["a"]["c"]; }), "f.json: a.c: missing required key");
    EXPECT_FALSE(root["a"].find("c").has_value());
    EXPECT_EQ(root["a"].find("b")->asInt(), 1);
    EXPECT_TRUE(root["a"].has("b"));
}

TEST(JsonCursorTest, UnknownKeysListTheKeysRead)
{
    const auto root = doc(R"({"a": {"b": 1, "zz": 2}, "x": [{"y": 1, "q": 0}]})");
    const auto a = root["a"];
    a["b"].asInt();
    a.find("opt");
    EXPECT_EQ(errorOf([&] { a.finish(); }), "f.json: a.zz: unknown key (valid: b, opt)");
    const auto element = root["x"][0];
    element["y"].asInt();
    EXPECT_EQ(errorOf([&] { element.finish(); }), "f.json: x[0].q: unknown key (valid: y)");
    EXPECT_EQ(errorOf([&] { doc(R"({"k": 1})").finish(); }),
              "f.json: k: unknown key (this object takes none)");
    EXPECT_NO_THROW(root.finish());
}

TEST(JsonCursorTest, KeysOfAMapAreAllValid)
{
    const auto root = doc(R"({"m": {"p": 1, "q": 2}})");
    EXPECT_EQ(root["m"].keys(), (std::vector<std::string>{"p", "q"}));
    EXPECT_NO_THROW(root["m"].finish());
}

TEST(JsonCursorTest, DuplicateKeysNamedByPath)
{
    EXPECT_EQ(errorOf([] { doc(R"({"chips": 10, "chips": 100})"); }),
              "f.json: chips: duplicate key (each key may appear once)");
    EXPECT_EQ(errorOf([] { doc(R"({"a": {"b": [1, [2], {"c": 0, "c": 1}]}})"); }),
              "f.json: a.b[2].c: duplicate key (each key may appear once)");
    EXPECT_NO_THROW(doc(R"([{"c": 0}, {"c": 1}])"));
}

TEST(JsonCursorTest, SyntaxErrorsAndUnreadableFilesNameTheSource)
{
    EXPECT_EQ(errorOf([] { doc("{"); }).rfind("f.json: not valid JSON: ", 0), 0u);
    EXPECT_EQ(errorOf([] { JsonCursor::load("/nonexistent/x.json", "config file"); }),
              "/nonexistent/x.json: cannot open config file");
    EXPECT_EQ(errorOf([] { JsonCursor::load("/", "config file"); }),
              "/: is a directory, expected config file");
}

TEST(JsonCursorTest, FormatsNumbersShortly)
{
    EXPECT_EQ(formatNumber(1e9), "1000000000");
    EXPECT_EQ(formatNumber(0.1), "0.1");
    EXPECT_EQ(formatNumber(1e-9), "1e-09");
    EXPECT_EQ(formatNumber(-2.5), "-2.5");
}

} // namespace
} // namespace voltsim
