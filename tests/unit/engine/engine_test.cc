// The engine in virtual time: every lifecycle rule, one script per case
// (the fixture: fake_os.h).
#include "engine/engine.h"

#include <gtest/gtest.h>

#include "fake_os.h"

namespace lineup::engine {
namespace {

using namespace fixture;
using namespace std::chrono_literals;
using config::Condition;
using config::Priority;
using config::RestartPolicy;

// --- starting -----------------------------------------------------------------------------------

TEST(EngineStart, ServiceWithoutProbesIsReadyOnSpawned) {
  FakeOs os({Svc("web")});
  os.start();
  EXPECT_EQ(os.state("web"), State::ready);
  EXPECT_TRUE(os.view("web").ready);
  EXPECT_EQ(os.view("web").pid, 100);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// Without probes, staying up for min_uptime is the proof (supervisord's
// startsecs); dependents that only need it `started` do not wait for it.
TEST(EngineMinUptime, ProbelessServiceIsReadyAfterMinUptime) {
  FakeOs os({Svc("db").min_uptime(1s), Svc("api").after("db", Condition::started), Svc("web").after("db")});
  os.start();
  EXPECT_EQ(os.state("db"), State::starting);
  EXPECT_EQ(os.spawn_times("api"), std::vector<Millis>{0s}) << "condition started: at the spawn";
  EXPECT_EQ(os.state("web"), State::waiting);
  EXPECT_TRUE(os.phases.empty());
  os.advance(999ms);
  EXPECT_EQ(os.state("db"), State::starting);
  os.advance(1ms);
  EXPECT_EQ(os.state("db"), State::ready);
  EXPECT_EQ(os.spawn_times("web"), std::vector<Millis>{1s});
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// A scheduled oneshot waits for its schedule: the startup leaves it alone
// (READY without it), unless it runs on start, is named, or is needed.
TEST(EngineStart, ScheduledOneshotsWaitForTheirSchedule) {
  FakeOs os({Svc("web"), Svc("backup").schedule(), Svc("warm").schedule(true)});
  os.start();
  EXPECT_EQ(os.state("web"), State::ready);
  EXPECT_EQ(os.view("backup").attempts, 0);
  EXPECT_EQ(os.view("backup").goal, Goal::down);
  EXPECT_EQ(os.view("warm").attempts, 1) << "run_on_start";
  os.exit("warm", 0);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready}) << "the startup waits for warm, not for backup";
  os.send(StartRequested{os.id("backup")});  // what the schedule does when it is due
  EXPECT_EQ(os.view("backup").attempts, 1);

  FakeOs only({Svc("backup").schedule()});
  only.start();
  EXPECT_TRUE(only.spawns.empty()) << "no target left is not every target";
  EXPECT_EQ(only.phases, std::vector<Phase>{Phase::ready});

  FakeOs needed({Svc("migrate").schedule(), Svc("api").after("migrate", Condition::completed)});
  needed.start();
  EXPECT_EQ(needed.view("migrate").attempts, 1) << "a service being started needs it";
}

// post_start runs each time the service becomes READY (compose runs its
// hook after every start), never for a service that is only starting, and
// never for one without hooks.
TEST(EngineHooks, PostStartEachTimeTheServiceBecomesReady) {
  FakeOs os({Svc("db").probe().post_start("./warm").policy(RestartPolicy::always), Svc("web")});
  os.start();
  EXPECT_EQ(os.state("db"), State::starting);
  EXPECT_TRUE(os.post_starts.empty());
  os.ready("db");
  EXPECT_EQ(os.post_starts, std::vector<std::string>{"db"});
  os.exit("db", 1);  // restarted after its backoff, ready again
  os.advance(10s);
  EXPECT_EQ(os.state("db"), State::starting);
  os.ready("db");
  EXPECT_EQ(os.post_starts, (std::vector<std::string>{"db", "db"}));
}

// A critical service that dies 200 ms after its spawn has not started: the
// startup fails and what was started is stopped, instead of READY, then DEGRADED.
TEST(EngineMinUptime, CrashBeforeMinUptimeFailsTheStartup) {
  FakeOs os({Svc("db"), Svc("api").after("db").min_uptime(1s).policy(RestartPolicy::no)});
  os.sigterm_kills = true;
  os.start();
  os.advance(200ms);
  os.exit("api", 0);
  EXPECT_EQ(os.state("api"), State::failed);
  EXPECT_EQ(os.view("api").error, "exited with code 0 after 0.20s, before min_uptime (1s)");
  EXPECT_EQ(os.phases.front(), Phase::failed);
  EXPECT_FALSE(os.phase_seen(Phase::ready));
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.state("db"), State::stopped);
}

TEST(EngineMinUptime, ZeroIsReadyAtTheSpawn) {
  FakeOs os({Svc("db").min_uptime(0ms)});
  os.start();
  EXPECT_EQ(os.state("db"), State::ready);
}

TEST(EngineStart, ServiceWithProbesWaitsForReady) {
  FakeOs os({Svc("web").probe()});
  os.start();
  EXPECT_EQ(os.state("web"), State::starting);
  EXPECT_TRUE(os.phases.empty());
  os.advance(3s);
  os.ready("web");
  EXPECT_EQ(os.state("web"), State::ready);
  EXPECT_EQ(os.view("web").ready_at, TimePoint{} + 3s);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// A service spawns the moment its dependency meets the edge's condition, and
// never waits for `slow`, an unrelated service that is READY only at 10s.
TEST(EngineStart, EagerDagStart) {
  struct Case {
    const char* name;
    Svc dep;
    Condition condition;
    bool meet_by_exit;  // the dependency meets the condition at 2s by exiting 0 (else: by Ready)
    Millis expect;      // when api spawns
  } cases[] = {
      {"started: as soon as db is spawned", Svc("db").probe(), Condition::started, false, 0s},
      {"ready: when db is READY", Svc("db").probe(), Condition::ready, false, 2s},
      {"ready on a service without probes: when spawned", Svc("db"), Condition::ready, false, 0s},
      {"completed: when the oneshot exits 0", Svc("db").oneshot(), Condition::completed, true, 2s},
      {"ready on a oneshot: when it completed", Svc("db").oneshot(), Condition::ready, true, 2s},
      {"started on a oneshot: when it is spawned", Svc("db").oneshot(), Condition::started, true, 0s},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeOs os({c.dep, Svc("slow").probe(), Svc("api").after("db", c.condition)});
    os.start();
    os.advance(2s);
    if (c.meet_by_exit)
      os.exit("db", 0);
    else if (!os.view("db").ready)
      os.ready("db");
    ASSERT_EQ(os.spawn_times("api").size(), 1u);
    EXPECT_EQ(os.spawn_times("api")[0], c.expect);
    EXPECT_EQ(os.state("slow"), State::starting) << "api never waits for an unrelated service";
    os.advance(8s);
    os.ready("slow");
    EXPECT_EQ(os.spawn_times("api").size(), 1u);
  }
}

// No tier barriers: in a diamond, each service starts as soon as its own
// dependencies are READY, so the startup takes the critical path (a, c, d).
TEST(EngineStart, DiamondFollowsTheCriticalPath) {
  FakeOs os({Svc("a").probe(), Svc("b").probe().after("a"), Svc("c").probe().after("a"),
             Svc("d").probe().after("b").after("c"), Svc("e").probe().after("b")});
  os.start();
  os.advance(1s);
  os.ready("a");  // b, c spawn at 1s
  os.advance(1s);
  os.ready("b");  // e spawns at 2s; d still waits for c
  EXPECT_EQ(os.state("d"), State::waiting);
  os.advance(3s);
  os.ready("c");  // d at 5s
  os.advance(1s);
  os.ready("d");
  os.ready("e");
  EXPECT_EQ(os.spawn_times("b"), std::vector<Millis>{1s});
  EXPECT_EQ(os.spawn_times("c"), std::vector<Millis>{1s});
  EXPECT_EQ(os.spawn_times("e"), std::vector<Millis>{2s});
  EXPECT_EQ(os.spawn_times("d"), std::vector<Millis>{5s});
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
  EXPECT_EQ(os.view("d").ready_at, TimePoint{} + 6s);
}

TEST(EngineStart, TargetsStartOnlyTheirDependencies) {
  FakeOs os({Svc("db"), Svc("api").after("db"), Svc("web").after("api"), Svc("other")});
  os.start({"api"});
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"db", "api"}));
  EXPECT_EQ(os.state("web"), State::stopped);
  EXPECT_EQ(os.view("web").goal, Goal::down);
  EXPECT_EQ(os.state("other"), State::stopped);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// --- oneshots -----------------------------------------------------------------------------------

