// The critical chain of a recorded run follows what really gated each
// start: a `started` dependency gates at its spawn, not when it became ready.
#include "report/last_run.h"

#include <gtest/gtest.h>

namespace lineup::report {
namespace {

using namespace std::chrono_literals;

config::Service service(std::string name, std::vector<config::Dependency> deps = {}) {
  config::Service s;
  s.name = std::move(name);
  s.command = config::Command{{"/bin/true"}, false};
  s.depends_on = std::move(deps);
  return s;
}

config::Dependency dep(std::string name, config::Condition c) {
  config::Dependency d;
  d.name = std::move(name);
  d.condition = c;
  return d;
}

engine::ServiceView view(std::string name, Millis spawned, Millis ready) {
  engine::ServiceView v;
  v.name = std::move(name);
  v.state = engine::State::ready;
  v.spawned_at = engine::TimePoint{} + spawned;
  v.ready_at = engine::TimePoint{} + ready;
  return v;
}

TEST(CriticalChain, StartedDependencyGatesAtItsSpawn) {
  // api waits for migrate (completed at 700 ms) and for cache only to be
  // started (spawned at 0, ready at 1 s): migrate is what held api back.
  config::Config cfg;
  cfg.services = {service("db"), service("cache"), service("migrate", {dep("db", config::Condition::ready)}),
                  service("api", {dep("migrate", config::Condition::completed),
                                  dep("cache", config::Condition::started)})};
  auto g = graph::Graph::build(cfg);
  engine::Snapshot snap{engine::Phase::ready,
                        {view("db", 0ms, 400ms), view("cache", 0ms, 1000ms), view("migrate", 400ms, 700ms),
                         view("api", 700ms, 1500ms)}};
  EXPECT_EQ(critical_chain(g, snap), (std::vector<std::string>{"db", "migrate", "api"}));
}

}  // namespace
}  // namespace lineup::report
