#include "config/environment.h"

#include <map>
#include <string_view>

namespace lineup::config {

namespace {
std::vector<std::string> joined(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}
}  // namespace

std::vector<std::string> stack_environment(const char* const* inherited, const EnvPairs& stack) {
  std::map<std::string, std::string> env;
  for (const char* const* e = inherited; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos || kv.starts_with("NOTIFY_SOCKET=") || kv.starts_with("LISTEN_"))
      continue;
    env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  for (const auto& [k, v] : stack) env[k] = v;
  return joined(env);
}

std::vector<std::string> service_environment(const std::vector<std::string>& base, const EnvPairs& service,
                                             const EnvPairs& extra) {
  std::map<std::string, std::string> env;
  for (const auto& kv : base) {
    auto eq = kv.find('=');
    env[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  for (const auto& [k, v] : service) env[k] = v;
  for (const auto& [k, v] : extra) env[k] = v;
  return joined(env);
}

}  // namespace lineup::config
