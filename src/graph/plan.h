// The startup plan: what `lineup plan` shows before anything runs.
//
// Levels are for humans (the seeds' "tiers"); lineup itself starts each
// service as soon as its own dependencies are met. The critical path uses
// each service's expected duration (a recorded run, else expected_startup,
// else zero), and the worst case uses the configured budgets: the time until
// the startup has a result if every service on the longest chain uses up
// all its attempts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/spec.h"
#include "graph/graph.h"

namespace lineup::graph {

struct Plan {
  Levels levels;
  std::vector<std::optional<Millis>> expected;  // per service; nullopt = unknown
  std::vector<Millis> budget;                   // per service: worst case until failed or ready
  CriticalPath critical;                        // weighted by expected (unknown = 0)
  CriticalPath worst;                           // weighted by budget
};

// `recorded`: durations from the last run, by service name (may be empty).
Plan make_plan(const config::Config& cfg, const Graph& g, const std::map<std::string, Millis>& recorded);

// Attempts before a service is given up: restart policy, max_attempts and
// the circuit breaker together. A policy of `no` means one attempt.
int attempts_before_failure(const config::Service& s);

// Time from the first spawn until the service is given up: every attempt
// uses its whole startup_timeout, with the backoff delays in between.
Millis startup_budget(const config::Service& s);

}  // namespace lineup::graph
