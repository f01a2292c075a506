// THE TABLE at the top of engine.h says what each event does in each state.
// These tests check its cells, one cell a test, named after it, so that a
// change to the engine that the table does not follow fails here.
//
// The fixture (FakeOs, Svc) is the engine tests' own: fake_os.h.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <string>

#include "fake_os.h"

namespace lineup::engine {
namespace {

using namespace fixture;

using namespace std::chrono_literals;
using config::Condition;
using config::Priority;
using config::RestartPolicy;

// The first notice about `name`: where it came from before any change.
const Notice* first_notice(const FakeOs& os, const std::string& name) {
  for (const auto& n : os.notices)
    if (n.id == os.id(name)) return &n;
  return nullptr;
}

// The last notice that moved `name` into `to`.
const Notice* last_notice(const FakeOs& os, const std::string& name, State to) {
  for (auto it = os.notices.rbegin(); it != os.notices.rend(); ++it)
    if (it->id == os.id(name) && it->to == to) return &*it;
  return nullptr;
}

// --- pending ------------------------------------------------------------------------------------

// start() sets pending without a Notice and settles it before it returns:
// the first Notice of each service leaves pending, and none is left there.
TEST(StateTable, PendingSettleGoesToStartingOrWaitingInsideStart) {
  FakeOs os({Svc("db").probe(), Svc("api").after("db")});
  os.start();
  const Notice* db = first_notice(os, "db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->from, State::pending);
  EXPECT_EQ(db->to, State::starting);
  const Notice* api = first_notice(os, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->from, State::pending);
  EXPECT_EQ(api->to, State::waiting);
  Snapshot snap = os.engine().snapshot();
  for (const auto& v : snap.services) EXPECT_NE(v.state, State::pending) << v.name;
}

// --- waiting ------------------------------------------------------------------------------------

TEST(StateTable, WaitingSettleWithDependencyReadyGoesToStarting) {
  FakeOs os({Svc("db").probe(), Svc("api").probe().after("db")});
  os.start();
  ASSERT_EQ(os.state("api"), State::waiting);
  EXPECT_TRUE(os.spawn_times("api").empty());
  os.advance(2s);
  os.ready("db");
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_EQ(os.spawn_times("api"), std::vector<Millis>{2s});
  EXPECT_EQ(os.armed("api", Timer::startup), std::vector<Millis>{60s});
  const Notice* n = last_notice(os, "api", State::starting);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->from, State::waiting);
}

TEST(StateTable, WaitingSettleWithRequiredDependencyFailedGoesToSkipped) {
  FakeOs os({Svc("db").probe().priority(Priority::high).policy(RestartPolicy::no), Svc("api").after("db")});
  os.start();
  ASSERT_EQ(os.state("api"), State::waiting);
  os.exit("db", 1);
  EXPECT_EQ(os.state("db"), State::failed);
  EXPECT_EQ(os.state("api"), State::skipped);
  EXPECT_EQ(os.message("api", State::skipped), "required dependency \"db\" is failed");
  EXPECT_TRUE(os.spawn_times("api").empty());
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::degraded});
}

TEST(StateTable, WaitingStopRequestedGoesToStoppedWithoutSignal) {
  FakeOs os({Svc("db").probe(), Svc("api").after("db")});
  os.start();
  ASSERT_EQ(os.state("api"), State::waiting);
  os.send(StopRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.view("api").goal, Goal::down);
  EXPECT_TRUE(os.signals.empty());
  os.ready("db");
  EXPECT_EQ(os.state("api"), State::stopped) << "goal down: db's readiness does not start it";
  EXPECT_TRUE(os.spawn_times("api").empty());
}

// --- starting -----------------------------------------------------------------------------------

TEST(StateTable, StartingSpawnedWithoutProbesArmsUptimeThenReady) {
  FakeOs os({Svc("db").min_uptime(2s)});
  os.start();
  EXPECT_EQ(os.state("db"), State::starting);
  EXPECT_EQ(os.armed("db", Timer::uptime), std::vector<Millis>{2s});
  os.advance(1999ms);
  EXPECT_EQ(os.state("db"), State::starting);
  os.advance(1ms);
  EXPECT_EQ(os.state("db"), State::ready);
  EXPECT_EQ(os.view("db").ready_at, TimePoint{} + 2s);
  EXPECT_EQ(os.armed("db", Timer::stable), std::vector<Millis>{60s});
}

