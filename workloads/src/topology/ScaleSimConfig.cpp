#include "voltsim/workloads/topology/ScaleSimConfig.hpp"

#include "Text.hpp"
#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

namespace voltsim::workloads {
namespace {

using text::lower;
using text::trim;
using text::upper;

/// Every section and key SCALE-Sim v2/v3 defines (lower case). Keys that drive voltsim are
/// handled in applyKey(); the rest are accepted and reported as unmodelled.
const std::map<std::string, std::set<std::string>>& knownKeys()
{
    static const std::map<std::string, std::set<std::string>> keys{
        {"general", {"run_name"}},
        {"architecture_presets",
         {"arrayheight",
          "arraywidth",
          "ifmapsramszkb",
          "filtersramszkb",
          "ofmapsramszkb",
          "ifmapoffset",
          "filteroffset",
          "ofmapoffset",
          "bandwidth",
          "dataflow",
          "memorybanks",
          "onchipmemorybanks",
          "onchipmemorybankports",
          "ifmapcustomlayout",
          "filtercustomlayout",
          "ifmapsrambankbandwidth",
          "ifmapsrambanknum",
          "filtersrambankbandwidth",
          "filtersrambanknum",
          "ifmapsrambankport",
          "filtersrambankport",
          "readrequestbuffer",
          "writerequestbuffer"}},
        {"sparsity",
         {"sparsitysupport", "sparserep", "optimizedmapping", "blocksize", "randomnumbergeneratorseed"}},
        {"run_presets", {"interfacebandwidth", "userramulatortrace", "savedisk"}},
        {"layout",
         {"ifmapcustomlayout", "filtercustomlayout", "ifmapsrambankbandwidth", "ifmapsrambanknum",
          "ifmapsrambankport", "filtersrambankbandwidth", "filtersrambanknum", "filtersrambankport"}},
    };
    return keys;
}

std::string joined(const std::set<std::string>& names)
{
    std::string out;
    for (const auto& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

class Parser {
  public:
    explicit Parser(const std::string& source) : m_source(source) {}

    void line(const std::string& raw, int number)
    {
        m_line = number;
        const std::string text = trim(raw.substr(0, raw.find_first_of("#;")));
        if (text.empty())
            return;
        if (text.front() == '[') {
            section(text);
            return;
        }
        const auto separator = text.find_first_of(":=");
        if (separator == std::string::npos)
            fail("expected 'key: value' or '[section]', got '" + text + "'");
        keyValue(lower(trim(text.substr(0, separator))), trim(text.substr(separator + 1)));
    }

    ScaleSimConfig finish()
    {
        m_line = 0;
        if (m_config.arrayHeight == 0 || m_config.arrayWidth == 0 || m_config.dataflow.empty())
            throw InputError(m_source +
                             ": [architecture_presets] needs ArrayHeight, ArrayWidth and Dataflow");
        return m_config;
    }

  private:
    [[noreturn]] void fail(const std::string& message) const
    {
        throw InputError(m_source + ":" + std::to_string(m_line) + ": " + message);
    }

    void section(const std::string& text)
    {
        if (text.back() != ']')
            fail("malformed section header '" + text + "'");
        m_section = lower(trim(text.substr(1, text.size() - 2)));
        if (knownKeys().count(m_section) == 0)
            fail("unknown section [" + m_section +
                 "] (valid: general, architecture_presets, sparsity, run_presets, "
                 "layout)");
    }

    void keyValue(const std::string& key, const std::string& value)
    {
        if (m_section.empty())
            fail("key '" + key + "' before any [section]");
        const auto& valid = knownKeys().at(m_section);
        if (valid.count(key) == 0)
            fail("unknown key '" + key + "' in [" + m_section + "] (valid: " + joined(valid) + ")");
        if (!applyKey(key, value))
            m_config.unmodelledKeys.push_back(m_section + "." + key);
    }

    std::int64_t positiveInt(const std::string& key, const std::string& value) const
    {
        if (!text::isDigits(value) || value.size() >= 10 || std::stoll(value) <= 0)
            fail("key '" + key + "': '" + value + "' is not a positive integer");
        return std::stoll(value);
    }

    double positiveNumber(const std::string& key, const std::string& value) const
    {
        std::size_t used = 0;
        double number = 0;
        try {
            number = std::stod(value, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != value.size() || !(number > 0) || !std::isfinite(number)) // stod accepts "inf"
            fail("key '" + key + "': '" + value + "' is not a positive number");
        return number;
    }

    /// Stores a key voltsim uses; returns false for keys it accepts without modelling them.
    bool applyKey(const std::string& key, const std::string& value)
    {
        if (key == "run_name")
            m_config.runName = value;
        else if (key == "arrayheight" && m_section == "architecture_presets")
            m_config.arrayHeight = positiveInt(key, value);
        else if (key == "arraywidth" && m_section == "architecture_presets")
            m_config.arrayWidth = positiveInt(key, value);
        else if (key == "ifmapsramszkb")
            m_config.ifmapSramKiB = positiveNumber(key, value);
        else if (key == "filtersramszkb")
            m_config.filterSramKiB = positiveNumber(key, value);
        else if (key == "ofmapsramszkb")
            m_config.ofmapSramKiB = positiveNumber(key, value);
        else if (key == "bandwidth")
            m_config.bandwidthWords = positiveInt(key, value);
        else if (key == "dataflow")
            m_config.dataflow = dataflow(value);
        else if (key == "interfacebandwidth")
            m_config.interfaceBandwidth = interfaceBandwidth(value);
        else if (key == "sparsitysupport")
            return sparsity(value);
        else
            return false;
        return true;
    }

    std::string dataflow(const std::string& value) const
    {
        std::string name = lower(value);
        if (name != "os" && name != "ws" && name != "is")
            fail("key 'dataflow': '" + value + "' is not a dataflow (valid: os, ws, is)");
        return name;
    }

    std::string interfaceBandwidth(const std::string& value) const
    {
        std::string mode = upper(value);
        if (mode != "CALC" && mode != "USER")
            fail("key 'interfacebandwidth': '" + value + "' (valid: CALC, USER)");
        return mode;
    }

    bool sparsity(const std::string& value) const
    {
        const std::string flag = lower(value);
        if (flag == "true")
            fail("key 'sparsitysupport': sparse mapping is not supported by voltsim");
        if (flag != "false")
            fail("key 'sparsitysupport': '" + value + "' is not true/false");
        return false;
    }

    std::string m_source;
    std::string m_section;
    int m_line = 0;
    ScaleSimConfig m_config;
};

} // namespace

ScaleSimConfig parseScaleSimConfig(std::istream& in, const std::string& sourceName)
{
    Parser parser(sourceName);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number)
        parser.line(line, number);
    return parser.finish();
}

ScaleSimConfig readScaleSimConfig(const std::string& path)
{
    checkInputFile(path, "a SCALE-Sim config file");
    std::ifstream file(path);
    if (!file)
        throw InputError(path + ": cannot open SCALE-Sim config file");
    return parseScaleSimConfig(file, path);
}

} // namespace voltsim::workloads
