// Shared by the fuzz targets: a fixed snapshot of a small stack, and the
// way a text that a service or a probe produced reaches the API. The
// supervisor stores STATUS= lines and probe results as a service's status
// and serves them (and writes .lineup/state.json) through api::route().
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "api/routes.h"

namespace lineup::fuzz {

inline engine::ServiceView service(std::string name, engine::State state, config::Priority priority,
                                   int pid) {
  engine::ServiceView v;
  v.name = std::move(name);
  v.state = state;
  v.goal = engine::Goal::up;
  v.priority = priority;
  v.pid = pid;
  v.ready = state == engine::State::ready;
  return v;
}

struct Stack {
  engine::Snapshot snap;
  std::function<std::string()> last_run = [] { return std::string("{\"result\":\"DEGRADED\"}\n"); };
  std::vector<engine::ProbeStats> stats;

  Stack() {
    snap.phase = engine::Phase::degraded;
    snap.services = {service("db", engine::State::ready, config::Priority::critical, 101),
                     service("api", engine::State::starting, config::Priority::high, 102),
                     service("metrics", engine::State::failed, config::Priority::low, 0),
                     service("web.v2", engine::State::backoff, config::Priority::medium, 0)};
    auto t0 = engine::Clock::now();
    snap.services[0].spawned_at = t0;
    snap.services[0].ready_at = t0 + std::chrono::milliseconds(1500);
    snap.services[0].status = "accepting connections";
    snap.services[2].error = "exit code 1";
    snap.services[2].breaker = engine::Breaker::open;
    engine::ProbeStats s;
    s.service = "db";
    s.kind = "tcp";
    s.record(0.002, true);
    s.record(7, false);
    stats.push_back(s);
  }
};

// `text` as the status of a starting service and as the error of a failed
// one, served as /v1/services and /v1/services/NAME (what `ps` and the state
// file show).
inline void serve_status(const std::string& text) {
  Stack stack;
  stack.snap.services[1].status = text;
  stack.snap.services[2].error = text;
  api::View view{stack.snap, stack.last_run, &stack.stats};
  for (const char* target : {"/v1/services", "/v1/services/api", "/v1/services/metrics"})
    if (api::route({"GET", target, ""}, view).response.status != 200) __builtin_trap();
}

}  // namespace lineup::fuzz