TEST(EngineOneshot, ExitDecidesCompletedOrFailed) {
  struct Case {
    const char* name;
    int code;
    std::vector<int> success_codes;
    State migrate, api;
    Phase phase;
  } cases[] = {
      {"exit 0: completed, `completed` dependents start",
       0,
       {0},
       State::completed,
       State::ready,
       Phase::ready},
      {"exit 3 listed as success", 3, {0, 3}, State::completed, State::ready, Phase::ready},
      {"exit 1: failed, required dependent skipped", 1, {0}, State::failed, State::skipped, Phase::degraded},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeOs os({Svc("migrate")
                   .oneshot()
                   .policy(RestartPolicy::no)
                   .priority(Priority::high)
                   .success_codes(c.success_codes),
               Svc("api").after("migrate", Condition::completed)});
    os.start();
    EXPECT_EQ(os.state("migrate"), State::starting);
    EXPECT_EQ(os.state("api"), State::waiting);
    os.advance(4s);
    os.exit("migrate", c.code);
    EXPECT_EQ(os.state("migrate"), c.migrate);
    EXPECT_EQ(os.state("api"), c.api);
    EXPECT_EQ(os.phases, std::vector<Phase>{c.phase});
    EXPECT_EQ(os.view("migrate").ended_at, TimePoint{} + 4s);
  }
}

