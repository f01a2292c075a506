#include "config/changes.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/redact.h"
#include "config/to_json.h"

namespace lineup::config {

namespace {

// What the process is: a change here cannot be applied to a running one.
bool is_process_field(std::string_view key) {
  static constexpr std::string_view fields[] = {"command", "type",   "working_dir", "environment",
                                                "ports",   "limits", "log_location"};
  return std::find(std::begin(fields), std::end(fields), key) != std::end(fields);
}

// Fields with no effect on a running stack: a plan hint, what chose the service.
bool is_inert_field(std::string_view key) {
  return key == "expected_startup" || key == "profiles" || key == "image" || key == "replica_of" ||
         key == "namespace" || key == "replica";
}

}  // namespace

std::map<std::string, ServiceDiff> diff_services(const Config& applied, const Config& fresh) {
  // The same rendering `lineup config` uses, without masking: every field of
  // every kind of probe is compared without a comparison written per field.
  auto verbatim = Redactor::verbatim();
  auto before = to_json(applied, verbatim), after = to_json(fresh, verbatim);
  bool stack_env_changed = before.value("environment", nlohmann::ordered_json()) !=
                           after.value("environment", nlohmann::ordered_json());
  std::map<std::string, ServiceDiff> out;
  const auto& old_services = before["services"];
  for (const auto& [name, now] : after["services"].items()) {
    auto it = old_services.find(name);
    if (it == old_services.end()) continue;
    ServiceDiff d;
    auto note = [&](const std::string& key) {
      if (is_inert_field(key)) return;
      auto& list = is_process_field(key) ? d.restart : d.in_place;
      if (std::find(list.begin(), list.end(), key) == list.end()) list.push_back(key);
    };
    for (const auto& [key, value] : now.items())
      if (!it->contains(key) || (*it)[key] != value) note(key);
    for (const auto& [key, value] : it->items())
      if (!now.contains(key)) note(key);
    if (stack_env_changed) note("environment");
    out.emplace(name, std::move(d));
  }
  return out;
}

std::string describe(const std::vector<std::string>& fields) {
  if (fields.empty()) return "";
  if (fields.size() == 1) return fields[0] + " changed";
  std::vector<std::string> head(fields.begin(), fields.end() - 1);
  return fmt::format("{} and {} changed", fmt::join(head, ", "), fields.back());
}

}  // namespace lineup::config
