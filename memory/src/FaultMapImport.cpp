#include "voltsim/memory/FaultMapImport.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"
#include "voltsim/memory/SramEnergyModel.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

namespace voltsim::memory {
namespace {

namespace fs = std::filesystem;

std::string lineRef(const std::string& file, std::size_t line)
{
    return file + ":" + std::to_string(line);
}

std::vector<std::string> splitCsv(const std::string& line)
{
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ','))
        fields.push_back(field);
    if (!line.empty() && line.back() == ',')
        fields.emplace_back();
    return fields;
}

std::string trim(const std::string& text)
{
    const auto begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos)
        return "";
    return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

double parseNumber(const std::string& text, const std::string& where, const std::string& what)
{
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(trim(text), &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != trim(text).size() || !std::isfinite(value) || value < 0.0)
        throw InputError(where + ": " + what + " '" + trim(text) + "' is not a non-negative number");
    return value;
}

/// A 0/1 matrix (rows of comma-separated 0/1).
std::vector<std::vector<std::uint8_t>> readMatrix(const std::string& file)
{
    checkInputFile(file, "a fault map file");
    std::ifstream in(file);
    if (!in)
        throw InputError(file + ": cannot open fault map");
    std::vector<std::vector<std::uint8_t>> rows;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (trim(line).empty())
            continue;
        std::vector<std::uint8_t> row;
        for (const auto& field : splitCsv(line)) {
            const std::string value = trim(field);
            if (value != "0" && value != "1")
                throw InputError(lineRef(file, number) + ": expected 0 or 1, got '" + value + "'");
            row.push_back(value == "1" ? 1 : 0);
        }
        if (!rows.empty() && row.size() != rows.front().size())
            throw InputError(lineRef(file, number) + ": " + std::to_string(row.size()) +
                             " columns, expected " + std::to_string(rows.front().size()));
        rows.push_back(std::move(row));
    }
    if (rows.empty())
        throw InputError(file + ": empty fault map");
    return rows;
}

/// Voltage in mV from the <V> of a file name (volts below 10, else mV).
double voltageFromName(const std::string& text, const std::string& file)
{
    const double value = parseNumber(text, file, "voltage in the file name");
    return value < 10.0 ? std::round(value * 1.0e6) / 1.0e3 : value;
}

/// A relative table re-expressed relative to `vNomMv` (which it must cover), holding it with value 1.
std::vector<CurvePoint> rebaseTable(const std::vector<CurvePoint>& points, double vNomMv, double scaleAtVnom)
{
    std::vector<CurvePoint> rebased;
    for (const auto& point : points)
        if (point.voltageMv != vNomMv)
            rebased.push_back({point.voltageMv, point.value / scaleAtVnom});
    rebased.push_back({vNomMv, 1.0});
    std::sort(rebased.begin(), rebased.end(),
              [](const CurvePoint& a, const CurvePoint& b) { return a.voltageMv > b.voltageMv; });
    return rebased;
}

/// Copies energy and leakage from `base`, re-expressed at the imported profile's V_nom: per-access
/// energies and leakage become the base's values at that voltage, tables become relative to it.
void rebaseEnergy(const SramProfile& base, SramProfile& profile)
{
    const SramEnergyModel model(base);
    const double dynamic = model.dynamicScale(profile.vNomMv);
    const double leakage = model.leakageScale(profile.vNomMv);
    profile.energy = base.energy;
    profile.energy.readPj64 *= dynamic;
    profile.energy.writePj64 *= dynamic;
    if (base.energy.scaling == EnergyScaling::Table)
        profile.energy.points = rebaseTable(base.energy.points, profile.vNomMv, dynamic);
    profile.leakage = base.leakage;
    profile.leakage.powerUwPerBank *= leakage;
    if (base.leakage.scaling == EnergyScaling::Table)
        profile.leakage.points = rebaseTable(base.leakage.points, profile.vNomMv, leakage);
}

