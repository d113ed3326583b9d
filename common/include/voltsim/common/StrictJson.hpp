#pragma once
// JSON parsing for every file a user writes (configs, model manifests, profiles, energy tables):
// syntax errors and duplicate keys become one InputError naming the file. nlohmann::json keeps
// the last of two equal keys without a word, so {"chips": 10, "chips": 100} would silently run
// 100 chips; here it is an error naming the key's dotted path.
#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace voltsim {
namespace detail {

/// Tracks the open objects/arrays during a parse to name a duplicate key by its dotted path.
class DuplicateKeyGuard {
public:
    explicit DuplicateKeyGuard(const std::string& fileName) : m_fileName(fileName) {}

    bool operator()(int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed)
    {
        using Event = nlohmann::json::parse_event_t;
        switch (event) {
        case Event::object_start:
        case Event::array_start:
            m_frames.push_back({event == Event::object_start, {}, ""});
            break;
        case Event::object_end:
        case Event::array_end:
            m_frames.pop_back();
            break;
        case Event::key:
            checkKey(parsed.get<std::string>());
            break;
        case Event::value:
            break;
        }
        return true;
    }

private:
    struct Frame {
        bool isObject;
        std::set<std::string> keys;
        std::string currentKey;
    };

    void checkKey(const std::string& key)
    {
        Frame& frame = m_frames.back();
        frame.currentKey = key;
        if (!frame.keys.insert(key).second)
            throw InputError(m_fileName + ": " + dottedPath() + ": duplicate key (each key may appear once)");
    }

    std::string dottedPath() const
    {
        std::string path;
        for (const Frame& frame : m_frames) {
            if (!frame.isObject)
                continue; // array elements: the key inside names the place well enough
            path += (path.empty() ? "" : ".") + frame.currentKey;
        }
        return path;
    }

    std::string m_fileName;
    std::vector<Frame> m_frames;
};

} // namespace detail

/// Parses @p text (the contents of @p fileName). InputError "<fileName>: not valid JSON: ..." on a
/// syntax error, "<fileName>: <a.b.key>: duplicate key ..." when an object repeats a key.
inline nlohmann::json parseUserJson(const std::string& text, const std::string& fileName)
{
    try {
        return nlohmann::json::parse(text, detail::DuplicateKeyGuard(fileName));
    } catch (const nlohmann::json::exception& error) { // parse_error, and out_of_range for numbers such as 1e999
        throw InputError(fileName + ": not valid JSON: " + error.what());
    }
}

/// Reads and parses the JSON file @p path as parseUserJson does. InputError "<path>: is a
/// directory, expected <what>" or "<path>: cannot open <what>" when it cannot be read.
inline nlohmann::json loadUserJsonFile(const std::string& path, const std::string& what)
{
    rejectDirectory(path, what);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path + ": cannot open " + what);
    return parseUserJson({std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}, path);
}

} // namespace voltsim