TEST(StateTable, StartingExitedBeforeReadyGoesToBackoff) {
  FakeOs os({Svc("api").probe().priority(Priority::high)});
  os.start();
  os.advance(500ms);
  os.exit("api", 1);
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.armed("api", Timer::backoff), std::vector<Millis>{1s});
  EXPECT_EQ(os.message("api", State::backoff), "exited with code 1 before it was ready");
  EXPECT_TRUE(os.signals.empty()) << "the process is gone: nothing to kill";
  EXPECT_EQ(os.view("api").restarts, 1);
}

// A `service` that exits 0 before it is ready has failed its attempt, even
// with on_failure, which would not restart a clean exit after READY.
TEST(StateTable, StartingCleanExitBeforeReadyGoesToBackoff) {
  FakeOs os({Svc("api").probe().priority(Priority::high).policy(RestartPolicy::on_failure)});
  os.start();
  os.exit("api", 0);
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.view("api").error, "exited with code 0 before it was ready");
}

TEST(StateTable, StartingOneshotExitedWithSuccessGoesToCompleted) {
  FakeOs os({Svc("migrate").oneshot()});
  os.start();
  ASSERT_EQ(os.state("migrate"), State::starting) << "a oneshot without probes waits for its exit";
  os.advance(3s);
  os.exit("migrate", 0);
  EXPECT_EQ(os.state("migrate"), State::completed);
  EXPECT_EQ(os.message("migrate", State::completed), "exited with code 0");
  EXPECT_EQ(os.view("migrate").ended_at, TimePoint{} + 3s);
  os.advance(2min);  // the startup timer fires, stale
  EXPECT_EQ(os.state("migrate"), State::completed);
  EXPECT_TRUE(os.signals.empty());
  EXPECT_EQ(os.spawns.size(), 1u);
}

TEST(StateTable, StartingSpawnFailedWithPolicyNoGoesToFailed) {
  FakeOs os({Svc("api").policy(RestartPolicy::no).priority(Priority::low)});
  os.spawn_fails["api"] = "no such file or directory";
  os.start();
  EXPECT_EQ(os.state("api"), State::failed);
  EXPECT_EQ(os.view("api").error, "no such file or directory");
  EXPECT_EQ(os.spawns.size(), 1u);
  EXPECT_TRUE(os.signals.empty());
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::degraded});
}

// The process is still alive: it is killed at once, and the verdict (backoff)
// waits in after_stop until the exit, which arms the backoff timer.
TEST(StateTable, StartingStartupTimerGoesToStoppingWithSigkillThenBackoff) {
  FakeOs os({Svc("api").probe().startup_timeout(5s).priority(Priority::high)});
  os.sigkill_kills = false;
  os.start();
  os.advance(5s);
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.view("api").after_stop, State::backoff);
  EXPECT_EQ(os.view("api").error, "not ready after 5s (startup_timeout)");
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
  EXPECT_TRUE(os.armed("api", Timer::grace).empty()) << "SIGKILL at once: no grace period";
  EXPECT_TRUE(os.armed("api", Timer::backoff).empty()) << "armed at the exit";
  os.killed("api", SIGKILL);
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.armed("api", Timer::backoff), std::vector<Millis>{1s});
  os.advance(1s);
  EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 6s}));
  EXPECT_EQ(os.state("api"), State::starting);
}

TEST(StateTable, StartingStopRequestedGoesToStoppingWithStopSignalAndGrace) {
  FakeOs os({Svc("api").probe().grace(3s).stop_signal(SIGINT)});
  os.start();
  os.send(StopRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.view("api").goal, Goal::down);
  EXPECT_EQ(os.view("api").after_stop, State::stopped);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGINT});
  EXPECT_EQ(os.armed("api", Timer::grace), std::vector<Millis>{3s});
  os.exit("api");
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.message("api", State::stopped), "exited with code 0");
}