/// Builds the profile from cells with failure voltages; the BER table comes from the map itself.
SramProfile buildProfile(FaultMap map, const ImportOptions& options, const std::string& source)
{
    if (options.name.empty())
        throw InputError(source + ": the imported profile needs a name (--name)");
    std::sort(map.measuredMv.begin(), map.measuredMv.end(), std::greater<>());
    const double highest = map.measuredMv.front();
    double vMin = highest;
    const bool highestHasFaults =
        std::any_of(map.cells.begin(), map.cells.end(),
                    [&](const MeasuredCell& cell) { return cell.failureMv >= highest; });
    if (options.vMinMv) {
        vMin = *options.vMinMv;
        if (vMin < highest || (vMin == highest && highestHasFaults))
            throw InputError("--vmin-mv: " + std::to_string(vMin) +
                             " mV is not above every faulty measurement (" + std::to_string(highest) +
                             " mV)");
    } else if (highestHasFaults) {
        throw InputError(source + ": the highest measured voltage " + std::to_string(highest) +
                         " mV already has faults; give the lowest error-free voltage with --vmin-mv");
    }
    const SramProfile base = loadProfile(options.energyFrom);
    SramProfile profile;
    profile.name = options.name;
    profile.source = "imported by 'voltsim profile import' from " + source;
    profile.technology = base.technology + " (measured fault map; energy from " + base.name + ")";
    profile.file = "(imported)";
    profile.vMinMv = vMin;
    profile.vNomMv = options.vNomMv.value_or(vMin);
    if (profile.vNomMv < vMin)
        throw InputError("--vnom-mv: below V_min " + std::to_string(vMin) + " mV");
    if (map.columns % 8 != 0 || map.bitsPerArray() % 64 != 0)
        throw InputError(source + ": map arrays of " + std::to_string(map.rows) + " x " +
                         std::to_string(map.columns) +
                         " bits need columns a multiple of 8 and rows x columns a multiple of 64");
    profile.geometry = {map.arrays, {map.rows, map.columns}};
    profile.berKind = BerKind::Table;
    profile.interpolation = Interpolation::Worse;
    if (vMin > highest)
        profile.berPoints.push_back({vMin, 0.0});
    for (const double voltage : map.measuredMv) {
        const auto faulty = std::count_if(map.cells.begin(), map.cells.end(), [&](const MeasuredCell& cell) {
            return cell.failureMv >= voltage;
        });
        profile.berPoints.push_back({voltage, static_cast<double>(faulty) / static_cast<double>(map.bits())});
    }
    profile.faultSemantics = "map";
    const auto zeros = std::count_if(map.cells.begin(), map.cells.end(),
                                     [](const MeasuredCell& cell) { return cell.stuckValue == 0; });
    profile.stuckAt0Share =
        map.cells.empty() ? 0.5 : static_cast<double>(zeros) / static_cast<double>(map.cells.size());
    rebaseEnergy(base, profile);
    profile.faultMap = std::move(map);
    // Round trip through the validator: what is written is what loadProfile accepts.
    return parseProfile(profileToJson(profile), source);
}

struct IbmFiles {
    std::map<double, std::string, std::greater<>> sa0;
    std::map<double, std::string, std::greater<>> sa1;
};

IbmFiles listIbmFiles(const std::string& directory)
{
    if (!fs::is_directory(directory))
        throw InputError(directory + ": not a directory of fault maps");
    const std::regex pattern(R"(fmap_sa([01])_v_(.+)\.txt)");
    IbmFiles files;
    for (const auto& entry : fs::directory_iterator(directory)) {
        std::smatch match;
        const std::string name = entry.path().filename().string();
        if (!std::regex_match(name, match, pattern))
            continue;
        const double voltage = voltageFromName(match[2].str(), entry.path().string());
        (match[1].str() == "0" ? files.sa0 : files.sa1)[voltage] = entry.path().string();
    }
    if (files.sa0.empty())
        throw InputError(directory + ": no fmap_sa0_v_<V>.txt / fmap_sa1_v_<V>.txt files");
    for (const auto& [voltage, file] : files.sa0)
        if (files.sa1.count(voltage) == 0)
            throw InputError(file + ": no matching fmap_sa1 file for the same voltage");
    for (const auto& [voltage, file] : files.sa1)
        if (files.sa0.count(voltage) == 0)
            throw InputError(file + ": no matching fmap_sa0 file for the same voltage");
    return files;
}

} // namespace

