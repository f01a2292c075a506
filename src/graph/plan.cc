#include "graph/plan.h"

#include <algorithm>

namespace lineup::graph {

int attempts_before_failure(const config::Service& s) {
  if (s.restart.policy == config::RestartPolicy::no) return 1;
  int attempts = s.circuit_breaker.threshold;
  if (s.restart.max_attempts > 0) attempts = std::min(attempts, s.restart.max_attempts);
  return std::max(attempts, 1);
}

Millis startup_budget(const config::Service& s) {
  int attempts = attempts_before_failure(s);
  Millis total = s.startup_timeout * attempts;
  // Backoff before each retry, at its largest jitter.
  double delay = static_cast<double>(s.restart.backoff.initial.count());
  const double cap = static_cast<double>(s.restart.backoff.max.count());
  for (int i = 1; i < attempts; ++i) {
    total += Millis(static_cast<long long>(std::min(delay, cap) * (1.0 + s.restart.backoff.jitter)));
    delay *= s.restart.backoff.multiplier;
  }
  return total;
}

Plan make_plan(const config::Config& cfg, const Graph& g, const std::map<std::string, Millis>& recorded) {
  Plan p;
  p.levels = levels(g);
  const size_t n = g.size();
  p.expected.resize(n);
  p.budget.resize(n);
  std::vector<Millis> expected_weight(n, Millis(0));
  for (size_t i = 0; i < n; ++i) {
    const auto& s = cfg.services[i];
    if (auto it = recorded.find(s.name); it != recorded.end()) {
      p.expected[i] = it->second;
    } else if (s.expected_startup) {
      p.expected[i] = *s.expected_startup;
    }
    expected_weight[i] = p.expected[i].value_or(Millis(0));
    p.budget[i] = startup_budget(s);
  }
  if (p.levels.complete) {
    p.critical = critical_path(g, expected_weight);
    p.worst = critical_path(g, p.budget);
  }
  return p;
}

}  // namespace lineup::graph