TEST(EngineOneshot, FailureIsRetriedPerPolicy) {
  FakeOs os({Svc("migrate").oneshot(), Svc("api").after("migrate", Condition::completed)});
  os.start();
  os.exit("migrate", 2);
  EXPECT_EQ(os.state("migrate"), State::backoff);
  EXPECT_EQ(os.message("migrate", State::backoff), "exited with code 2");
  os.advance(1s);
  EXPECT_EQ(os.spawn_times("migrate"), (std::vector<Millis>{0s, 1s}));
  os.exit("migrate", 0);
  EXPECT_EQ(os.state("migrate"), State::completed);
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// A oneshot with a readiness probe is READY first (`ready` dependents start)
// and completed when it exits 0 (`completed` dependents start).
TEST(EngineOneshot, ProbedOneshotIsReadyThenCompleted) {
  FakeOs os({Svc("seed").oneshot().probe(), Svc("api").after("seed", Condition::completed),
             Svc("web").after("seed", Condition::ready)});
  os.start();
  os.advance(1s);
  os.ready("seed");
  EXPECT_EQ(os.spawn_times("web"), std::vector<Millis>{1s});
  EXPECT_EQ(os.state("api"), State::waiting);
  os.advance(1s);
  os.exit("seed", 0);
  EXPECT_EQ(os.state("seed"), State::completed);
  EXPECT_EQ(os.spawn_times("api"), std::vector<Millis>{2s});
  EXPECT_EQ(os.state("web"), State::ready) << "a oneshot finishing is not a restart";
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// --- failures -----------------------------------------------------------------------------------

// A crash loop before READY: the backoff doubles, then the breaker opens and
// the service is blocked; after the cooldown one half-open trial runs.
TEST(EngineFailure, CrashLoopBacksOffThenBlocks) {
  struct Case {
    const char* name;
    bool trial_succeeds;
  } cases[] = {{"half-open trial succeeds", true}, {"half-open trial fails", false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeOs os({Svc("db"), Svc("worker").probe().priority(Priority::high).breaker(5, 60s, 300s)});
    os.start();
    for (int i = 0; i < 4; ++i) {
      os.exit("worker", 1);
      ASSERT_EQ(os.state("worker"), State::backoff);
      os.advance(os.timer("worker", Timer::backoff)->in);
      ASSERT_EQ(os.state("worker"), State::starting);
    }
    EXPECT_EQ(os.armed("worker", Timer::backoff), (std::vector<Millis>{1s, 2s, 4s, 8s}));
    EXPECT_EQ(os.spawn_times("worker"), (std::vector<Millis>{0s, 1s, 3s, 7s, 15s}));
    EXPECT_EQ(os.message("worker", State::backoff), "exited with code 1 before it was ready");

    os.exit("worker", 1);  // the 5th failure inside 60s
    EXPECT_EQ(os.state("worker"), State::blocked);
    EXPECT_EQ(os.view("worker").breaker, Breaker::open);
    EXPECT_EQ(os.armed("worker", Timer::cooldown), std::vector<Millis>{300s});
    EXPECT_EQ(os.phases, std::vector<Phase>{Phase::degraded}) << "a blocked high service: DEGRADED";
    EXPECT_EQ(os.state("db"), State::ready);

    os.advance(299s);
    EXPECT_EQ(os.state("worker"), State::blocked);
    os.advance(1s);
    EXPECT_EQ(os.state("worker"), State::starting);
    EXPECT_EQ(os.view("worker").breaker, Breaker::half_open);
    EXPECT_EQ(os.view("worker").attempts, 6);
    if (c.trial_succeeds) {
      os.ready("worker");
      EXPECT_EQ(os.state("worker"), State::ready);
      EXPECT_EQ(os.view("worker").breaker, Breaker::closed);
      EXPECT_EQ(os.phases.back(), Phase::ready);
    } else {
      os.exit("worker", 1);
      EXPECT_EQ(os.state("worker"), State::blocked);
      EXPECT_EQ(os.view("worker").breaker, Breaker::open);
      EXPECT_EQ(os.armed("worker", Timer::cooldown), (std::vector<Millis>{300s, 300s})) << "reopened at once";
    }
  }
}

// Bug: during the half-open trial the view (ps, the API) still said the
// breaker was open, and the trial was not counted as a restart.
TEST(EngineFailure, BreakerViewShowsHalfOpenDuringTrial) {
  FakeOs os({Svc("worker").probe().priority(Priority::high).breaker(1, 60s, 300s)});
  os.start();
  os.exit("worker", 1);
  ASSERT_EQ(os.state("worker"), State::blocked);
  EXPECT_EQ(os.view("worker").breaker, Breaker::open);
  EXPECT_EQ(os.view("worker").restarts, 0);
  os.advance(300s);
  ASSERT_EQ(os.state("worker"), State::starting);
  EXPECT_EQ(os.view("worker").breaker, Breaker::half_open);
  EXPECT_EQ(os.view("worker").restarts, 1);
  os.ready("worker");
  EXPECT_EQ(os.view("worker").breaker, Breaker::closed);
}

// A critical service that gives up during startup fails the whole startup:
// every started service gets a stop signal and ends stopped.
TEST(EngineFailure, CriticalFailureDuringStartupStopsEverything) {
  struct Case {
    const char* name;
    bool by_timeout;  // the attempt fails by startup_timeout (else: exits before READY)
  } cases[] = {{"exits before READY", false}, {"startup_timeout", true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeOs os({Svc("db"), Svc("cache").probe(),
               Svc("api").probe().after("db").policy(RestartPolicy::no).startup_timeout(20s),
               Svc("web").after("api"), Svc("side").priority(Priority::low)});
    os.sigterm_kills = true;
    os.start();
    ASSERT_EQ(os.state("api"), State::starting);
    os.advance(5s);
    if (c.by_timeout)
      os.advance(15s);
    else
      os.exit("api", 1);
    EXPECT_EQ(os.phases.front(), Phase::failed);
    EXPECT_TRUE(os.phase_seen(Phase::failed));
    EXPECT_EQ(os.state("api"), State::failed);
    for (const char* n : {"db", "cache", "side"}) {
      SCOPED_TRACE(n);
      EXPECT_EQ(os.signals_to(n), std::vector<int>{SIGTERM});
      EXPECT_EQ(os.state(n), State::stopped);
      EXPECT_EQ(os.view(n).goal, Goal::down);
    }
    EXPECT_TRUE(os.spawn_times("web").empty());
    EXPECT_EQ(os.state("web"), State::stopped);
    EXPECT_TRUE(os.signals_to("web").empty());
    EXPECT_TRUE(os.engine().all_down());
    EXPECT_EQ(os.signals_to("api"), c.by_timeout ? std::vector<int>{SIGKILL} : std::vector<int>{});
  }
}

// Bug: a critical service whose breaker opened during startup was left
// `blocked`, and the shutdown that the failed startup began then made it
// `stopped`, hiding which service failed the startup. The model says
// `failed` (the breaker opened during startup), and no half-open trial.
TEST(EngineFailure, CriticalBreakerOpenDuringStartupLeavesServiceFailed) {
  FakeOs os({Svc("db").probe().breaker(2, 60s, 300s), Svc("api").after("db")});
  os.start();
  os.exit("db", 1);
  os.advance(1s);
  os.exit("db", 1);  // 2nd failure inside the window: breaker open
  EXPECT_EQ(os.phases, (std::vector<Phase>{Phase::failed, Phase::stopped}));
  EXPECT_EQ(os.state("db"), State::failed);
  EXPECT_EQ(os.view("db").error, "exited with code 1 before it was ready");
  EXPECT_EQ(os.state("api"), State::stopped);
  os.advance(300s);
  EXPECT_EQ(os.spawn_times("db").size(), 2u) << "no half-open trial once the startup has failed";
}

// A non-critical failure: the stack goes on DEGRADED; services that require
// the failed one are skipped (transitively), `required: false` ones start.
TEST(EngineFailure, NonCriticalFailureDegrades) {
  FakeOs os({Svc("db"), Svc("cache").probe().priority(Priority::high).policy(RestartPolicy::no),
             Svc("api").after("db").after("cache"), Svc("web").after("api"),
             Svc("worker").after("cache", Condition::ready, /*required=*/false).after("db")});
  os.start();
  EXPECT_EQ(os.state("worker"), State::waiting)
      << "an optional dependency is still waited for while it starts";
  os.advance(2s);
  os.exit("cache", 1);
  EXPECT_EQ(os.state("cache"), State::failed);
  EXPECT_EQ(os.state("api"), State::skipped);
  EXPECT_EQ(os.message("api", State::skipped), "required dependency \"cache\" is failed");
  EXPECT_EQ(os.state("web"), State::skipped);
  EXPECT_EQ(os.message("web", State::skipped), "required dependency \"api\" is skipped");
  EXPECT_EQ(os.state("worker"), State::ready);
  EXPECT_EQ(os.spawn_times("worker"), std::vector<Millis>{2s});
  EXPECT_EQ(os.state("db"), State::ready);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::degraded});
  EXPECT_TRUE(os.signals.empty());
}

// With layered readiness the reason names the layer that blocks, not the
// result of one that passed before it.
TEST(EngineFailure, StartupTimeoutNamesTheBlockingLayer) {
  FakeOs os({Svc("api").probe().probe().startup_timeout(5s).policy(RestartPolicy::no)});
  os.start();
  os.send(ProbeStatus{os.id("api"), "exit code 0", "layer 1 of 2 (exec)"});
  os.send(ProbeStatus{os.id("api"), "HTTP 503", "layer 2 of 2 (http)"});
  os.advance(5s);
  EXPECT_EQ(os.view("api").error, "not ready after 5s (startup_timeout): layer 2 of 2 (http): HTTP 503");
}

TEST(EngineFailure, StartupTimeoutFailsTheAttempt) {
  FakeOs os({Svc("api").probe().startup_timeout(5s).policy(RestartPolicy::on_failure)});
  os.start();
  os.send(ProbeStatus{os.id("api"), "connection refused"});
  os.advance(4999ms);
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_TRUE(os.signals.empty());
  os.advance(1ms);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.view("api").error, "not ready after 5s (startup_timeout): last probe: connection refused");
  EXPECT_EQ(os.message("api", State::backoff), os.view("api").error);
  os.advance(1s);
  EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 6s}));
  os.ready("api");
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_TRUE(os.view("api").error.empty());
}

