#pragma once
// JSON parsing for every file a user writes (configs, model manifests, profiles, energy tables):
// syntax errors and duplicate keys become one InputError naming the file. nlohmann::json keeps
// the last of two equal keys without a word, so {"chips": 10, "chips": 100} would silently run
// 100 chips; here it is an error naming the key's path. Loaders read the parsed document through
// JsonCursor (voltsim/common/JsonCursor.hpp), which calls these.
#include <nlohmann/json.hpp>

#include <string>

namespace voltsim {

/// Parses @p text (the contents of @p fileName). InputError "<fileName>: not valid JSON: ..." on a
/// syntax error, "<fileName>: <a.b[2].key>: duplicate key ..." when an object repeats a key.
nlohmann::json parseUserJson(const std::string& text, const std::string& fileName);

/// Reads and parses the JSON file @p path as parseUserJson does. InputError "<path>: is a
/// directory, expected <what>" or "<path>: cannot open <what>" when it cannot be read.
nlohmann::json loadUserJsonFile(const std::string& path, const std::string& what);

} // namespace voltsim
