#include "util/yaml_text.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace lineup {

namespace {

void emit(YAML::Emitter& out, const nlohmann::ordered_json& j, bool quote_all) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::object:
      out << YAML::BeginMap;
      for (auto it = j.begin(); it != j.end(); ++it) {
        out << YAML::Key << it.key() << YAML::Value;
        emit(out, it.value(), quote_all);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::ordered_json::value_t::array:
      out << (j.empty() || !j.front().is_structured() ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
      for (const auto& v : j) emit(out, v, quote_all);
      out << YAML::EndSeq;
      break;
    case nlohmann::ordered_json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      if (!quote_all && plain_yaml_safe(s))
        out << s;
      else
        out << YAML::DoubleQuoted << s;
      break;
    }
    case nlohmann::ordered_json::value_t::boolean:
      out << j.get<bool>();
      break;
    case nlohmann::ordered_json::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << j.dump();
      break;
  }
}

}  // namespace

bool plain_yaml_safe(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '/')) return false;
  // YAML 1.1's booleans and null, any case: a Kubernetes or compose reader may still speak it.
  static constexpr std::array<std::string_view, 11> kWords = {"y",    "n",     "yes",  "no", "on", "off",
                                                              "true", "false", "null", "~",  "nan"};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (std::find(kWords.begin(), kWords.end(), lower) != kWords.end()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

std::string to_yaml(const nlohmann::ordered_json& j, bool quote_all) {
  YAML::Emitter out;
  emit(out, j, quote_all);
  return std::string(out.c_str()) + "\n";
}

}  // namespace lineup
