#include "report/reasons.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace lineup::report {

std::vector<Outcome> outcomes(const engine::Snapshot& snap) {
  std::vector<Outcome> out;
  out.reserve(snap.services.size());
  for (const auto& v : snap.services) {
    out.push_back(
        {v.name, std::string(engine::name_of(engine::outcome_of(v))), v.error, v.ready_at.has_value()});
  }
  return out;
}

std::vector<Outcome> outcomes_from_last_run(std::string_view text) {
  std::vector<Outcome> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("services") || !j["services"].is_object()) return out;
  for (const auto& [name, s] : j["services"].items()) {
    if (!s.is_object()) continue;
    Outcome o{name, s.value("status", ""), "", false};
    if (s.contains("error") && s["error"].is_string()) o.error = s["error"].get<std::string>();
    o.was_ready = s.contains("ready_at") && s["ready_at"].is_number();
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<std::string> reason_lines(const std::vector<Outcome>& services) {
  std::vector<std::string> lines;
  for (const auto& o : services) {
    std::string why = o.error.empty() ? "no reason recorded" : o.error;
    if (o.state == "skipped") {
      lines.push_back(fmt::format("{}: skipped: {}", o.name, why));
    } else if (o.state == "blocked") {
      lines.push_back(fmt::format("{}: blocked (circuit breaker open): {}", o.name, why));
    } else if (o.state == "failed") {
      // "not ready after 60s (startup_timeout): ..." says what happened by itself.
      if (why.starts_with("not ready"))
        lines.push_back(fmt::format("{}: {}", o.name, why));
      else
        lines.push_back(fmt::format("{}: {}: {}", o.name, o.was_ready ? "failed" : "failed to start", why));
    }
  }
  return lines;
}

}  // namespace lineup::report