// A graceful shutdown stops a starting service only once what depends on it
// has exited; until then it stays starting, goal down.
TEST(StateTable, StartingShutdownWaitsForRunningDependents) {
  FakeOs os({Svc("db").probe(), Svc("api").after("db", Condition::started)});
  os.start();
  ASSERT_EQ(os.state("db"), State::starting);
  ASSERT_EQ(os.state("api"), State::ready);
  os.send(Shutdown{});
  EXPECT_EQ(os.state("db"), State::starting);
  EXPECT_EQ(os.view("db").goal, Goal::down);
  EXPECT_TRUE(os.signals_to("db").empty());
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  os.exit("api");
  EXPECT_EQ(os.state("db"), State::stopping);
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{SIGTERM});
  os.exit("db");
  EXPECT_EQ(os.state("db"), State::stopped);
  EXPECT_EQ(os.phases.back(), Phase::stopped);
}

TEST(StateTable, StartingEmergencyShutdownGoesToStoppingWithSigkillAtOnce) {
  FakeOs os({Svc("db").probe(), Svc("api").after("db", Condition::started)});
  os.start();
  ASSERT_EQ(os.state("db"), State::starting);
  os.send(Shutdown{true});
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{SIGKILL}) << "no wait for the dependent";
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.message("db", State::stopping), "emergency stop");
  EXPECT_EQ(os.state("db"), State::stopped);
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_TRUE(os.engine().all_down());
}

// A timer of a kind the row does not name is ignored, even with the current
// token (uptime is named in this row: it makes the service ready).
TEST(StateTable, StartingTimerOfAnotherKindIsIgnored) {
  for (Timer t : {Timer::backoff, Timer::cooldown, Timer::grace, Timer::stable}) {
    SCOPED_TRACE(static_cast<int>(t));
    FakeOs os({Svc("api").probe()});
    os.start();
    ASSERT_EQ(os.state("api"), State::starting);
    uint64_t current = os.timer("api", Timer::startup)->token;
    size_t notices = os.notices.size();
    os.send(TimerFired{os.id("api"), t, current});
    EXPECT_EQ(os.state("api"), State::starting);
    EXPECT_EQ(os.notices.size(), notices);
    EXPECT_TRUE(os.signals.empty());
    EXPECT_EQ(os.spawns.size(), 1u);
  }
}

// --- ready --------------------------------------------------------------------------------------

// on_failure does not restart a clean exit: stopped, with the goal still up,
// and settle does not start it again.
TEST(StateTable, ReadyCleanExitWithOnFailureGoesToStoppedGoalStillUp) {
  FakeOs os({Svc("api").priority(Priority::high)});
  os.start();
  ASSERT_EQ(os.state("api"), State::ready);
  os.advance(1s);
  os.exit("api", 0);
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.view("api").goal, Goal::up);
  EXPECT_EQ(os.message("api", State::stopped), "exited with code 0");
  EXPECT_TRUE(os.view("api").error.empty());
  os.advance(1min);
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.spawns.size(), 1u);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// Goal down (a shutdown waiting for api): no restart, and a failure code is failed.
TEST(StateTable, ReadyExitedWithFailureDuringShutdownGoesToFailed) {
  FakeOs os({Svc("db"), Svc("api").after("db")});
  os.start();
  os.send(Shutdown{});
  ASSERT_EQ(os.state("db"), State::ready);
  ASSERT_EQ(os.view("db").goal, Goal::down);
  os.exit("db", 1);
  EXPECT_EQ(os.state("db"), State::failed);
  EXPECT_EQ(os.view("db").error, "exited with code 1");
  EXPECT_EQ(os.spawn_times("db").size(), 1u);
  os.exit("api");
  EXPECT_EQ(os.state("db"), State::failed);
  EXPECT_TRUE(os.signals_to("db").empty());
  EXPECT_EQ(os.phases.back(), Phase::stopped);
}

TEST(StateTable, ReadyLivenessFailedGoesToStoppingWithSigkillThenBackoff) {
  FakeOs os({Svc("api").live().priority(Priority::high)});
  os.sigkill_kills = false;
  os.start();
  ASSERT_EQ(os.state("api"), State::ready);
  os.advance(10s);
  os.send(LivenessFailed{os.id("api"), "timeout"});
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.view("api").after_stop, State::backoff);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.view("api").status, "timeout");
  EXPECT_EQ(os.view("api").error, "liveness probe failed: timeout");
  os.killed("api", SIGKILL);
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.armed("api", Timer::backoff), std::vector<Millis>{1s});
}

