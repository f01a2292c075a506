// The probe runner in virtual time: layers, thresholds, intervals, grace
// and passive layers, with fake timers and checks the test answers itself.
#include "probes/runner.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

namespace lineup::probes {
namespace {

using namespace std::chrono_literals;
using engine::Id;

class FakeTimers : public Timers {
 public:
  engine::TimePoint now() const override { return now_; }
  void set(Id id, engine::TimePoint at, std::function<void()> fire) override {
    due_[id] = {at, std::move(fire)};
  }
  void cancel(Id id) override { due_.erase(id); }
  // Moves time on by `d`, firing what falls due, in order.
  void advance(Millis d) {
    auto end = now_ + d;
    while (true) {
      auto next = due_.end();
      for (auto it = due_.begin(); it != due_.end(); ++it)
        if (it->second.first <= end && (next == due_.end() || it->second.first < next->second.first))
          next = it;
      if (next == due_.end()) break;
      now_ = std::max(now_, next->second.first);
      auto fire = std::move(next->second.second);
      due_.erase(next);
      fire();
    }
    now_ = end;
  }
  bool armed(Id id) const { return due_.count(id) > 0; }
  Millis in(Id id) const { return std::chrono::duration_cast<Millis>(due_.at(id).first - now_); }

 private:
  engine::TimePoint now_{};
  std::map<Id, std::pair<engine::TimePoint, std::function<void()>>> due_;
};

struct FakeHost : Host {
  std::vector<engine::Event> events;
  void feed(engine::Event e) override { events.push_back(std::move(e)); }
  lineup::Result<pid_t> run_command(Id, const std::vector<std::string>&, const std::string&,
                                    std::function<void(int)>) override {
    return unexpected(std::string("no processes here"));
  }
  std::vector<std::string> env;

