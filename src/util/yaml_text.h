// A JSON value written as YAML: `lineup config` and `lineup export` build
// their output as JSON objects (ordered, so the text reads in a sensible
// order) and print it in either form.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace lineup {

// Block style, lists of scalars in flow style. With `quote_all`, every
// string is double-quoted; otherwise a string is plain where every YAML
// reader (1.1 and 1.2) reads it back as that same string, quoted elsewhere.
std::string to_yaml(const nlohmann::ordered_json& j, bool quote_all = false);

// A word YAML reads back as itself when unquoted: not a number, a boolean
// or null in YAML 1.1 or 1.2, and no character with a meaning in YAML.
bool plain_yaml_safe(std::string_view s);

}  // namespace lineup