TEST(StateTable, ReadyLivenessFailedWithGoalDownIsIgnored) {
  FakeOs os({Svc("db").live(), Svc("api").after("db")});
  os.start();
  os.send(Shutdown{});  // db waits, goal down, for api to exit
  ASSERT_EQ(os.state("db"), State::ready);
  size_t notices = os.notices.size();
  os.send(LivenessFailed{os.id("db"), "timeout"});
  EXPECT_EQ(os.state("db"), State::ready);
  EXPECT_TRUE(os.signals_to("db").empty());
  EXPECT_EQ(os.notices.size(), notices);
}

// fail_on_log: the attempt fails, and the dependent with `restart: true`
// follows (stopped with its goal up) until db is ready again.
TEST(StateTable, ReadyAttemptFailedCascadesAndGoesToBackoff) {
  FakeOs os({Svc("db").probe(), Svc("api").after("db", Condition::ready, true, /*restart=*/true),
             Svc("other").after("db")});
  os.start();
  os.ready("db");
  ASSERT_EQ(os.state("api"), State::ready);
  ASSERT_EQ(os.state("other"), State::ready);
  os.advance(10s);
  os.send(AttemptFailed{os.id("db"), "output matched fail_on_log: boom"});
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.state("db"), State::backoff);
  EXPECT_EQ(os.view("db").error, "output matched fail_on_log: boom");
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.view("api").after_stop, State::waiting);
  EXPECT_EQ(os.view("api").goal, Goal::up);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.state("other"), State::ready);
  EXPECT_TRUE(os.signals_to("other").empty());
  os.exit("api");
  EXPECT_EQ(os.state("api"), State::waiting);
  os.advance(1s);  // db's backoff
  os.ready("db");
  EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 11s}));
  EXPECT_EQ(os.state("api"), State::ready);
}

TEST(StateTable, ReadyRestartRequestedGoesToStoppingThenStarting) {
  FakeOs os({Svc("api").probe().grace(5s)});
  os.start();
  os.ready("api");
  os.send(RestartRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.view("api").after_stop, State::waiting);
  EXPECT_EQ(os.view("api").goal, Goal::up);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.armed("api", Timer::grace), std::vector<Millis>{5s});
  EXPECT_EQ(os.view("api").restarts, 1);
  os.advance(1s);
  os.exit("api");
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_EQ(os.spawns.back().attempt, 2);
  const Notice* n = last_notice(os, "api", State::waiting);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->from, State::stopping);
}

TEST(StateTable, ReadyProbeStatusOnlyRecordsTheText) {
  FakeOs os({Svc("api")});
  os.start();
  ASSERT_EQ(os.state("api"), State::ready);
  size_t notices = os.notices.size();
  os.send(ProbeStatus{os.id("api"), "HTTP 200"});
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.view("api").status, "HTTP 200");
  EXPECT_EQ(os.notices.size(), notices);
}

// --- completed ----------------------------------------------------------------------------------

TEST(StateTable, CompletedStopRequestedOnlyLowersTheGoal) {
  FakeOs os({Svc("migrate").oneshot()});
  os.start();
  os.exit("migrate", 0);
  ASSERT_EQ(os.state("migrate"), State::completed);
  size_t notices = os.notices.size();
  os.send(StopRequested{os.id("migrate")});
  EXPECT_EQ(os.state("migrate"), State::completed);
  EXPECT_EQ(os.view("migrate").goal, Goal::down);
  EXPECT_EQ(os.notices.size(), notices);
  EXPECT_TRUE(os.signals.empty());
}

TEST(StateTable, CompletedStartRequestedNamingItRunsItAgain) {
  FakeOs os({Svc("migrate").oneshot()});
  os.start();
  os.exit("migrate", 0);
  ASSERT_EQ(os.state("migrate"), State::completed);
  os.advance(5s);
  os.send(StartRequested{os.id("migrate")});
  EXPECT_EQ(os.state("migrate"), State::starting);
  EXPECT_EQ(os.spawn_times("migrate"), (std::vector<Millis>{0s, 5s}));
  EXPECT_EQ(os.view("migrate").attempts, 2);
}