TEST(EngineFailure, SpawnFailedIsAFailedAttempt) {
  FakeOs os({Svc("api").priority(Priority::high)});
  os.spawn_fails["api"] = "port 8000 is already in use";
  os.start();
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.view("api").error, "port 8000 is already in use");
  os.advance(1s);
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.view("api").attempts, 2);
}

TEST(EngineFailure, MaxAttemptsFails) {
  auto api = Svc("api").probe().priority(Priority::medium);
  api.s.restart.max_attempts = 3;
  FakeOs os({api});
  os.start();
  for (int i = 0; i < 2; ++i) {
    os.exit("api", 1);
    os.advance(10s);
  }
  os.exit("api", 1);
  EXPECT_EQ(os.state("api"), State::failed);
  EXPECT_EQ(os.view("api").attempts, 3);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::degraded});
}

// A start by hand after max_attempts gave up gets max_attempts attempts
// again, as `systemctl reset-failed` + start does; before, one failure
// gave up at once.
TEST(EngineFailure, StartByHandAfterMaxAttemptsGetsThemAgain) {
  auto api = Svc("api").probe().priority(Priority::medium);
  api.s.restart.max_attempts = 2;
  FakeOs os({api});
  os.start();
  os.exit("api", 1);
  os.advance(10s);
  os.exit("api", 1);
  ASSERT_EQ(os.state("api"), State::failed);
  os.send(StartRequested{os.id("api")});
  ASSERT_EQ(os.state("api"), State::starting);
  os.exit("api", 1);
  EXPECT_EQ(os.state("api"), State::backoff);
  os.advance(10s);
  os.exit("api", 1);
  EXPECT_EQ(os.state("api"), State::failed);
  EXPECT_EQ(os.view("api").attempts, 4);
}

// --- after READY --------------------------------------------------------------------------------

TEST(EngineRunning, LivenessFailedRestarts) {
  FakeOs os({Svc("api").live()});
  os.start();
  ASSERT_EQ(os.state("api"), State::ready);
  os.advance(30s);
  os.send(LivenessFailed{os.id("api"), "connection refused"});
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.message("api", State::backoff), "liveness probe failed: connection refused");
  os.advance(1s);
  EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 31s}));
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.view("api").restarts, 1);
}

TEST(EngineRunning, LivenessFailedIgnoredUnlessReady) {
  FakeOs os({Svc("api").probe().live()});
  os.start();
  os.send(LivenessFailed{os.id("api"), "late result"});
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_TRUE(os.signals.empty());
}

TEST(EngineRunning, CrashAfterReadyPerPolicy) {
  struct Case {
    RestartPolicy policy;
    int code;
    State after;
  } cases[] = {
      {RestartPolicy::no, 1, State::failed},          {RestartPolicy::no, 0, State::stopped},
      {RestartPolicy::on_failure, 1, State::backoff}, {RestartPolicy::on_failure, 0, State::stopped},
      {RestartPolicy::always, 0, State::backoff},     {RestartPolicy::unless_stopped, 0, State::backoff},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << config::name_of(c.policy) << ", exit " << c.code);
    FakeOs os({Svc("api").policy(c.policy).priority(Priority::high)});
    os.start();
    os.advance(1s);
    os.exit("api", c.code);
    EXPECT_EQ(os.state("api"), c.after);
  }
}

// READY for reset_after: the next crash backs off from `initial` again.
TEST(EngineRunning, StableResetsBackoff) {
  FakeOs os({Svc("api").breaker(10, 60s, 300s)});
  os.start();
  os.exit("api", 1);
  os.advance(1s);
  os.exit("api", 1);
  os.advance(2s);
  os.exit("api", 1);
  os.advance(4s);
  EXPECT_EQ(os.armed("api", Timer::backoff), (std::vector<Millis>{1s, 2s, 4s}));
  os.advance(70s);  // stable: 60s reset_after; the breaker window has passed too
  os.exit("api", 1);
  EXPECT_EQ(os.armed("api", Timer::backoff).back(), 1s);
}

