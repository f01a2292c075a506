// The plan's numbers are promises a user reads before anything runs ("worst
// case 3m12s"): attempts and budgets must follow restart policy, breaker and
// backoff exactly, and the expected durations must prefer recorded runs.
#include "graph/plan.h"

#include <gtest/gtest.h>

namespace lineup::graph {
namespace {

using config::RestartPolicy;

config::Service service(RestartPolicy policy, int max_attempts, int threshold) {
  config::Service s;
  s.name = "s";
  s.command = config::Command{{"true"}, false};
  s.restart.policy = policy;
  s.restart.max_attempts = max_attempts;
  s.circuit_breaker.threshold = threshold;
  return s;
}

TEST(Plan, AttemptsBeforeFailure) {
  struct Case {
    RestartPolicy policy;
    int max_attempts;  // 0 = unlimited
    int threshold;     // circuit breaker
    int attempts;
  } cases[] = {
      {RestartPolicy::no, 0, 3, 1},         {RestartPolicy::no, 5, 10, 1},
      {RestartPolicy::on_failure, 0, 3, 3},  // the breaker stops it
      {RestartPolicy::on_failure, 2, 3, 2},  // max_attempts first
      {RestartPolicy::always, 10, 3, 3},     // the breaker first
      {RestartPolicy::always, 0, 1, 1},     {RestartPolicy::unless_stopped, 0, 5, 5},
      {RestartPolicy::on_failure, 1, 5, 1},
  };
  for (const auto& c : cases) {
    auto s = service(c.policy, c.max_attempts, c.threshold);
    EXPECT_EQ(attempts_before_failure(s), c.attempts)
        << config::name_of(c.policy) << " max_attempts=" << c.max_attempts << " threshold=" << c.threshold;
  }
}

TEST(Plan, StartupBudget) {
  struct Case {
    const char* name;
    RestartPolicy policy;
    int threshold;
    long long timeout_ms, initial_ms, max_ms;
    double multiplier, jitter;
    long long budget_ms;
  } cases[] = {
      // One attempt: just the startup timeout.
      {"no restart", RestartPolicy::no, 3, 60000, 1000, 30000, 2.0, 0.2, 60000},
      // 3 x 10s, then backoff 1s and 2s before the retries, each at +20% jitter.
      {"defaults", RestartPolicy::on_failure, 3, 10000, 1000, 30000, 2.0, 0.2, 30000 + 1200 + 2400},
      // The backoff is capped at max: 1s, 1.5s, 1.5s (+20%).
      {"capped backoff", RestartPolicy::always, 4, 10000, 1000, 1500, 2.0, 0.2, 40000 + 1200 + 1800 + 1800},
      {"no jitter", RestartPolicy::always, 3, 5000, 500, 10000, 3.0, 0.0, 15000 + 500 + 1500},
      {"zero initial backoff", RestartPolicy::always, 2, 5000, 0, 10000, 2.0, 0.5, 10000},
      {"single attempt by breaker", RestartPolicy::always, 1, 7000, 1000, 30000, 2.0, 0.2, 7000},
  };
  for (const auto& c : cases) {
    auto s = service(c.policy, 0, c.threshold);
    s.startup_timeout = Millis(c.timeout_ms);
    s.restart.backoff.initial = Millis(c.initial_ms);
    s.restart.backoff.max = Millis(c.max_ms);
    s.restart.backoff.multiplier = c.multiplier;
    s.restart.backoff.jitter = c.jitter;
    EXPECT_EQ(startup_budget(s), Millis(c.budget_ms)) << c.name;
  }
}

TEST(Plan, HugeAttemptCountDoesNotOverflowTheBackoff) {
  auto s = service(RestartPolicy::always, 0, 1000000);
  s.startup_timeout = Millis(1000);
  s.restart.backoff.multiplier = 100.0;
  s.restart.backoff.max = Millis(30000);
  s.restart.backoff.jitter = 0.0;
  // 1,000,000 attempts of 1s, then 999,999 delays: 1s, then 30s (capped) for the rest.
  EXPECT_EQ(startup_budget(s), Millis(1000000LL * 1000 + 1000 + 999998LL * 30000));
}

config::Config chain_config() {
  // db <- migrate <- api ; cache <- api
  config::Config cfg;
  for (const char* n : {"db", "cache", "migrate", "api"}) {
    config::Service s;
    s.name = n;
    s.command = config::Command{{"true"}, false};
    s.restart.policy = RestartPolicy::no;
    s.startup_timeout = Millis(10000);
    cfg.services.push_back(std::move(s));
  }
  auto dep = [](const char* n) {
    return config::Dependency{n, config::Condition::ready, false, true, false, {}};
  };
  cfg.services[2].depends_on.push_back(dep("db"));
  cfg.services[3].depends_on.push_back(dep("migrate"));
  cfg.services[3].depends_on.push_back(dep("cache"));
  return cfg;
}

TEST(Plan, ExpectedDurationsPreferRecordedRuns) {
  auto cfg = chain_config();
  cfg.services[0].expected_startup = Millis(3000);  // db: hint, and a recorded run below
  cfg.services[1].expected_startup = Millis(9000);  // cache: hint only
  // migrate: nothing known; api: recorded only
  Graph g = Graph::build(cfg);
  std::map<std::string, Millis> recorded{{"db", Millis(2000)}, {"api", Millis(500)}, {"gone", Millis(1)}};
  Plan p = make_plan(cfg, g, recorded);

  ASSERT_EQ(p.expected.size(), 4u);
  EXPECT_EQ(p.expected[0], Millis(2000));
  EXPECT_EQ(p.expected[1], Millis(9000));
  EXPECT_EQ(p.expected[2], std::nullopt);
  EXPECT_EQ(p.expected[3], Millis(500));

  // db(2s) -> migrate(0) -> api(0.5s) = 2.5s loses to cache(9s) -> api = 9.5s.
  std::vector<std::string> path;
  for (Id id : p.critical.path) path.push_back(g.name(id));
  EXPECT_EQ(path, (std::vector<std::string>{"cache", "api"}));
  EXPECT_EQ(p.critical.total, Millis(9500));

  // Worst case: every budget is one 10s attempt; the longest chain has three services.
  for (Millis b : p.budget) EXPECT_EQ(b, Millis(10000));
  std::vector<std::string> worst;
  for (Id id : p.worst.path) worst.push_back(g.name(id));
  EXPECT_EQ(worst, (std::vector<std::string>{"db", "migrate", "api"}));
  EXPECT_EQ(p.worst.total, Millis(30000));
  EXPECT_TRUE(p.levels.complete);
  EXPECT_EQ(p.levels.levels.size(), 3u);
}

TEST(Plan, CyclicGraphHasNoCriticalPath) {
  auto cfg = chain_config();
  cfg.services[0].depends_on.push_back({"api", config::Condition::ready, false, true, false, {}});
  Graph g = Graph::build(cfg);
  Plan p = make_plan(cfg, g, {});
  EXPECT_FALSE(p.levels.complete);
  EXPECT_TRUE(p.critical.path.empty());
  EXPECT_TRUE(p.worst.path.empty());
  EXPECT_EQ(p.budget.size(), 4u);
}

}  // namespace
}  // namespace lineup::graph
