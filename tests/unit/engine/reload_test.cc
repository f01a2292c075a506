// Changing a running stack in virtual time: what a changed file restarts,
// starts, stops and changes in place, and what keeps its process
// (engine/reload.h). The fixture's reload() plays the supervisor: it swaps
// in the plan's config and graph, then hands the plan to the engine.
#include "engine/reload.h"

#include <gtest/gtest.h>

#include "fake_os.h"

namespace lineup::engine {
namespace {

using namespace fixture;
using namespace std::chrono_literals;

std::vector<std::string> lines(const std::vector<ServiceChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(describe(c));
  return out;
}

TEST(EngineReload, ChangedCommandRestartsThatServiceOnly) {
  FakeOs os({Svc("db"), Svc("api").after("db")});
  os.sigterm_kills = true;
  os.start();
  int db_pid = os.view("db").pid, api_pid = os.view("api").pid;
  auto changes = os.reload({Svc("db"), Svc("api").after("db").command("./api --v2")});
  EXPECT_EQ(lines(changes), std::vector<std::string>{"api: restart (command changed)"});
  EXPECT_EQ(os.view("db").pid, db_pid) << "unchanged: the same process";
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{});
  EXPECT_EQ(os.signals_to("api"), std::vector<int>{SIGTERM});
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_NE(os.view("api").pid, api_pid);
  EXPECT_EQ(os.view("api").attempts, 2);
  EXPECT_EQ(os.config().services[static_cast<size_t>(os.id("api"))].command->argv.back(), "./api --v2");
  EXPECT_EQ(os.engine().snapshot().phase, Phase::ready);
}

// While what the reload started is on its way, the stack shows STARTING
// (what `up` on a running stack waits for); then READY again.
TEST(EngineReload, SnapshotShowsStartingUntilTheChangeSettles) {
  FakeOs os({Svc("db")});
  os.start();
  os.reload({Svc("db"), Svc("api").after("db").probe()});
  EXPECT_EQ(os.state("api"), State::starting);
  EXPECT_EQ(os.engine().snapshot().phase, Phase::starting);
  EXPECT_EQ(os.engine().phase(), Phase::ready) << "the stack itself stays READY";
  os.ready("api");
  EXPECT_EQ(os.engine().snapshot().phase, Phase::ready);
}

// Gone from the file: stopped in reverse dependency order (web before api),
// and a new service (which may need a port they hold) starts after them.
TEST(EngineReload, RemovedStopInReverseOrderThenNewStart) {
  FakeOs os({Svc("db"), Svc("api").after("db"), Svc("web").after("api")});
  os.start();
  auto changes = os.reload({Svc("db"), Svc("worker").after("db")});
  EXPECT_EQ(lines(changes),
            (std::vector<std::string>{"api: stop (removed from the file)",
                                      "web: stop (removed from the file)", "worker: start (new)"}));
  EXPECT_EQ(os.signalled(), std::vector<std::string>{"web"}) << "api waits for web";
  EXPECT_EQ(os.state("worker"), State::waiting);
  os.exit("web", 0);
  EXPECT_EQ(os.signalled(), (std::vector<std::string>{"web", "api"}));
  EXPECT_EQ(os.state("worker"), State::waiting) << "api is still stopping";
  os.exit("api", 0);
  EXPECT_EQ(os.state("worker"), State::ready);
  EXPECT_EQ(os.state("api"), State::stopped);
  EXPECT_TRUE(os.view("api").retired);
  EXPECT_EQ(os.signals_to("db"), std::vector<int>{});
}

TEST(EngineReload, RestartTrueDependentsFollow) {
  FakeOs os({Svc("db"), Svc("api").after("db", Condition::ready, true, true), Svc("web").after("db")});
  os.sigterm_kills = true;
  os.start();
  auto changes = os.reload({Svc("db").command("postgres -c fsync=off"),
                            Svc("api").after("db", Condition::ready, true, true), Svc("web").after("db")});
  EXPECT_EQ(lines(changes),
            (std::vector<std::string>{"db: restart (command changed)",
                                      "api: restart (db restarts (depends_on restart: true))"}));
  EXPECT_EQ(os.signals_to("web"), std::vector<int>{}) << "no restart: true";
  EXPECT_EQ(os.view("api").attempts, 2);
  EXPECT_EQ(os.state("api"), State::ready);
}

// Probes, policies, priority: applied to the running process, same PID.
TEST(EngineReload, InPlaceChangesKeepTheProcess) {
  FakeOs os({Svc("db"), Svc("api").after("db")});
  os.start();
  int pid = os.view("api").pid;
  auto changes = os.reload({Svc("db"), Svc("api").after("db").live().priority(Priority::low).grace(3s)});
  EXPECT_EQ(lines(changes),
            std::vector<std::string>{"api: apply (priority, live and stop_grace_period changed)"});
  EXPECT_EQ(os.view("api").pid, pid);
  EXPECT_EQ(os.view("api").priority, Priority::low);
  EXPECT_TRUE(os.signals.empty());
  EXPECT_EQ(os.engine().snapshot().phase, Phase::ready);
}

TEST(EngineReload, NoRestartKeepsTheDefinitionItRunsWith) {
  FakeOs os({Svc("db").command("./db --v1")});
  os.start();
  auto changes = os.reload({Svc("db").command("./db --v2"), Svc("cache")}, {false, true, {}});
  EXPECT_EQ(lines(changes),
            (std::vector<std::string>{"db: keep (command changed; --no-restart leaves it as it runs)",
                                      "cache: start (new)"}));
  EXPECT_TRUE(os.signals.empty());
  EXPECT_EQ(os.config().services[0].command->argv.back(), "./db --v1")
      << "a later restart runs what runs now";
  EXPECT_EQ(os.state("cache"), State::ready);
}

TEST(EngineReload, ForceRestartRestartsEveryWantedService) {
  FakeOs os({Svc("db"), Svc("api").after("db")});
  os.sigterm_kills = true;
  os.start();
  auto changes = os.reload({Svc("db"), Svc("api").after("db")}, {true, false, {}});
  EXPECT_EQ(lines(changes),
            (std::vector<std::string>{"db: restart (--force-restart)", "api: restart (--force-restart)"}));
  EXPECT_EQ(os.view("db").attempts, 2);
  EXPECT_EQ(os.view("api").attempts, 2);
}

// `up api` on a running stack: only api and what it depends on; a service
// the file dropped is not stopped for it.
TEST(EngineReload, NamedServicesLimitTheChange) {
  FakeOs os({Svc("db"), Svc("api").after("db"), Svc("other"), Svc("gone")});
  os.sigterm_kills = true;
  os.start();
  auto changes = os.reload({Svc("db").command("./db2"), Svc("api").after("db"), Svc("other").command("./o2")},
                           {false, false, {"api"}});
  EXPECT_EQ(lines(changes), std::vector<std::string>{"db: restart (command changed)"});
  EXPECT_EQ(os.state("gone"), State::ready);
  EXPECT_EQ(os.view("other").attempts, 1);
}

// Nothing changed: nothing is acted on, and the stack is not STARTING.
TEST(EngineReload, SameFileChangesNothing) {
  FakeOs os({Svc("db"), Svc("api").after("db")});
  os.start();
  auto changes = os.reload({Svc("db"), Svc("api").after("db")});
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(os.engine().snapshot().phase, Phase::ready);
  EXPECT_EQ(os.spawns.size(), 2u);
}

// A service that failed, or was stopped by hand, is started by `up` again
// with a clean record, as `docker compose up` starts an exited container.
TEST(EngineReload, FailedAndStoppedServicesStartAgain) {
  FakeOs os({Svc("db"), Svc("flaky").policy(RestartPolicy::no).priority(Priority::low), Svc("idle")});
  os.sigterm_kills = true;
  os.start();
  os.exit("flaky", 1);
  os.send(StopRequested{os.id("idle")});
  ASSERT_EQ(os.state("flaky"), State::failed);
  ASSERT_EQ(os.state("idle"), State::stopped);
  auto changes =
      os.reload({Svc("db"), Svc("flaky").policy(RestartPolicy::no).priority(Priority::low), Svc("idle")});
  EXPECT_EQ(lines(changes),
            (std::vector<std::string>{"flaky: start (was failed)", "idle: start (not running)"}));
  EXPECT_EQ(os.state("flaky"), State::ready);
  EXPECT_EQ(os.state("idle"), State::ready);
}

// During the startup: the change applies at once, and the startup's one
// result covers it. api, still waiting for db, starts once, in its new form.
TEST(EngineReload, DuringStartupTheResultCoversTheChange) {
  FakeOs os({Svc("db").probe(), Svc("api").after("db")});
  os.start();
  ASSERT_EQ(os.state("api"), State::waiting);
  auto changes =
      os.reload({Svc("db").probe(), Svc("api").after("db").command("./api2"), Svc("web").after("api")});
  EXPECT_EQ(lines(changes), (std::vector<std::string>{"api: restart (command changed)", "web: start (new)"}));
  EXPECT_TRUE(os.phases.empty());
  os.ready("db");
  EXPECT_EQ(os.spawn_times("api").size(), 1u);
  EXPECT_EQ(os.state("web"), State::ready);
  EXPECT_EQ(os.phases, std::vector<Phase>{Phase::ready});
}

// Two reloads in a row, the second before the first has settled: each is
// applied to what the one before left; ids stay, a removed service comes back.
TEST(EngineReload, TwoReloadsInARow) {
  FakeOs os({Svc("db"), Svc("api").after("db").probe(), Svc("old")});
  os.start();
  os.ready("api");
  Id old_id = os.id("old");
  auto first = os.reload({Svc("db"), Svc("api").after("db").probe().command("./v2")});
  EXPECT_EQ(lines(first), (std::vector<std::string>{"api: restart (command changed)",
                                                    "old: stop (removed from the file)"}));
  os.exit("api", 0);
  os.exit("old", 0);
  ASSERT_EQ(os.state("api"), State::starting);
  auto second = os.reload({Svc("db"), Svc("api").after("db").probe().command("./v3"), Svc("old")});
  EXPECT_EQ(lines(second), (std::vector<std::string>{"api: restart (command changed)", "old: start (new)"}));
  EXPECT_EQ(os.id("old"), old_id) << "the same id, back from retirement";
  EXPECT_FALSE(os.view("old").retired);
  os.exit("api", 0);
  os.ready("api");
  EXPECT_EQ(os.state("api"), State::ready);
  EXPECT_EQ(os.state("old"), State::ready);
  EXPECT_EQ(os.view("api").attempts, 3);
  EXPECT_EQ(os.engine().snapshot().phase, Phase::ready);
}

// A service in backoff whose definition changed starts now, as the new one,
// with a clean record; one in backoff that the file drops just stops.
TEST(EngineReload, BackoffIsCutShortByAChangeAndEndedByARemoval) {
  FakeOs os({Svc("a").priority(Priority::low), Svc("b").priority(Priority::low)});
  os.start();
  os.exit("a", 1);
  os.exit("b", 1);
  ASSERT_EQ(os.state("a"), State::backoff);
  auto changes = os.reload({Svc("a").priority(Priority::low).command("./fixed")});
  EXPECT_EQ(lines(changes),
            (std::vector<std::string>{"a: restart (command changed)", "b: stop (removed from the file)"}));
  EXPECT_EQ(os.state("b"), State::stopped);
  EXPECT_EQ(os.state("a"), State::ready);
  EXPECT_EQ(os.spawn_times("a"), (std::vector<Millis>{0s, 0s}));
  os.advance(60s);
  EXPECT_EQ(os.view("a").attempts, 2) << "the stale backoff timer did nothing";
}

// A scheduled oneshot runs when its schedule says: a reload neither starts
// it nor runs it again for a change, new or changed (unless named).
TEST(EngineReload, ScheduledOneshotsWaitForTheirNextRun) {
  FakeOs os({Svc("web"), Svc("backup").schedule()});
  os.start();
  auto changes =
      os.reload({Svc("web"), Svc("backup").schedule().command("./backup --v2"), Svc("nightly").schedule()});
  EXPECT_EQ(lines(changes),
            (std::vector<std::string>{"backup: apply (command changed; the next scheduled run uses it)",
                                      "nightly: apply (new; runs on its schedule)"}));
  EXPECT_EQ(os.view("backup").attempts, 0);
  EXPECT_EQ(os.view("nightly").attempts, 0);
  EXPECT_EQ(os.config().services[1].command->argv.back(), "./backup --v2");
  auto named =
      os.reload({Svc("web"), Svc("backup").schedule().command("./backup --v2"), Svc("nightly").schedule()},
                {false, false, {"nightly"}});
  EXPECT_EQ(lines(named), std::vector<std::string>{"nightly: start (not running)"});
  EXPECT_EQ(os.view("nightly").attempts, 1);
}

}  // namespace
}  // namespace lineup::engine