// Cascade: api (`restart: true` on db) is stopped when db goes down after
// READY (a crash, or a liveness failure that restarts it) and starts again
// once db is READY again; `other` (no `restart: true`) is left alone.
TEST(EngineRunning, CascadeRestart) {
  struct Case {
    const char* name;
    bool by_liveness;
  } cases[] = {{"db exits", false}, {"db fails its liveness probe", true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeOs os({Svc("db").probe().live(), Svc("api").after("db", Condition::ready, true, /*restart=*/true),
               Svc("other").after("db")});
    os.start();
    os.ready("db");
    ASSERT_EQ(os.state("api"), State::ready);
    os.advance(10s);
    if (c.by_liveness)
      os.send(LivenessFailed{os.id("db"), "timeout"});
    else
      os.exit("db", 1);
    EXPECT_EQ(os.state("db"), State::backoff);
    EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
    EXPECT_EQ(os.state("api"), State::stopping);
    EXPECT_EQ(os.view("api").goal, Goal::up);
    os.exit("api", 0);
    EXPECT_EQ(os.state("api"), State::waiting);
    os.advance(1s);  // db's backoff
    EXPECT_EQ(os.state("db"), State::starting);
    EXPECT_EQ(os.state("api"), State::waiting) << "api waits for db to be READY again";
    os.advance(2s);
    os.ready("db");
    EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 13s}));
    EXPECT_EQ(os.state("api"), State::ready);
    EXPECT_TRUE(os.signals_to("other").empty());
    EXPECT_EQ(os.spawn_times("other").size(), 1u);
    EXPECT_EQ(os.state("other"), State::ready);
  }
}

// --- max_parallel_starts ------------------------------------------------------------------------

TEST(EngineParallel, MaxParallelStartsInPriorityOrder) {
  struct Case {
    const char* name;
    std::vector<Svc> services;
    int max;
    std::vector<std::string> order;
  } cases[] = {
      {"independent services, one slot",
       {Svc("low").probe().priority(Priority::low), Svc("med").probe().priority(Priority::medium),
        Svc("crit").probe(), Svc("high").probe().priority(Priority::high)},
       1,
       {"crit", "high", "med", "low"}},
      {"two slots",
       {Svc("low").probe().priority(Priority::low), Svc("med").probe().priority(Priority::medium),
        Svc("crit").probe(), Svc("high").probe().priority(Priority::high)},
       2,
       {"crit", "high", "med", "low"}},
      {"a chain and an independent service",
       {Svc("a").probe().priority(Priority::high), Svc("b").probe().after("a").priority(Priority::high),
        Svc("z").probe().priority(Priority::low)},
       1,
       {"a", "b", "z"}},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeOs os(c.services, c.max);
    os.start();
    for (size_t i = 0; i < c.order.size(); ++i) {
      os.advance(1s);
      size_t spawned = os.spawns.size();
      EXPECT_LE(spawned - i, static_cast<size_t>(c.max)) << "never more than max starting";
      // READY the oldest one still starting.
      for (const auto& s : os.spawns)
        if (os.state(s.name) == State::starting) {
          os.ready(s.name);
          break;
        }
    }
    EXPECT_EQ(os.spawned_names(), c.order);
    EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
  }
}

// Bug: when `a` became READY, the slot it freed went to `c`, its low-priority
// dependent (enqueued first as a neighbour), ahead of the critical `d` that
// had been waiting for a slot all along.
TEST(EngineParallel, FreedSlotGoesToCriticalWaiterNotToTheLowDependentItUnblocks) {
  FakeOs os({Svc("a").probe(), Svc("c").probe().after("a").priority(Priority::low), Svc("d").probe()}, 1);
  os.start();
  EXPECT_EQ(os.spawned_names(), std::vector<std::string>{"a"});
  os.ready("a");
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(os.state("c"), State::waiting);
  os.ready("d");
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"a", "d", "c"}));
}

// Bug: dependents unblocked by the same change took the free slots in file
// order. Here db restarts after a crash (backoff -> starting, so no slot is
// freed by the change) and both cascade-stopped dependents may start again
// (`started`): the high one must get the only free slot, not the low one.
TEST(EngineParallel, DependentsUnblockedTogetherStartInPriorityOrder) {
  FakeOs os(
      {Svc("db").probe(),
       Svc("low").probe().priority(Priority::low).after("db", Condition::started, true, /*restart=*/true),
       Svc("high").probe().priority(Priority::high).after("db", Condition::started, true, /*restart=*/true)},
      2);
  os.sigterm_kills = true;
  os.start();
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"db", "high"}));
  os.ready("db");
  os.ready("high");
  os.ready("low");
  ASSERT_EQ(os.spawned_names(), (std::vector<std::string>{"db", "high", "low"}));
  os.advance(10s);
  os.exit("db", 1);  // cascade: low and high are stopped and wait for db
  EXPECT_EQ(os.state("low"), State::waiting);
  EXPECT_EQ(os.state("high"), State::waiting);
  os.advance(1s);  // db's backoff is over: db takes one slot, one is left
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"db", "high", "low", "db", "high"}));
  EXPECT_EQ(os.state("low"), State::waiting);
  os.ready("high");
  EXPECT_EQ(os.state("low"), State::starting);
}

// --- stopping -----------------------------------------------------------------------------------

// Shutdown runs in reverse dependency order: db is signalled only after api
// and worker (its dependents) have exited; api only after web.
TEST(EngineStop, ShutdownInReverseDependencyOrder) {
  FakeOs os({Svc("db"), Svc("api").after("db"), Svc("web").after("api"), Svc("worker").after("db")});
  os.start();
  ASSERT_EQ(os.phases, std::vector<Phase>{Phase::ready});
  os.send(Shutdown{});
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"web", "worker"}));
  EXPECT_EQ(os.phases.back(), Phase::stopping);
  os.advance(1s);
  os.exit("worker");
  EXPECT_EQ(os.signalled().size(), 2u) << "db still has a running dependent (api)";
  os.advance(1s);
  os.exit("web");
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"web", "worker", "api"}));
  os.advance(1s);
  os.exit("api");
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"web", "worker", "api", "db"}));
  for (const auto& s : os.signals) EXPECT_EQ(s.signal, SIGTERM);
  os.exit("db");
  for (const char* n : {"db", "api", "web", "worker"}) EXPECT_EQ(os.state(n), State::stopped) << n;
  EXPECT_EQ(os.phases.back(), Phase::stopped);
  EXPECT_TRUE(os.engine().all_down());
}

// A completed oneshot in between does not cut the chain: db waits for api.
TEST(EngineStop, ShutdownOrderReachesThroughCompletedOneshots) {
  FakeOs os(
      {Svc("db"), Svc("migrate").oneshot().after("db"), Svc("api").after("migrate", Condition::completed)});
  os.start();
  os.exit("migrate", 0);
  ASSERT_EQ(os.state("migrate"), State::completed);
  ASSERT_EQ(os.phases, std::vector<Phase>{Phase::ready});
  os.send(Shutdown{});
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"api"}));
  os.advance(1s);
  os.exit("api");
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"api", "db"}));
  os.exit("db");
  EXPECT_EQ(os.phases.back(), Phase::stopped);
}