  int count_ready() const {
    int n = 0;
    for (const auto& e : events) n += std::holds_alternative<engine::Ready>(e);
    return n;
  }
  int count_liveness_failed() const {
    int n = 0;
    for (const auto& e : events) n += std::holds_alternative<engine::LivenessFailed>(e);
    return n;
  }
  std::vector<std::string> statuses() const {
    std::vector<std::string> out;
    for (const auto& e : events)
      if (auto* s = std::get_if<engine::ProbeStatus>(&e)) out.push_back(s->text);
    return out;
  }
};

config::Probe tcp(int port, config::ProbeTiming timing = {}) {
  config::Probe p;
  p.kind = config::TcpProbe{"127.0.0.1", port};
  p.timing = timing;
  return p;
}
config::Probe log(std::string regex) {
  config::Probe p;
  p.kind = config::LogProbe{std::move(regex)};
  return p;
}

// One service "api" with the given probes; checks wait in `asked` for the test's answer.
struct Fixture {
  explicit Fixture(std::vector<config::Probe> ready, std::vector<config::Probe> live = {}) {
    config::Service s;
    s.name = "api";
    s.ready = std::move(ready);
    s.live = std::move(live);
    cfg.services.push_back(std::move(s));
    runner = std::make_unique<Runner>(cfg, host, timers, [this](Id, const config::Probe& p, Done done) {
      asked.push_back({std::get<config::TcpProbe>(p.kind).port, std::move(done)});
    });
  }
  // Answers the oldest check; returns the port it was for.
  int answer(bool ok, std::string reason = "") {
    EXPECT_FALSE(asked.empty());
    if (asked.empty()) return 0;
    auto [port, done] = std::move(asked.front());
    asked.pop_front();
    done({ok, reason.empty() ? (ok ? "connected" : "connection refused") : reason});
    return port;
  }
  config::Config cfg;
  FakeHost host;
  FakeTimers timers;
  std::deque<std::pair<int, Done>> asked;
  std::unique_ptr<Runner> runner;
};

TEST(ProbeRunner, LayersInOrderEachToItsSuccessThreshold) {
  config::ProbeTiming twice;
  twice.success_threshold = 2;
  Fixture f({tcp(1, twice), tcp(2)});
  f.runner->spawned(0);
  f.runner->run(0, engine::ProbeSet::ready);
  EXPECT_EQ(f.answer(true), 1);
  EXPECT_TRUE(f.asked.empty());  // the next check of layer 1 waits for its interval
  f.timers.advance(10s);
  EXPECT_EQ(f.answer(true), 1);  // layer 1 passed twice: layer 2 is checked at once
  EXPECT_EQ(f.host.count_ready(), 0);
  EXPECT_EQ(f.answer(true), 2);
  EXPECT_EQ(f.host.count_ready(), 1);
  EXPECT_FALSE(f.timers.armed(0));  // done: nothing more is checked
}

TEST(ProbeRunner, StartIntervalUntilTheFirstSuccessThenInterval) {
  config::ProbeTiming t;
  t.start_interval = 100ms;
  t.interval = 5s;
  t.success_threshold = 3;
  Fixture f({tcp(1, t)});
  f.runner->spawned(0);
  f.runner->run(0, engine::ProbeSet::ready);
  f.answer(false);
  EXPECT_EQ(f.timers.in(0), 100ms);
  f.timers.advance(100ms);
  f.answer(true);
  EXPECT_EQ(f.timers.in(0), 5s);
  f.timers.advance(5s);
  f.answer(false);  // a failure starts the count over, but not the interval
  EXPECT_EQ(f.timers.in(0), 5s);
}

TEST(ProbeRunner, LivenessFailsAfterFailureThresholdInARow) {
  config::ProbeTiming t;
  t.interval = 1s;
  t.failure_threshold = 2;
  Fixture f({}, {tcp(1, t)});
  f.runner->spawned(0);
  f.runner->run(0, engine::ProbeSet::live);
  ASSERT_TRUE(f.timers.armed(0));  // the first live check is spread out (schedule.h)
  f.timers.advance(2s);
  f.answer(false);
  f.timers.advance(2s);
  f.answer(true);  // a success in between: the count starts over
  f.timers.advance(2s);
  f.answer(false);
  EXPECT_EQ(f.host.count_liveness_failed(), 0);
  f.timers.advance(2s);
  f.answer(false);
  EXPECT_EQ(f.host.count_liveness_failed(), 1);
  EXPECT_FALSE(f.timers.armed(0));
}

TEST(ProbeRunner, FailuresWithinGraceDoNotCount) {
  config::ProbeTiming t;
  t.interval = 1s;
  t.failure_threshold = 1;
  t.grace = 5s;
  Fixture f({}, {tcp(1, t)});
  f.runner->spawned(0);
  f.runner->run(0, engine::ProbeSet::live);
  f.timers.advance(2s);
  f.answer(false);  // within 5s of the spawn
  EXPECT_EQ(f.host.count_liveness_failed(), 0);
  f.timers.advance(4s);
  f.answer(false);
  EXPECT_EQ(f.host.count_liveness_failed(), 1);
}

TEST(ProbeRunner, ALogLineSeenBeforeItsLayerStillCounts) {
  Fixture f({tcp(1), log("listening on")});
  f.runner->spawned(0);
  f.runner->run(0, engine::ProbeSet::ready);
  f.runner->log_line(0, "server listening on :8080");  // while layer 1 is still checked
  EXPECT_EQ(f.host.count_ready(), 0);
  f.answer(true);
  EXPECT_EQ(f.host.count_ready(), 1);
}

TEST(ProbeRunner, ANewAttemptForgetsTheLogLinesOfTheLastOne) {
  Fixture f({log("listening")});
  f.runner->spawned(0);
  f.runner->log_line(0, "listening");
  f.runner->spawned(0);  // a restart
  f.runner->run(0, engine::ProbeSet::ready);
  EXPECT_EQ(f.host.count_ready(), 0);
  f.runner->log_line(0, "listening");
  EXPECT_EQ(f.host.count_ready(), 1);
}

TEST(ProbeRunner, OnlyAChangedResultIsReported) {
  config::ProbeTiming t;
  t.start_interval = 100ms;
  t.success_threshold = 5;
  Fixture f({tcp(1, t)});
  f.runner->spawned(0);
  f.runner->run(0, engine::ProbeSet::ready);
  for (int i = 0; i < 3; ++i) {
    f.answer(false);
    f.timers.advance(100ms);
  }
  f.answer(true);
  EXPECT_EQ(f.host.statuses(), (std::vector<std::string>{"connection refused", "connected"}));
}

TEST(ProbeRunner, ARunOfAnotherSetCancelsTheChecksInFlight) {
  Fixture f({tcp(1)});
  f.runner->spawned(0);
  f.runner->run(0, engine::ProbeSet::ready);
  f.runner->run(0, engine::ProbeSet::none);  // stopped before the answer came
  f.answer(true);
  EXPECT_EQ(f.host.count_ready(), 0);
  EXPECT_FALSE(f.timers.armed(0));
}

}  // namespace
}  // namespace lineup::probes
