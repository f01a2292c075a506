// The API's routes are pure functions of (request, snapshot): tested here
// with plain values, no socket and no engine.
#include "api/routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <sstream>

namespace lineup::api {
namespace {

using engine::State;

engine::ServiceView service(std::string name, State state, config::Priority priority, int pid = 0) {
  engine::ServiceView v;
  v.name = std::move(name);
  v.state = state;
  v.goal = engine::Goal::up;
  v.priority = priority;
  v.pid = pid;
  v.ready = state == State::ready;
  return v;
}

engine::Snapshot stack() {
  engine::Snapshot snap;
  snap.phase = engine::Phase::degraded;
  snap.services = {service("db", State::ready, config::Priority::critical, 101),
                   service("api", State::starting, config::Priority::high, 102),
                   service("metrics", State::failed, config::Priority::low)};
  auto t0 = engine::Clock::now();
  snap.services[0].spawned_at = t0;
  snap.services[0].ready_at = t0 + std::chrono::milliseconds(1500);
  snap.services[0].attempts = 2;
  snap.services[0].restarts = 1;
  snap.services[2].breaker = engine::Breaker::open;
  return snap;
}

Routed call(const std::string& method, const std::string& target, const engine::Snapshot& snap,
            const std::string& last_run = "") {
  std::function<std::string()> report = [&] { return last_run; };
  return route({method, target, ""}, View{snap, report});
}

TEST(Routes, StatusCodesAndCommands) {
  auto snap = stack();
  struct Case {
    const char* method;
    const char* target;
    int status;
    std::optional<Command::Kind> command;
  } cases[] = {
      {"GET", "/health/live", 200, {}},
      {"GET", "/health/ready", 503, {}},
      {"GET", "/health/startup", 404, {}},
      {"GET", "/v1/services", 200, {}},
      {"GET", "/v1/services/db", 200, {}},
      {"GET", "/v1/services/nosuch", 404, {}},
      {"POST", "/v1/services/api/restart", 202, Command::Kind::restart},
      {"POST", "/v1/services/api/stop", 202, Command::Kind::stop},
      {"POST", "/v1/services/metrics/start", 202, Command::Kind::start},
      {"POST", "/v1/services/api/explode", 404, {}},
      {"GET", "/v1/services/api/stop", 405, {}},
      {"POST", "/v1/down", 202, Command::Kind::down},
      {"GET", "/v1/down", 405, {}},
      {"DELETE", "/v1/services", 405, {}},
      {"GET", "/metrics", 200, {}},
      {"GET", "/../../etc/passwd", 404, {}},
  };
  for (const auto& c : cases) {
    auto r = call(c.method, c.target, snap);
    EXPECT_EQ(r.response.status, c.status) << c.method << " " << c.target;
    EXPECT_EQ(r.command.has_value(), c.command.has_value()) << c.method << " " << c.target;
    if (r.command && c.command) {
      EXPECT_EQ(r.command->kind, *c.command) << c.target;
    }
  }
}

TEST(Routes, ReadyNamesWhatIsMissingAndIgnoresLowPriority) {
  auto snap = stack();
  auto r = call("GET", "/health/ready", snap);
  auto j = nlohmann::json::parse(r.response.body);
  EXPECT_EQ(j["waiting_for"], nlohmann::json::array({"api"}));  // metrics is low: not required
  snap.services[1].state = State::ready;
  EXPECT_EQ(call("GET", "/health/ready", snap).response.status, 200);
}

TEST(Routes, StartupReportIsServedOnceItExists) {
  auto snap = stack();
  auto r = call("GET", "/health/startup", snap, "{\"result\": \"READY\"}\n");
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "{\"result\": \"READY\"}\n");
}

TEST(Routes, ServicesJsonHasThePsShape) {
  auto j = nlohmann::json::parse(call("GET", "/v1/services", stack()).response.body);
  EXPECT_EQ(j["result"], "DEGRADED");
  ASSERT_EQ(j["services"].size(), 3u);
  for (const auto& s : j["services"])
    for (const char* key :
         {"name", "state", "priority", "pid", "attempts", "restarts", "breaker", "ready", "status"})
      EXPECT_TRUE(s.contains(key)) << key;
  EXPECT_EQ(j["services"][2]["breaker"], "open");
}

// A small parser of the Prometheus text format: every sample line is
// `name{labels} value`, every family has HELP and TYPE before its samples.
std::map<std::string, std::string> parse_prometheus(const std::string& text) {
  std::map<std::string, std::string> samples;
  std::set<std::string> typed;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      EXPECT_TRUE(type == "gauge" || type == "counter" || type == "histogram") << line;
      typed.insert(name);
      continue;
    }
    if (line.starts_with("# HELP ") || line.empty()) continue;
    auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    std::string key = line.substr(0, space), value = line.substr(space + 1);
    std::string name = key.substr(0, key.find('{'));
    for (std::string suffix : {"_bucket", "_sum", "_count"})  // the series of a histogram
      if (name.ends_with(suffix) && typed.count(name.substr(0, name.size() - suffix.size())))
        name.resize(name.size() - suffix.size());
    EXPECT_TRUE(typed.count(name)) << "sample before its TYPE: " << line;
    EXPECT_TRUE(value == "NaN" || value.find_first_not_of("0123456789.-e") == std::string::npos) << line;
    EXPECT_FALSE(samples.count(key)) << "sample twice: " << line;
    samples[key] = value;
  }
  return samples;
}