TEST(EngineStop, StopGracePeriodThenSigkill) {
  FakeOs os({Svc("api").grace(3s).stop_signal(SIGINT)});
  os.start();
  os.send(Shutdown{});
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGINT});
  os.advance(2999ms);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGINT});
  os.advance(1ms);
  EXPECT_EQ(os.signals_to("api"), (std::vector<int>{SIGINT, SIGKILL}));
  EXPECT_EQ(os.message("api", State::stopping), "still running after 3s (stop_grace_period): SIGKILL");
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.phases.back(), Phase::stopped);
}

TEST(EngineStop, ExitWithinGraceNeedsNoSigkill) {
  FakeOs os({Svc("api").grace(3s)});
  os.start();
  os.send(Shutdown{});
  os.advance(1s);
  os.exit("api");
  os.advance(10s);  // the grace timer fires, stale
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.state("api"), State::stopped);
}

TEST(EngineStop, EmergencyShutdownKillsAllAtOnce) {
  FakeOs os({Svc("db"), Svc("api").after("db"), Svc("web").after("api"), Svc("slow").probe()});
  os.start();
  os.send(Shutdown{});  // graceful first: web is signalled and ignores it
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"web", "slow"}));
  os.advance(1s);
  os.send(Shutdown{true});
  EXPECT_EQ(os.signals_to("web"), (std::vector<int>{SIGTERM, SIGKILL}));
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.signals_to("slow"), (std::vector<int>{SIGTERM, SIGKILL}));
  for (const auto& s : os.signals) {
    if (s.signal == SIGKILL) {
      EXPECT_EQ(s.at, 1s);
    }
  }
  for (const char* n : {"db", "api", "web", "slow"}) EXPECT_EQ(os.state(n), State::stopped) << n;
  EXPECT_EQ(os.phases.back(), Phase::stopped);
  EXPECT_TRUE(os.engine().all_down());
}

TEST(EngineStop, ShutdownStopsWaitingAndBackoffWithoutSignals) {
  FakeOs os({Svc("db").probe(), Svc("api").after("db"), Svc("flaky").priority(Priority::low)});
  os.start();
  os.exit("flaky", 1);
  ASSERT_EQ(os.state("flaky"), State::backoff);
  os.send(Shutdown{});
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.state("flaky"), State::stopped);
  EXPECT_EQ(os.signalled(), std::vector<std::string>{"db"});
  os.advance(1min);  // the backoff timer is stale now; the grace timer kills db
  EXPECT_EQ(os.spawn_times("flaky").size(), 1u);
  EXPECT_EQ(os.state("db"), State::stopped);
}

// --- requests -----------------------------------------------------------------------------------

TEST(EngineRequest, StopThenStart) {
  FakeOs os({Svc("db"), Svc("api").after("db")});
  os.start();
  os.send(StopRequested{os.id("api")});
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.view("api").goal, Goal::down);
  os.exit("api");
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.state("db"), State::ready);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready}) << "a requested stop does not degrade the stack";
  os.advance(5s);
  os.send(StartRequested{os.id("api")});
  EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 5s}));
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.view("api").goal, Goal::up);
}

TEST(EngineRequest, StartDoesNotRerunACompletedOneshotDependency) {
  FakeOs os(
      {Svc("db"), Svc("migrate").oneshot().after("db"), Svc("api").after("migrate", Condition::completed)});
  os.start();
  os.exit("migrate", 0);
  ASSERT_EQ(os.state("api"), State::ready);
  os.send(StopRequested{os.id("api")});
  os.exit("api");
  ASSERT_EQ(os.state("api"), State::stopped);
  os.send(StartRequested{os.id("api")});
  EXPECT_EQ(os.state("migrate"), State::completed);
  EXPECT_EQ(os.view("migrate").attempts, 1);
  EXPECT_EQ(os.state("api"), State::ready);
  // Named on its own, a oneshot runs again.
  os.send(StartRequested{os.id("migrate")});
  EXPECT_EQ(os.state("migrate"), State::starting);
}

TEST(EngineRequest, RestartRequested) {
  FakeOs os({Svc("api").probe()});
  os.start();
  os.ready("api");
  os.send(RestartRequested{os.id("api")});
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.state("api"), State::stopping);
  os.advance(1s);
  os.exit("api");
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_EQ(os.view("api").attempts, 2);
  os.ready("api");
  EXPECT_EQ(os.state("api"), State::ready);
}

// `lineup restart db` restarts what asked to follow db (`restart: true`), as
// a crash of db would; ps counts both restarts.
TEST(EngineRequest, RestartRequestedCascades) {
  FakeOs os({Svc("db"), Svc("api").after("db", Condition::ready, true, /*restart=*/true),
             Svc("other").after("db")});
  os.sigterm_kills = true;
  os.start();
  os.send(RestartRequested{os.id("db")});
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  EXPECT_TRUE(os.signals_to("other").empty());
  EXPECT_EQ(os.spawn_times("db").size(), 2u);
  EXPECT_EQ(os.spawn_times("api").size(), 2u);
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.view("db").restarts, 1);
  EXPECT_EQ(os.view("api").restarts, 1);
  EXPECT_EQ(os.view("other").restarts, 0);
}

TEST(EngineRequest, RestartRequestedWhenNotRunningStarts) {
  FakeOs os({Svc("api").policy(RestartPolicy::no).priority(Priority::low)});
  os.start();
  os.exit("api", 1);
  ASSERT_EQ(os.state("api"), State::failed);
  os.send(RestartRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.view("api").attempts, 2);
}

// A start request brings up the dependencies too, and gives a failed or
// blocked service a fresh breaker.
TEST(EngineRequest, StartRequestedRestartsBlockedWithDependencies) {
  FakeOs os({Svc("db"), Svc("api").after("db").probe().priority(Priority::high).breaker(1, 60s, 300s)});
  os.start();
  os.exit("api", 1);
  ASSERT_EQ(os.state("api"), State::blocked);
  os.send(StopRequested{os.id("db")});
  os.exit("db");
  ASSERT_EQ(os.state("db"), State::stopped);
  os.send(StartRequested{os.id("api")});
  EXPECT_EQ(os.state("db"), State::ready);
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_EQ(os.view("api").breaker, Breaker::closed);
  os.ready("api");
  EXPECT_EQ(os.state("api"), State::ready);
}