// --- backoff ------------------------------------------------------------------------------------

TEST(StateTable, BackoffTimerGoesToWaitingThenStarting) {
  FakeOs os({Svc("api").probe().priority(Priority::high)});
  os.start();
  os.exit("api", 1);
  ASSERT_EQ(os.state("api"), State::backoff);
  os.advance(1s);
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_EQ(os.spawns.back().attempt, 2);
  EXPECT_EQ(os.spawns.back().at, 1s);
  EXPECT_EQ(os.message("api", State::starting), "attempt 2");
  const Notice* n = last_notice(os, "api", State::waiting);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->from, State::backoff);
}

TEST(StateTable, BackoffRestartRequestedIsIgnored) {
  FakeOs os({Svc("api").probe().priority(Priority::high)});
  os.start();
  os.exit("api", 1);
  ASSERT_EQ(os.state("api"), State::backoff);
  os.advance(500ms);
  os.send(RestartRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_EQ(os.spawns.size(), 1u) << "the delay is not cut short";
  EXPECT_EQ(os.view("api").restarts, 1);
  os.advance(500ms);
  EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 1s}));
}

// --- blocked ------------------------------------------------------------------------------------

TEST(StateTable, BlockedStopRequestedGoesToStopped) {
  FakeOs os({Svc("worker").probe().priority(Priority::high).breaker(1, 60s, 300s)});
  os.start();
  os.exit("worker", 1);
  ASSERT_EQ(os.state("worker"), State::blocked);
  ASSERT_EQ(os.armed("worker", Timer::cooldown), std::vector<Millis>{300s});
  os.send(StopRequested{os.id("worker")});
  EXPECT_EQ(os.state("worker"), State::stopped);
  EXPECT_EQ(os.view("worker").goal, Goal::down);
  os.advance(300s);  // the cooldown timer fires, stale
  EXPECT_EQ(os.state("worker"), State::stopped);
  EXPECT_EQ(os.spawns.size(), 1u);
  EXPECT_TRUE(os.signals.empty());
}

TEST(StateTable, BlockedRestartRequestedStartsWithAClosedBreaker) {
  FakeOs os({Svc("worker").probe().priority(Priority::high).breaker(1, 60s, 300s)});
  os.start();
  os.exit("worker", 1);
  ASSERT_EQ(os.state("worker"), State::blocked);
  ASSERT_EQ(os.view("worker").breaker, Breaker::open);
  os.advance(10s);
  os.send(RestartRequested{os.id("worker")});
  EXPECT_EQ(os.state("worker"), State::starting);
  EXPECT_EQ(os.view("worker").breaker, Breaker::closed);
  EXPECT_EQ(os.spawn_times("worker"), (std::vector<Millis>{0s, 10s}));
}

// --- stopping -----------------------------------------------------------------------------------

TEST(StateTable, StoppingRestartRequestedTurnsTheStopIntoARestart) {
  FakeOs os({Svc("api")});
  os.start();
  os.send(StopRequested{os.id("api")});
  ASSERT_EQ(os.view("api").after_stop, State::stopped);
  os.send(RestartRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.view("api").after_stop, State::waiting);
  EXPECT_EQ(os.view("api").goal, Goal::up);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM}) << "no second stop signal";
  os.exit("api");
  EXPECT_EQ(os.spawns.size(), 2u);
  EXPECT_EQ(os.state("api"), State::ready);
}

TEST(StateTable, StoppingStopRequestedTurnsTheRestartIntoAStop) {
  FakeOs os({Svc("api")});
  os.start();
  os.send(RestartRequested{os.id("api")});
  ASSERT_EQ(os.state("api"), State::stopping);
  ASSERT_EQ(os.view("api").after_stop, State::waiting);
  os.send(StopRequested{os.id("api")});
  EXPECT_EQ(os.view("api").goal, Goal::down);
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  os.exit("api");
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.spawns.size(), 1u);
}

