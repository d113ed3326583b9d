#include "voltsim/models/array/ArraySpec.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <cctype>

namespace voltsim::models {
namespace {

/// Largest accepted array side: far beyond any real array, small enough for exact products.
constexpr std::int64_t kMaxSide = 1 << 16;

std::int64_t parseSide(const std::string& text, const std::string& whole, const std::string& context)
{
    const bool digits =
        !text.empty() && text.size() < 7 &&
        std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits || std::stoll(text) <= 0 || std::stoll(text) > kMaxSide)
        throw InputError(context + ": '" + whole + "' is not ROWSxCOLS with sides 1.." +
                         std::to_string(kMaxSide));
    return std::stoll(text);
}

} // namespace

Dataflow parseDataflow(const std::string& text, const std::string& context)
{
    std::string name = text;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "os")
        return Dataflow::OS;
    if (name == "ws")
        return Dataflow::WS;
    if (name == "is")
        return Dataflow::IS;
    throw InputError(context + ": '" + text + "' is not a dataflow (valid: os, ws, is)");
}

const char* toString(Dataflow dataflow)
{
    switch (dataflow) {
    case Dataflow::OS:
        return "os";
    case Dataflow::WS:
        return "ws";
    case Dataflow::IS:
        return "is";
    }
    return "?";
}

ArraySpec parseArrayDims(const std::string& text, Dataflow dataflow, const std::string& context)
{
    const auto cross = text.find_first_of("xX");
    if (cross == std::string::npos)
        throw InputError(context + ": '" + text + "' is not ROWSxCOLS (e.g. 32x32)");
    ArraySpec spec;
    spec.rows = parseSide(text.substr(0, cross), text, context);
    spec.cols = parseSide(text.substr(cross + 1), text, context);
    spec.dataflow = dataflow;
    return spec;
}

} // namespace voltsim::models