// Bug: a start request that arrived while the service was still stopping was
// lost: the exit moved it to `stopped` with its goal up, and nothing started
// it again. The goal is up, so it starts once it has exited.
TEST(EngineRequest, StartRequestedWhileStoppingIsNotLost) {
  FakeOs os({Svc("api")});
  os.start();
  os.send(StopRequested{os.id("api")});
  os.send(StartRequested{os.id("api")});
  EXPECT_EQ(os.view("api").goal, Goal::up);
  os.exit("api");
  EXPECT_EQ(os.spawn_times("api").size(), 2u);
  EXPECT_EQ(os.state("api"), State::ready);
}

TEST(EngineRequest, StopRequestedDuringBackoff) {
  FakeOs os({Svc("api").priority(Priority::high)});
  os.start();
  os.exit("api", 1);
  ASSERT_EQ(os.state("api"), State::backoff);
  os.send(StopRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::stopped);
  os.advance(1min);
  EXPECT_EQ(os.spawn_times("api").size(), 1u) << "the backoff timer is stale";
  EXPECT_TRUE(os.signals.empty());
}

// --- timers -------------------------------------------------------------------------------------

TEST(EngineTimer, StaleTokensAreIgnored) {
  struct Case {
    const char* name;
    Timer timer;
  } cases[] = {{"startup", Timer::startup},
               {"backoff", Timer::backoff},
               {"grace", Timer::grace},
               {"cooldown", Timer::cooldown},
               {"stable", Timer::stable}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeOs os({Svc("api").probe().startup_timeout(5s).breaker(3, 60s, 300s).priority(Priority::high)});
    os.start();
    uint64_t first = os.timer("api", Timer::startup)->token;
    // Attempt 1 fails, attempt 2 is starting with a new startup timer.
    os.exit("api", 1);
    os.advance(1s);
    ASSERT_EQ(os.state("api"), State::starting);
    uint64_t current = os.timer("api", Timer::startup)->token;
    ASSERT_NE(first, current);
    size_t notices = os.notices.size(), signals = os.signals.size(), spawns = os.spawns.size();
    os.send(TimerFired{os.id("api"), c.timer, first});
    EXPECT_EQ(os.state("api"), State::starting);
    EXPECT_EQ(os.notices.size(), notices);
    EXPECT_EQ(os.signals.size(), signals);
    EXPECT_EQ(os.spawns.size(), spawns);
    // The current one still works.
    os.advance(5s);
    EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
    EXPECT_EQ(os.state("api"), State::backoff);
  }
}

TEST(EngineTimer, StartupTimerIsStaleOnceReady) {
  FakeOs os({Svc("api").probe().startup_timeout(5s)});
  os.start();
  os.advance(2s);
  os.ready("api");
  os.advance(10s);
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_TRUE(os.signals.empty());
}

TEST(EngineTimer, StartupDeadlineFailsTheStartup) {
  FakeOs os({Svc("db"), Svc("api").probe().after("db"), Svc("web").after("api")});
  os.sigterm_kills = true;
  os.start();
  os.advance(30s);
  os.send(StartupDeadline{});
  EXPECT_EQ(os.phases.front(), Phase::failed);
  EXPECT_EQ(os.view("api").error, "not ready when the startup deadline (up --timeout) expired");
  EXPECT_EQ(os.view("web").error, "not ready when the startup deadline (up --timeout) expired");
  EXPECT_TRUE(os.view("db").error.empty());
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"api", "db"}));
  EXPECT_EQ(os.state("db"), State::stopped);
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.state("web"), State::stopped);
  EXPECT_TRUE(os.engine().all_down());
}

TEST(EngineTimer, StartupDeadlineAfterStartupIsIgnored) {
  FakeOs os({Svc("api")});
  os.start();
  os.send(StartupDeadline{});
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
  EXPECT_TRUE(os.signals.empty());
  EXPECT_EQ(os.state("api"), State::ready);
}

// type: forking (process-compose's is_daemon): the launcher's clean exit
// hands the service to its daemon; the daemon's end is the service's end.
TEST(EngineForking, TheLaunchersExitHandsOverToTheDaemon) {
  FakeOs os({Svc("daemon").forking(), Svc("web").after("daemon")});
  os.start();
  EXPECT_EQ(os.state("daemon"), State::starting) << "not ready while the launcher runs";
  EXPECT_EQ(os.spawned_names(), std::vector<std::string>{"daemon"});
  os.send(Exited{os.id("daemon"), 0, 0, /*group_left=*/true});
  EXPECT_EQ(os.state("daemon"), State::ready);
  EXPECT_TRUE(os.signals_to("daemon").empty()) << "what the launcher left is the daemon: not killed";
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"daemon", "web"}));
  EXPECT_EQ(os.engine().running(), (std::vector<Id>{os.id("daemon"), os.id("web")}));

  os.send(GroupEmpty{os.id("daemon")});
  EXPECT_EQ(os.state("daemon"), State::backoff) << "a daemon that vanished failed (on-failure restarts it)";
  EXPECT_EQ(os.view("daemon").error, "its daemon exited");
  os.advance(2s);
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"daemon", "web", "daemon"}));
}

TEST(EngineForking, StopWaitsForTheDaemonAndAFailedLaunchIsAFailure) {
  FakeOs os({Svc("daemon").forking()});
  os.start();
  os.send(Exited{os.id("daemon"), 0, 0, true});
  os.send(StopRequested{os.id("daemon")});
  EXPECT_EQ(os.state("daemon"), State::stopping);
  EXPECT_EQ(os.signals_to("daemon"), std::vector<int>{SIGTERM});
  os.send(GroupEmpty{os.id("daemon")});
  EXPECT_EQ(os.state("daemon"), State::stopped);
  EXPECT_FALSE(os.engine().running().size());

  FakeOs bad({Svc("daemon").forking().policy(RestartPolicy::no)});
  bad.start();
  bad.send(Exited{bad.id("daemon"), 1, 0, true});
  EXPECT_EQ(bad.signals_to("daemon"), std::vector<int>{SIGKILL}) << "a failed launch: what it left is killed";
  EXPECT_EQ(bad.state("daemon"), State::failed);
  EXPECT_EQ(bad.view("daemon").error, "exited with code 1: its launch failed");
}