TEST(StateTable, StoppingEmergencyShutdownSendsSigkill) {
  FakeOs os({Svc("api").grace(10s)});
  os.start();
  os.send(StopRequested{os.id("api")});
  os.advance(1s);
  os.send(Shutdown{true});
  EXPECT_EQ(os.signals_to("api"), (std::vector<int>{SIGTERM, SIGKILL}));
  EXPECT_EQ(os.signals.back().at, 1s);
  EXPECT_EQ(os.state("api"), State::stopped);
  os.advance(20s);  // the grace timer fires, stale
  EXPECT_EQ(os.signals.size(), 2u);
}

// The main process (often the `sh -c` of a string command) is gone, the rest
// of its group is not: they keep the grace period, the SIGKILL at its end
// reaches them, and the exit counts once the group is empty.
TEST(StateTable, StoppingExitedWithGroupLeftWaitsForGroupEmpty) {
  FakeOs os({Svc("api").grace(10s)});
  os.start();
  os.send(StopRequested{os.id("api")});
  os.send(Exited{os.id("api"), -1, SIGTERM, /*group_left=*/true});
  EXPECT_EQ(os.state("api"), State::stopping);
  EXPECT_EQ(os.engine().running(), std::vector<Id>{os.id("api")});
  EXPECT_EQ(os.phases.back(), Phase::ready) << "not STOPPED while the group is alive";
  os.advance(10s);
  EXPECT_EQ(os.signals_to("api"), (std::vector<int>{SIGTERM, SIGKILL}));
  EXPECT_EQ(os.state("api"), State::stopping);
  os.send(GroupEmpty{os.id("api")});
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_EQ(os.message("api", State::stopped), "killed by signal 15");
  EXPECT_TRUE(os.engine().running().empty());
}

// Outside stopping, what the main process left is killed at once and the
// exit counts now; a later GroupEmpty changes nothing.
TEST(StateTable, ReadyExitedWithGroupLeftKillsTheGroupThenFails) {
  FakeOs os({Svc("api")});
  os.start();
  os.send(Exited{os.id("api"), 1, 0, /*group_left=*/true});
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGKILL});
  EXPECT_EQ(os.state("api"), State::backoff);
  os.send(GroupEmpty{os.id("api")});
  EXPECT_EQ(os.state("api"), State::backoff);
  EXPECT_TRUE(os.engine().running().empty());
}

// --- stopped ------------------------------------------------------------------------------------

TEST(StateTable, StoppedRestartRequestedStartsIt) {
  FakeOs os({Svc("api")});
  os.start();
  os.send(StopRequested{os.id("api")});
  os.exit("api");
  ASSERT_EQ(os.state("api"), State::stopped);
  os.advance(2s);
  os.send(RestartRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.view("api").goal, Goal::up);
  EXPECT_EQ(os.spawn_times("api"), (std::vector<Millis>{0s, 2s}));
}

// --- failed -------------------------------------------------------------------------------------

TEST(StateTable, FailedShutdownStaysFailed) {
  FakeOs os({Svc("api").policy(RestartPolicy::no).priority(Priority::high)});
  os.start();
  os.exit("api", 1);
  ASSERT_EQ(os.state("api"), State::failed);
  os.send(Shutdown{});
  EXPECT_EQ(os.state("api"), State::failed);
  EXPECT_EQ(os.view("api").goal, Goal::down);
  EXPECT_TRUE(os.signals.empty());
  EXPECT_EQ(os.phases.back(), Phase::stopped);
}

// --- skipped ------------------------------------------------------------------------------------

// A skipped service stays skipped when its dependency comes back; a start
// request naming it starts it.
TEST(StateTable, SkippedSettleStaysSkippedUntilStartRequested) {
  FakeOs os({Svc("db").probe().priority(Priority::high).policy(RestartPolicy::no), Svc("api").after("db")});
  os.start();
  os.exit("db", 1);
  ASSERT_EQ(os.state("db"), State::failed);
  ASSERT_EQ(os.state("api"), State::skipped);
  os.send(StartRequested{os.id("db")});
  EXPECT_EQ(os.state("db"), State::starting);
  os.ready("db");
  EXPECT_EQ(os.state("db"), State::ready);
  EXPECT_EQ(os.state("api"), State::skipped);
  EXPECT_TRUE(os.spawn_times("api").empty());
  os.send(StartRequested{os.id("api")});
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.spawn_times("api").size(), 1u);
}

}  // namespace
}  // namespace lineup::engine