TEST(Routes, MetricsAreValidPrometheusText) {
  auto r = call("GET", "/metrics", stack());
  EXPECT_EQ(r.response.content_type, "text/plain; version=0.0.4");
  auto m = parse_prometheus(r.response.body);
  EXPECT_EQ(m["lineup_service_up{service=\"db\"}"], "1");
  EXPECT_EQ(m["lineup_service_up{service=\"metrics\"}"], "0");
  EXPECT_EQ(m["lineup_service_ready{service=\"db\"}"], "1");
  EXPECT_EQ(m["lineup_service_restarts_total{service=\"db\"}"], "1");
  EXPECT_EQ(m["lineup_service_attempts_total{service=\"db\"}"], "2");
  EXPECT_EQ(m["lineup_service_startup_seconds{service=\"db\"}"], "1.500000");
  EXPECT_EQ(m["lineup_service_startup_seconds{service=\"api\"}"], "NaN");
  EXPECT_EQ(m["lineup_service_breaker_open{service=\"metrics\"}"], "2");
  EXPECT_EQ(m["lineup_service_state{service=\"api\",state=\"starting\"}"], "1");
  EXPECT_EQ(m["lineup_stack_state{state=\"DEGRADED\"}"], "1");
}

TEST(Routes, ProbeHistogramIsCumulativeWithCountAndSum) {
  auto snap = stack();
  std::vector<engine::ProbeStats> stats(1);
  stats[0].service = "db";
  stats[0].kind = "postgres";
  stats[0].record(0.0003, true);  // first bucket
  stats[0].record(0.02, false);   // le 0.025
  stats[0].record(7.0, false);    // beyond the last bound: only +Inf
  std::function<std::string()> no_report = [] { return std::string(); };
  auto r = route({"GET", "/metrics", ""}, View{snap, no_report, &stats});
  auto m = parse_prometheus(r.response.body);
  const std::string l = "service=\"db\",kind=\"postgres\"";
  EXPECT_EQ(m["lineup_probe_duration_seconds_bucket{" + l + ",le=\"0.0005\"}"], "1");
  EXPECT_EQ(m["lineup_probe_duration_seconds_bucket{" + l + ",le=\"0.01\"}"], "1");
  EXPECT_EQ(m["lineup_probe_duration_seconds_bucket{" + l + ",le=\"0.025\"}"], "2");
  EXPECT_EQ(m["lineup_probe_duration_seconds_bucket{" + l + ",le=\"5\"}"], "2");
  EXPECT_EQ(m["lineup_probe_duration_seconds_bucket{" + l + ",le=\"+Inf\"}"], "3");
  EXPECT_EQ(m["lineup_probe_duration_seconds_count{" + l + "}"], "3");
  EXPECT_EQ(m["lineup_probe_duration_seconds_sum{" + l + "}"], "7.020300");
  EXPECT_EQ(m["lineup_probe_failures_total{" + l + "}"], "2");
}

}  // namespace
}  // namespace lineup::api
