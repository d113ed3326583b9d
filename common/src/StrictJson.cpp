#include "voltsim/common/StrictJson.hpp"

#include "voltsim/common/Error.hpp"
#include "voltsim/common/InputFile.hpp"

#include <set>
#include <vector>

namespace voltsim {
namespace {

/// Tracks the open objects/arrays during a parse to name a duplicate key by its path (a.b[2].c).
class DuplicateKeyGuard {
public:
    explicit DuplicateKeyGuard(const std::string& fileName) : m_fileName(fileName) {}

    bool operator()(int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed)
    {
        using Event = nlohmann::json::parse_event_t;
        switch (event) {
        case Event::object_start:
        case Event::array_start:
            countElement();
            m_frames.push_back({event == Event::object_start, {}, "", -1});
            break;
        case Event::object_end:
        case Event::array_end:
            m_frames.pop_back();
            break;
        case Event::key:
            checkKey(parsed.get<std::string>());
            break;
        case Event::value:
            countElement();
            break;
        }
        return true;
    }

private:
    struct Frame {
        bool isObject;
        std::set<std::string> keys;
        std::string currentKey;
        long index; ///< of the current element, in an array
    };

    /// Containers get no value event of their own, so every element start counts here.
    void countElement()
    {
        if (!m_frames.empty() && !m_frames.back().isObject)
            ++m_frames.back().index;
    }

    void checkKey(const std::string& key)
    {
        Frame& frame = m_frames.back();
        frame.currentKey = key;
        if (!frame.keys.insert(key).second)
            throw InputError(m_fileName + ": " + path() + ": duplicate key (each key may appear once)");
    }

    std::string path() const
    {
        std::string path;
        for (const Frame& frame : m_frames) {
            if (frame.isObject)
                path += (path.empty() ? "" : ".") + frame.currentKey;
            else
                path += "[" + std::to_string(frame.index) + "]";
        }
        return path;
    }

    std::string m_fileName;
    std::vector<Frame> m_frames;
};

} // namespace

nlohmann::json parseUserJson(const std::string& text, const std::string& fileName)
{
    try {
        return nlohmann::json::parse(text, DuplicateKeyGuard(fileName));
    } catch (const nlohmann::json::exception& error) { // parse_error, and out_of_range for numbers such as 1e999
        throw InputError(fileName + ": not valid JSON: " + error.what());
    }
}

nlohmann::json loadUserJsonFile(const std::string& path, const std::string& what)
{
    return parseUserJson(readTextFile(path, what), path);
}

} // namespace voltsim
