// Every malformed-profile case is an InputError naming the file and the JSON path.
#include "MemoryTestSupport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/memory/SramProfile.hpp"

#include <gtest/gtest.h>

#include <functional>

using namespace voltsim::memory;
using nlohmann::json;

namespace {

struct BadCase {
    const char* label;
    std::function<void(json&)> mutate;
    const char* expectedPath; ///< must appear in the message
};

std::string errorOf(const json& document)
{
    try {
        parseProfile(document, "bad.json");
    } catch (const voltsim::InputError& error) {
        return error.what();
    }
    return "";
}

} // namespace

class SramProfileValidation : public ::testing::TestWithParam<BadCase> {};

TEST_P(SramProfileValidation, RejectedWithFileAndPath)
{
    json document = voltsim::test::shippedProfileJson("stutz2021-14nm");
    ASSERT_EQ(errorOf(document), "");
    GetParam().mutate(document);
    const std::string message = errorOf(document);
    ASSERT_FALSE(message.empty()) << GetParam().label << " was accepted";
    EXPECT_EQ(message.rfind("bad.json: ", 0), 0u) << message;
    EXPECT_NE(message.find(GetParam().expectedPath), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SramProfileValidation,
    ::testing::Values(
        BadCase{"non-monotone ber", [](json& d) { d["bit_error_rate"]["points"][4][1] = 1e-4; },
                "bad.json: bit_error_rate.points[4][1]:"},
        BadCase{"rate above 1", [](json& d) { d["bit_error_rate"]["points"][5][1] = 1.5; },
                "bad.json: bit_error_rate.points[5][1]:"},
        BadCase{"negative rate", [](json& d) { d["bit_error_rate"]["points"][1][1] = -1e-6; },
                "bad.json: bit_error_rate.points[1][1]:"},
        BadCase{"NaN as string", [](json& d) { d["bit_error_rate"]["points"][2][1] = "NaN"; },
                "bad.json: bit_error_rate.points[2][1]:"},
        BadCase{"NaN number", [](json& d) { d["bit_error_rate"]["points"][2][1] = std::nan(""); },
                "bad.json: bit_error_rate.points[2][1]:"},
        BadCase{"negative voltage", [](json& d) { d["bit_error_rate"]["points"][5][0] = -608; },
                "bad.json: bit_error_rate.points[5][0]:"},
        BadCase{"negative V_min", [](json& d) { d["voltage_min_mv"] = -800; }, "bad.json: voltage_min_mv:"},
        BadCase{"V_nom below V_min", [](json& d) { d["voltage_nom_mv"] = 700; }, "bad.json: voltage_nom_mv:"},
        BadCase{"duplicate voltage", [](json& d) { d["bit_error_rate"]["points"][3][0] = 720; },
                "bad.json: bit_error_rate.points[3]: voltage 720 mV listed twice"},
        BadCase{"faults at V_min", [](json& d) { d["voltage_min_mv"] = 700; d["voltage_nom_mv"] = 800; },
                "bad.json: bit_error_rate.points:"},
        BadCase{"missing name", [](json& d) { d.erase("name"); }, "bad.json: name:"},
        BadCase{"missing source", [](json& d) { d.erase("source"); }, "bad.json: source:"},
        BadCase{"missing V_min", [](json& d) { d.erase("voltage_min_mv"); }, "bad.json: voltage_min_mv:"},
        BadCase{"missing geometry", [](json& d) { d.erase("geometry"); }, "bad.json: geometry:"},
        BadCase{"missing rows", [](json& d) { d["geometry"].erase("rows"); }, "bad.json: geometry.rows:"},
        BadCase{"missing table", [](json& d) { d["bit_error_rate"].erase("points"); }, "bad.json: bit_error_rate.points:"},
        BadCase{"missing stuck share", [](json& d) { d.erase("stuck_at_0_share"); }, "bad.json: stuck_at_0_share:"},
        BadCase{"missing energy", [](json& d) { d.erase("energy"); }, "bad.json: energy:"},
        BadCase{"missing leakage", [](json& d) { d.erase("leakage"); }, "bad.json: leakage:"},
        BadCase{"unknown top key", [](json& d) { d["voltage_typ_mv"] = 750; }, "bad.json: voltage_typ_mv:"},
        BadCase{"unknown nested key", [](json& d) { d["geometry"]["banks"] = 4; }, "bad.json: geometry.banks:"},
        BadCase{"key of the other kind", [](json& d) { d["bit_error_rate"]["max_ber"] = 0.1; },
                "bad.json: bit_error_rate.max_ber:"},
        BadCase{"stuck share above 1", [](json& d) { d["stuck_at_0_share"] = 1.2; }, "bad.json: stuck_at_0_share:"},
        BadCase{"unknown fault semantics", [](json& d) { d["fault_semantics"] = "transient"; }, "bad.json: fault_semantics:"},
        BadCase{"map without fault_map", [](json& d) { d["fault_semantics"] = "map"; }, "bad.json: fault_map:"},
        BadCase{"word bits not bytes", [](json& d) { d["geometry"]["word_bits"] = 18; }, "bad.json: geometry.word_bits:"},
        BadCase{"rows as string", [](json& d) { d["geometry"]["rows"] = "512"; }, "bad.json: geometry.rows:"},
        BadCase{"zero arrays", [](json& d) { d["geometry"]["arrays"] = 0; }, "bad.json: geometry.arrays:"},
        BadCase{"energy non-monotone", [](json& d) { d["energy"]["points"][3][1] = 0.95; }, "bad.json: energy.points[3][1]:"},
        BadCase{"energy table without V_nom", [](json& d) { d["energy"]["points"].erase(0); }, "bad.json: energy.points:"},
        BadCase{"negative energy", [](json& d) { d["energy"]["read_pj_64bit"] = -1; }, "bad.json: energy.read_pj_64bit:"},
        BadCase{"unknown scaling", [](json& d) { d["energy"]["scaling"] = "v3"; }, "bad.json: energy.scaling:"},
        BadCase{"leakage without scale", [](json& d) { d["leakage"].erase("scale_mv"); }, "bad.json: leakage.scale_mv:"},
        BadCase{"point not a pair", [](json& d) { d["bit_error_rate"]["points"][1] = json::array({764}); },
                "bad.json: bit_error_rate.points[1]:"},
        BadCase{"clustering too strong",
                [](json& d) {
                    d["clustering"] = {{"weak_row_share", 0.5}, {"weak_row_factor", 3},
                                       {"weak_column_share", 0}, {"weak_column_factor", 1}};
                },
                "bad.json: clustering.weak_row_factor:"},
        BadCase{"wrong format", [](json& d) { d["format"] = "other"; }, "bad.json: format:"},
        BadCase{"wrong version", [](json& d) { d["version"] = 2; }, "bad.json: version:"},
        BadCase{"not an object", [](json& d) { d = json::array(); }, "bad.json: expected an object, got []"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
        std::string name = info.param.label;
        for (auto& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)))
                c = '_';
        return name;
    });

TEST(SramProfileFile, InvalidJsonNamesTheFile)
{
    voltsim::test::TempDir dir;
    const std::string path = dir.write("broken.json", "{\"name\": NaN}");
    try {
        loadProfile(path);
        FAIL();
    } catch (const voltsim::InputError& error) {
        EXPECT_EQ(std::string(error.what()).rfind(path + ": not valid JSON", 0), 0u) << error.what();
    }
}

TEST(SramProfileFile, ErrorsFromFilesNameTheFile)
{
    voltsim::test::TempDir dir;
    json document = voltsim::test::shippedProfileJson("uniform");
    document["bit_error_rate"]["max_ber"] = 2.0;
    const std::string path = dir.write("bad-uniform.json", document.dump());
    try {
        loadProfile(path);
        FAIL();
    } catch (const voltsim::InputError& error) {
        EXPECT_EQ(std::string(error.what())
                      .rfind(path + ": bit_error_rate.max_ber: expected a number > 0 and <= 1, got 2.0", 0),
                  0u)
            << error.what();
    }
}
