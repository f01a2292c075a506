// The restart policy decides, after every failure, whether a service is
// retried, given up, or blocked by the circuit breaker, and how long it waits.
// It takes `now` on every call, so these tables walk through minutes of
// backoff and breaker windows in virtual time: no clock, no sleeping.
#include "engine/restart.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace lineup::engine {
namespace {

using namespace std::chrono_literals;
using config::RestartPolicy;
using Verdict = RestartTracker::Verdict;

const TimePoint t0{};

// A tracker with no jitter and a breaker that never opens unless the case says so.
struct Limits {
  RestartPolicy policy = RestartPolicy::on_failure;
  Millis initial = 1s;
  Millis max = 30s;
  double multiplier = 2.0;
  double jitter = 0.0;
  int max_attempts = 0;
  int threshold = 1000;
  Millis window = 60s;
  Millis cooldown = 300s;
};

RestartTracker make(const Limits& l, uint64_t seed = 7) {
  config::Restart r;
  r.policy = l.policy;
  r.backoff.initial = l.initial;
  r.backoff.max = l.max;
  r.backoff.multiplier = l.multiplier;
  r.backoff.jitter = l.jitter;
  r.max_attempts = l.max_attempts;
  config::CircuitBreaker b;
  b.threshold = l.threshold;
  b.window = l.window;
  b.cooldown = l.cooldown;
  return RestartTracker(r, b, seed);
}

const char* name(Verdict v) {
  switch (v) {
    case Verdict::retry:
      return "retry";
    case Verdict::give_up:
      return "give_up";
    case Verdict::breaker_open:
      return "breaker_open";
  }
  return "?";
}

TEST(RestartPolicy, RestartsAfterExit) {
  struct Case {
    RestartPolicy policy;
    bool after_success, after_failure;
  } cases[] = {
      {RestartPolicy::no, false, false},
      {RestartPolicy::on_failure, false, true},
      {RestartPolicy::always, true, true},
      {RestartPolicy::unless_stopped, true, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(config::name_of(c.policy));
    Limits l;
    l.policy = c.policy;
    auto t = make(l);
    EXPECT_EQ(t.restarts_after_exit(true), c.after_success);
    EXPECT_EQ(t.restarts_after_exit(false), c.after_failure);
  }
}

// A failed attempt: only `no` gives up; every other policy retries.
TEST(RestartPolicy, FailedAttempt) {
  struct Case {
    RestartPolicy policy;
    Verdict verdict;
    int restarts;
  } cases[] = {
      {RestartPolicy::no, Verdict::give_up, 0},
      {RestartPolicy::on_failure, Verdict::retry, 1},
      {RestartPolicy::always, Verdict::retry, 1},
      {RestartPolicy::unless_stopped, Verdict::retry, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(config::name_of(c.policy));
    Limits l;
    l.policy = c.policy;
    auto t = make(l);
    auto d = t.on_failure(t0, 1);
    EXPECT_EQ(name(d.verdict), name(c.verdict));
    EXPECT_EQ(t.restarts(), c.restarts);
    if (c.verdict == Verdict::give_up) {
      EXPECT_EQ(d.delay, 0ms);
    }
  }
}

TEST(RestartBackoff, Schedule) {
  struct Case {
    const char* name;
    Limits limits;
    std::vector<Millis> delays;  // after the 1st, 2nd, ... consecutive failure
  } cases[] = {
      {"defaults without jitter: 1s doubling to the 30s cap", {}, {1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s}},
      {"small cap", {.initial = 1s, .max = 5s}, {1s, 2s, 4s, 5s, 5s}},
      {"multiplier 1.5",
       {.initial = 1000ms, .max = 60s, .multiplier = 1.5},
       {1000ms, 1500ms, 2250ms, 3375ms}},
      {"multiplier 1: constant", {.initial = 250ms, .multiplier = 1.0}, {250ms, 250ms, 250ms, 250ms}},
      {"initial above the cap is capped", {.initial = 10s, .max = 3s}, {3s, 3s}},
      {"zero initial", {.initial = 0ms}, {0ms, 0ms, 0ms}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto t = make(c.limits);
    TimePoint now = t0;
    for (size_t i = 0; i < c.delays.size(); ++i) {
      auto d = t.on_failure(now, static_cast<int>(i) + 1);
      ASSERT_EQ(name(d.verdict), name(Verdict::retry)) << "failure " << i + 1;
      EXPECT_EQ(d.delay, c.delays[i]) << "failure " << i + 1;
      now += d.delay;
    }
    EXPECT_EQ(t.restarts(), static_cast<int>(c.delays.size()));
  }
}

// Jitter spreads each delay by +-jitter around the schedule; a fixed seed
// gives the same spread every run, another seed a different one.
TEST(RestartBackoff, JitterBoundsWithFixedSeed) {
  Limits l{.initial = 1s, .max = 8s, .jitter = 0.2};
  const std::vector<Millis> base = {1s, 2s, 4s, 8s, 8s, 8s, 8s, 8s, 8s, 8s, 8s, 8s, 8s, 8s, 8s, 8s};
  auto run = [&](uint64_t seed) {
    auto t = make(l, seed);
    std::vector<Millis> out;
    for (size_t i = 0; i < base.size(); ++i)
      out.push_back(t.on_failure(t0 + static_cast<int>(i) * 1h, static_cast<int>(i) + 1).delay);
    return out;
  };
  auto a = run(42);
  std::set<Millis::rep> distinct;
  for (size_t i = 0; i < base.size(); ++i) {
    SCOPED_TRACE(i);
    auto lo = base[i].count() * 8 / 10, hi = base[i].count() * 12 / 10;
    EXPECT_GE(a[i].count(), lo);
    EXPECT_LE(a[i].count(), hi);
    if (base[i] == 8s) distinct.insert(a[i].count());
  }
  EXPECT_GT(distinct.size(), 1u) << "jitter should vary the capped delays";
  EXPECT_EQ(run(42), a) << "same seed, same schedule";
  EXPECT_NE(run(43), a) << "another seed, another schedule";
}

TEST(RestartBackoff, MaxAttemptsGivesUp) {
  struct Case {
    int max_attempts;
    int attempts;  // spawns so far when the attempt fails
    Verdict verdict;
  } cases[] = {
      {0, 1, Verdict::retry},   {0, 50, Verdict::retry},  // 0 = unlimited
      {1, 1, Verdict::give_up},                           // one attempt, no retry
      {3, 1, Verdict::retry},   {3, 2, Verdict::retry},  {3, 3, Verdict::give_up}, {3, 4, Verdict::give_up},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "max_attempts " << c.max_attempts << ", attempts " << c.attempts);
    auto t = make({.max_attempts = c.max_attempts});
    EXPECT_EQ(name(t.on_failure(t0, c.attempts).verdict), name(c.verdict));
  }
}

// Failures at the given offsets, breaker threshold 3 in a 60s window.
TEST(RestartBreaker, Window) {
  struct Case {
    const char* name;
    std::vector<Millis> at;
    std::vector<Verdict> verdicts;
  } cases[] = {
      {"three quick failures open it", {0s, 1s, 2s}, {Verdict::retry, Verdict::retry, Verdict::breaker_open}},
      {"three inside 60s open it", {0s, 30s, 59s}, {Verdict::retry, Verdict::retry, Verdict::breaker_open}},
      {"spread wider than the window",
       {0s, 40s, 80s, 120s, 160s},
       {Verdict::retry, Verdict::retry, Verdict::retry, Verdict::retry, Verdict::retry}},
      {"exactly one window apart is outside it",
       {0s, 30s, 60s},
       {Verdict::retry, Verdict::retry, Verdict::retry}},
      {"an old failure drops out, then three close ones",
       {0s, 100s, 101s, 102s},
       {Verdict::retry, Verdict::retry, Verdict::retry, Verdict::breaker_open}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto t = make({.threshold = 3, .window = 60s, .cooldown = 300s});
    for (size_t i = 0; i < c.at.size(); ++i) {
      auto d = t.on_failure(t0 + c.at[i], static_cast<int>(i) + 1);
      EXPECT_EQ(name(d.verdict), name(c.verdicts[i])) << "failure at " << c.at[i].count() << "ms";
      if (d.verdict == Verdict::breaker_open) {
        EXPECT_EQ(d.delay, 300s) << "blocked for the cooldown";
        EXPECT_EQ(t.breaker(), Breaker::open);
      } else {
        EXPECT_EQ(t.breaker(), Breaker::closed);
      }
    }
  }
}

TEST(RestartBreaker, HalfOpenTrial) {
  struct Case {
    const char* name;
    bool trial_succeeds;
  } cases[] = {{"success closes it", true}, {"failure reopens it at once", false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto t = make({.threshold = 3, .window = 60s, .cooldown = 300s});
    for (int i = 0; i < 3; ++i) t.on_failure(t0 + i * 1s, i + 1);
    ASSERT_EQ(t.breaker(), Breaker::open);
    EXPECT_EQ(t.restarts(), 2);

    TimePoint now = t0 + 302s;
    t.on_cooldown_over();
    EXPECT_EQ(t.breaker(), Breaker::half_open);
    EXPECT_EQ(t.restarts(), 3) << "the trial is a restart";
    if (c.trial_succeeds) {
      t.on_ready();
      EXPECT_EQ(t.breaker(), Breaker::closed);
      // Closed again with a clean window: it takes the threshold again to open it.
      EXPECT_EQ(name(t.on_failure(now + 1s, 5).verdict), name(Verdict::retry));
      EXPECT_EQ(name(t.on_failure(now + 2s, 6).verdict), name(Verdict::retry));
      EXPECT_EQ(name(t.on_failure(now + 3s, 7).verdict), name(Verdict::breaker_open));
    } else {
      auto d = t.on_failure(now + 1s, 4);
      EXPECT_EQ(name(d.verdict), name(Verdict::breaker_open));
      EXPECT_EQ(d.delay, 300s);
      EXPECT_EQ(t.breaker(), Breaker::open);
    }
  }
}

// on_ready and on_cooldown_over only act on the state they belong to.
TEST(RestartBreaker, TransitionsOnlyFromTheirState) {
  auto t = make({.threshold = 3});
  t.on_cooldown_over();
  EXPECT_EQ(t.breaker(), Breaker::closed) << "no cooldown to be over";
  EXPECT_EQ(t.restarts(), 0);
  t.on_ready();
  EXPECT_EQ(t.breaker(), Breaker::closed);
  for (int i = 0; i < 3; ++i) t.on_failure(t0 + i * 1s, i + 1);
  t.on_ready();
  EXPECT_EQ(t.breaker(), Breaker::open)
      << "READY does not close an open breaker; only a half-open trial does";
}

TEST(RestartBackoff, StableResetsTheSchedule) {
  auto t = make({.initial = 1s, .max = 30s});
  EXPECT_EQ(t.on_failure(t0, 1).delay, 1s);
  EXPECT_EQ(t.on_failure(t0 + 10min, 2).delay, 2s);
  EXPECT_EQ(t.on_failure(t0 + 20min, 3).delay, 4s);
  t.on_stable();
  EXPECT_EQ(t.on_failure(t0 + 30min, 4).delay, 1s) << "stable for reset_after: start over";
  EXPECT_EQ(t.on_failure(t0 + 40min, 5).delay, 2s);
  EXPECT_EQ(t.restarts(), 5) << "restarts keep counting";
  EXPECT_EQ(t.reset_after(), 60s);
}

}  // namespace
}  // namespace lineup::engine
