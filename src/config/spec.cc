#include "config/spec.h"

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
  return t == ServiceType::oneshot ? "oneshot" : "service";
}

std::string_view name_of(Priority p) {
  switch (p) {
    case Priority::critical:
      return "critical";
    case Priority::high:
      return "high";
    case Priority::medium:
      return "medium";
    case Priority::low:
      return "low";
  }
  return "critical";
}

std::string_view name_of(Condition c) {
  switch (c) {
    case Condition::started:
      return "started";
    case Condition::ready:
      return "ready";
    case Condition::completed:
      return "completed";
  }
  return "ready";
}

std::string_view name_of(RestartPolicy p) {
  switch (p) {
    case RestartPolicy::no:
      return "no";
    case RestartPolicy::on_failure:
      return "on-failure";
    case RestartPolicy::always:
      return "always";
    case RestartPolicy::unless_stopped:
      return "unless-stopped";
  }
  return "no";
}

std::string_view kind_name(const ProbeKind& k) {
  static constexpr std::string_view names[] = {"exec", "tcp",    "http",      "postgres", "redis",
                                               "log",  "notify", "notify_fd", "file"};
  return names[k.index()];
}

const Service* Config::find(std::string_view name) const {
  for (const auto& s : services)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace lineup::config
