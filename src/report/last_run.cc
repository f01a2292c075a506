#include "report/last_run.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace lineup::report {

using engine::Id;
using ordered_json = nlohmann::ordered_json;  // keys in the order written

namespace {

std::optional<engine::TimePoint> finish(const engine::ServiceView& v) {
  return v.ready_at ? v.ready_at : v.ended_at;
}

ordered_json seconds_since(engine::TimePoint start, const std::optional<engine::TimePoint>& t) {
  if (!t) return nullptr;
  return std::chrono::duration<double>(*t - start).count();
}

}  // namespace

std::vector<std::string> critical_chain(const graph::Graph& g, const engine::Snapshot& snap) {
  auto done = [&](Id id) { return finish(snap.services[static_cast<size_t>(id)]); };
  std::optional<Id> end;
  for (size_t i = 0; i < snap.services.size(); ++i) {
    auto f = done(static_cast<Id>(i));
    if (f && (!end || *f > *done(*end))) end = static_cast<Id>(i);
  }
  // When a dependency let its dependent go: its spawn for `started`, else when it finished.
  auto gate = [&](const graph::Edge& edge) -> std::optional<engine::TimePoint> {
    const auto& v = snap.services[static_cast<size_t>(edge.dependency)];
    return edge.condition == config::Condition::started ? v.spawned_at : finish(v);
  };
  std::vector<std::string> chain;
  while (end) {
    chain.push_back(snap.services[static_cast<size_t>(*end)].name);
    std::optional<Id> next;
    std::optional<engine::TimePoint> latest;
    for (size_t e : g.dependencies(*end)) {
      auto t = gate(g.edges()[e]);
      if (t && (!latest || *t > *latest)) {
        latest = t;
        next = g.edges()[e].dependency;
      }
    }
    end = next;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

std::string last_run_json(engine::Phase result, const engine::Snapshot& snap, const graph::Graph& g,
                          engine::TimePoint started, std::time_t started_wall, engine::TimePoint now) {
  char when[64];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&started_wall));
  ordered_json j;
  j["result"] = std::string(engine::name_of(result));
  j["started_at"] = when;
  j["duration_s"] = std::chrono::duration<double>(now - started).count();
  j["critical_path"] = critical_chain(g, snap);
  ordered_json services = ordered_json::object();
  for (const auto& v : snap.services) {
    ordered_json s;
    s["status"] = std::string(engine::name_of(engine::outcome_of(v)));
    s["priority"] = std::string(config::name_of(v.priority));
    s["attempts"] = v.attempts;
    s["waiting_at"] = seconds_since(started, v.waiting_at);
    s["spawned_at"] = seconds_since(started, v.spawned_at);
    s["ready_at"] = seconds_since(started, v.ready_at);
    s["ended_at"] = seconds_since(started, v.ended_at);  // exit of a oneshot, or of a failed service
    auto end = finish(v);
    s["duration_s"] = v.spawned_at && end
                          ? ordered_json(std::chrono::duration<double>(*end - *v.spawned_at).count())
                          : ordered_json();
    s["error"] = v.error.empty() ? ordered_json() : ordered_json(v.error);
    services[v.name] = s;
  }
  j["services"] = services;
  // Errors may quote a service's output or a server's reply: not always UTF-8.
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace lineup::report
