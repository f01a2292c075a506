#include "config/spec.h"

#include <fmt/format.h>

namespace lineup::config {

std::string Command::display() const {
  if (shell && argv.size() == 3) return argv[2];
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\"'\\$`") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

std::string_view name_of(ServiceType t) {
  return name_in(kServiceTypeNames, t);
}
std::string format_bytes(long long bytes) {
  constexpr std::pair<long long, const char*> units[] = {
      {1LL << 40, "T"}, {1LL << 30, "G"}, {1LL << 20, "M"}, {1LL << 10, "K"}};
  for (auto [size, unit] : units)
    if (bytes >= size) {
      if (bytes % size == 0) return fmt::format("{}{}", bytes / size, unit);
      if (bytes * 10 % size == 0) return fmt::format("{:.1f}{}", static_cast<double>(bytes) / size, unit);
    }
  return std::to_string(bytes);
}

std::string_view name_of(KillMode k) {
  return name_in(kKillModeNames, k);
}
std::string_view name_of(HookEvent e) {
  return name_in(kHookEventNames, e);
}
std::string_view name_of(Priority p) {
  return name_in(kPriorityNames, p);
}
std::string_view name_of(StackStop s) {
  return name_in(kStackStopNames, s);
}
std::string_view name_of(Condition c) {
  return name_in(kConditionNames, c);
}
std::string_view name_of(RestartPolicy p) {
  return name_in(kRestartPolicyNames, p);
}

std::string_view kind_name(const ProbeKind& k) {
  static constexpr std::string_view names[] = {"exec",  "tcp",    "http",      "postgres", "redis",
                                               "log",   "notify", "notify_fd", "file",     "websocket",
                                               "mysql", "grpc",   "kubernetes"};
  return names[k.index()];
}

const Service* Config::find(std::string_view name) const {
  for (const auto& s : services)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace lineup::config