TEST(EngineForking, ReadyProbesDecideAfterTheLaunch) {
  FakeOs os({Svc("daemon").forking().probe()});
  os.start();
  os.send(Exited{os.id("daemon"), 0, 0, true});
  EXPECT_EQ(os.state("daemon"), State::starting) << "launched, not proven ready";
  os.ready("daemon");
  EXPECT_EQ(os.state("daemon"), State::ready);

  // Ready before the launcher is done: its clean exit later is not an end.
  FakeOs early({Svc("daemon").forking().probe()});
  early.start();
  early.ready("daemon");
  early.send(Exited{early.id("daemon"), 0, 0, true});
  EXPECT_EQ(early.state("daemon"), State::ready);
  EXPECT_TRUE(early.signals_to("daemon").empty());
}

// kill_mode main (process-compose's parent_only): the stop signal goes to the
// main process alone; once it has exited, to what it left.
TEST(EngineKillMode, MainFirstThenWhatItLeft) {
  FakeOs os({Svc("app").kill_main()});
  os.start();
  os.send(StopRequested{os.id("app")});
  ASSERT_EQ(os.signals.size(), 1u);
  EXPECT_TRUE(os.signals[0].main_only);
  EXPECT_EQ(os.signals[0].signal, SIGTERM);
  os.send(Exited{os.id("app"), 0, 0, /*group_left=*/true});
  ASSERT_EQ(os.signals.size(), 2u);
  EXPECT_FALSE(os.signals[1].main_only) << "what the main process left gets the stop signal now";
  EXPECT_EQ(os.signals[1].signal, SIGTERM);
  EXPECT_EQ(os.state("app"), State::stopping);
  os.send(GroupEmpty{os.id("app")});
  EXPECT_EQ(os.state("app"), State::stopped);

  FakeOs group({Svc("app")});
  group.start();
  group.send(StopRequested{group.id("app")});
  ASSERT_EQ(group.signals.size(), 1u);
  EXPECT_FALSE(group.signals[0].main_only);
}

}  // namespace
}  // namespace lineup::engine

namespace lineup::engine {
namespace {

using namespace fixture;
using namespace std::chrono_literals;
using config::Condition;
using config::StackStop;

// process-compose's process_completed: the dependent starts once the
// dependency has ended, whatever its exit code; a skip still skips it.
TEST(EngineExited, DependentStartsAfterAnyEnd) {
  FakeOs os({Svc("tests").oneshot().policy(config::RestartPolicy::no).priority(config::Priority::high),
             Svc("report").after("tests", Condition::exited),
             Svc("deploy").after("tests", Condition::completed)});
  os.start();
  EXPECT_EQ(os.state("report"), State::waiting);
  os.exit("tests", 3);
  EXPECT_EQ(os.state("tests"), State::failed);
  EXPECT_EQ(os.spawned_names(), (std::vector<std::string>{"tests", "report"}))
      << "report runs, deploy does not";
  EXPECT_EQ(os.state("deploy"), State::skipped);

  FakeOs ok({Svc("tests").oneshot().policy(config::RestartPolicy::no),
             Svc("report").after("tests", Condition::exited)});
  ok.start();
  ok.exit("tests", 0);
  EXPECT_EQ(ok.spawns.size(), 2u) << "a success is an end too";
}

// stop_stack_on (process-compose's exit_on_end / exit_on_failure /
// exit_on_skipped): the stack stops and `up` gets the process's exit code.
TEST(EngineStackEnd, EndFailureAndSkip) {
  FakeOs os(
      {Svc("db"),
       Svc("tests").oneshot().policy(config::RestartPolicy::no).after("db").stop_stack_on({StackStop::end})});
  os.sigterm_kills = true;
  os.start();
  EXPECT_FALSE(os.engine().stack_end());
  os.exit("tests", 4);
  ASSERT_TRUE(os.engine().stack_end());
  EXPECT_EQ(os.engine().stack_end()->exit_code, 4);
  EXPECT_NE(os.engine().stack_end()->why.find("tests ended"), std::string::npos)
      << os.engine().stack_end()->why;
  EXPECT_EQ(os.engine().phase(), Phase::stopped);
  EXPECT_FALSE(os.running("db")) << "the rest of the stack is stopped";

  FakeOs fine({Svc("db"), Svc("job").oneshot().stop_stack_on({StackStop::failure})});
  fine.start();
  fine.exit("job", 0);
  EXPECT_FALSE(fine.engine().stack_end()) << "a success is not a failure";
  EXPECT_TRUE(fine.running("db"));

  FakeOs retried({Svc("api").stop_stack_on({StackStop::failure})});
  retried.start();
  retried.killed("api", 9);
  EXPECT_EQ(retried.state("api"), State::backoff);
  EXPECT_FALSE(retried.engine().stack_end()) << "restarted after a backoff: not given up yet";

  FakeOs killed({Svc("api").policy(config::RestartPolicy::no).stop_stack_on({StackStop::failure})});
  killed.start();
  killed.killed("api", 9);
  ASSERT_TRUE(killed.engine().stack_end());
  EXPECT_EQ(killed.engine().stack_end()->exit_code, 137) << "128 + the signal, as a shell says";
}

TEST(EngineStackEnd, SkippedAndNotWhenStoppedByHand) {
  FakeOs os({Svc("db").oneshot().policy(config::RestartPolicy::no).priority(config::Priority::high),
             Svc("api").after("db", Condition::completed).stop_stack_on({StackStop::skipped})});
  os.sigterm_kills = true;
  os.start();
  os.exit("db", 1);
  ASSERT_TRUE(os.engine().stack_end());
  EXPECT_EQ(os.engine().stack_end()->exit_code, 1);

  FakeOs byhand({Svc("web").stop_stack_on({StackStop::end})});
  byhand.sigterm_kills = true;
  byhand.start();
  byhand.send(StopRequested{byhand.id("web")});
  EXPECT_EQ(byhand.state("web"), State::stopped);
  EXPECT_FALSE(byhand.engine().stack_end()) << "a stop asked for is not an end";
}

}  // namespace
}  // namespace lineup::engine