SramProfile importIbmMaps(const std::string& directory, const ImportOptions& options)
{
    const IbmFiles files = listIbmFiles(directory);
    FaultMap map;
    std::map<std::pair<std::uint32_t, std::uint32_t>, MeasuredCell> cells;
    for (const auto& [voltage, sa0File] : files.sa0) { // descending voltage: first sighting is the highest
        const std::string& sa1File = files.sa1.at(voltage);
        const auto sa0 = readMatrix(sa0File);
        const auto sa1 = readMatrix(sa1File);
        if (map.rows == 0) {
            map.rows = static_cast<std::uint32_t>(sa0.size());
            map.columns = static_cast<std::uint32_t>(sa0.front().size());
        }
        for (const auto* matrix : {&sa0, &sa1})
            if (matrix->size() != map.rows || matrix->front().size() != map.columns)
                throw InputError((matrix == &sa0 ? sa0File : sa1File) + ": shape " +
                                 std::to_string(matrix->size()) + " x " +
                                 std::to_string(matrix->front().size()) + " differs from " +
                                 std::to_string(map.rows) + " x " + std::to_string(map.columns));
        map.measuredMv.push_back(voltage);
        for (std::uint32_t row = 0; row < map.rows; ++row)
            for (std::uint32_t column = 0; column < map.columns; ++column) {
                if (sa0[row][column] && sa1[row][column])
                    throw InputError(lineRef(sa0File, row + 1) + ": cell (row " + std::to_string(row) +
                                     ", column " + std::to_string(column) + ") is stuck at 0 and, in " +
                                     sa1File + ", at 1");
                if (sa0[row][column] || sa1[row][column])
                    cells.emplace(
                        std::make_pair(row, column),
                        MeasuredCell{0, row, column, voltage, static_cast<std::uint8_t>(sa1[row][column])});
            }
    }
    for (const auto& entry : cells)
        map.cells.push_back(entry.second);
    return buildProfile(std::move(map), options, directory);
}

SramProfile importCellCsv(const std::string& csvFile, const ImportOptions& options)
{
    checkInputFile(csvFile, "a cell list CSV file");
    std::ifstream in(csvFile);
    if (!in)
        throw InputError(csvFile + ": cannot open cell list");
    FaultMap map;
    map.arrays = options.arrays;
    map.rows = options.rows;
    map.columns = options.columns;
    std::set<double> failureVoltages;
    std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> seen;
    std::string line;
    bool header = false;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        const std::string text = trim(line);
        if (text.empty() || text.front() == '#')
            continue;
        if (!header) {
            if (text != "array,row,column,failure_mv,stuck_value")
                throw InputError(lineRef(csvFile, number) +
                                 ": expected the header 'array,row,column,failure_mv,stuck_value'");
            header = true;
            continue;
        }
        const auto fields = splitCsv(text);
        if (fields.size() != 5)
            throw InputError(lineRef(csvFile, number) + ": expected 5 fields, got " +
                             std::to_string(fields.size()));
        const std::string where = lineRef(csvFile, number);
        const double limits[] = {map.arrays - 1.0, map.rows - 1.0, map.columns - 1.0, 1.0e5, 1.0};
        const char* names[] = {"array", "row", "column", "failure_mv", "stuck_value"};
        double values[5];
        for (std::size_t i = 0; i < 5; ++i) {
            values[i] = parseNumber(fields[i], where, names[i]);
            if ((i != 3 && values[i] != std::floor(values[i])) || values[i] > limits[i])
                throw InputError(where + ": " + names[i] + " " + trim(fields[i]) +
                                 " is not an integer in [0, " +
                                 std::to_string(static_cast<long long>(limits[i])) + "]");
        }
        const MeasuredCell cell{static_cast<std::uint32_t>(values[0]), static_cast<std::uint32_t>(values[1]),
                                static_cast<std::uint32_t>(values[2]), values[3],
                                static_cast<std::uint8_t>(values[4])};
        if (!seen.insert({cell.array, cell.row, cell.column}).second)
            throw InputError(where + ": cell (array " + std::to_string(cell.array) + ", row " +
                             std::to_string(cell.row) + ", column " + std::to_string(cell.column) +
                             ") listed twice");
        failureVoltages.insert(cell.failureMv);
        map.cells.push_back(cell);
    }
    if (!header)
        throw InputError(csvFile + ": missing the header 'array,row,column,failure_mv,stuck_value'");
    map.measuredMv = options.measuredMv.empty()
                         ? std::vector<double>(failureVoltages.begin(), failureVoltages.end())
                         : options.measuredMv;
    if (map.measuredMv.empty())
        throw InputError(csvFile + ": no faulty cells and no measured voltages (--measured-mv)");
    if (!options.vMinMv && options.measuredMv.empty())
        throw InputError(csvFile + ": give the lowest error-free voltage with --vmin-mv");
    return buildProfile(std::move(map), options, csvFile);
}

} // namespace voltsim::memory
