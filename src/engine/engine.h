// The engine: one state machine per service, and the scheduler that moves
// them all. Pure: events in, actions out. It never forks, kills, connects or
// reads a clock; the runtime does that and reports back as events.
//
// THE MODEL
//
// Every service has a current state and a desired state (its goal: up or
// down). Events change the current state or the goal; settle() then moves
// each service one step toward its goal until nothing changes, using a work
// queue rather than recursion.
//
//   pending   goal up, not looked at yet
//   waiting   goal up, some dependency does not meet its condition yet
//             (or max_parallel_starts is full)
//   starting  spawned, readiness not proven yet; startup_timeout is armed
//   ready     readiness proven (a service without probes: once it has
//             stayed up for min_uptime); liveness probes run
//   completed a oneshot exited with a success code
//   backoff   an attempt failed; a restart is due after the backoff delay
//   blocked   the circuit breaker is open; one half-open trial after cooldown
//   stopping  a stop signal was sent; SIGKILL when stop_grace_period ends
//   stopped   not running, goal down (or exited with success and no restart)
//   failed    given up: policy `no`, max_attempts used, or the breaker of a
//             critical service opened during startup
//   skipped   a required dependency failed; never started
//
// Events: Spawned, SpawnFailed, Exited, GroupEmpty, Ready, AttemptFailed,
// LivenessFailed, ProbeStatus, TimerFired, Start/Stop/RestartRequested,
// Shutdown, StartupDeadline. Actions: Spawn, Signal (to the process group),
// RunProbes, ArmTimer, Notice (a state change, for display and the event
// stream), PhaseChanged, RunPostStart. THE TABLE below says what each event does in each
// state.
//
// Starting: a service starts the moment every dependency meets its
// condition (started: spawned; ready: proven ready; completed: a oneshot
// finished) — no tier barriers. A dependency that failed or was skipped
// skips the dependent if required, and is ignored if `required: false`.
// With max_parallel_starts, services that may start compete for the free
// slots in priority order.
//
// Failure: a failed attempt (exit before READY, startup_timeout, a oneshot
// exiting non-zero, fail_on_log) goes to the RestartTracker: backoff and
// retry, give up (failed), or breaker open (blocked). During startup a
// critical service that fails, or whose breaker opens (it is then failed,
// not blocked), fails the whole startup: every goal becomes down. A
// non-critical one leaves the stack DEGRADED.
//
// Stopping: a service is stopped only after every service that depends on
// it has stopped, so shutdown runs in reverse dependency order, in parallel
// where the graph allows. Emergency stop signals SIGKILL to all at once.
// A running service whose dependency (with `restart: true`) restarts is
// stopped with its goal still up, and starts again when the dependency is
// ready again (cascade). A service whose goal turns up again while it is
// stopping starts again once it has exited.
//
// Reload (engine/reload.h): a changed file, as a plan. restart: as
// RestartRequested (cascade, stop to waiting; not running: a fresh tracker
// and a start now, a backoff cut short). start: as StartRequested. stop: the
// service is retired, its goal down; step() stops it once what depends on it
// has stopped, as in a shutdown. Services the reload starts are held until
// the ones it removes are down (a port they hold). apply: RunProbes again.
// Until it settles, snapshots show the phase STARTING.
//
// Timers carry a token; a timer whose token is stale is ignored, so
// cancelling is never needed for correctness.
//
// THE TABLE
//
// What each event does in each state, as engine.cc, schedule.cc and failure.cc do it; the tests in
// tests/unit/engine/state_table_test.cc check its rows. GU / GD: the goal is
// up / down. "settle GU" / "settle GD" is step(): a goal or a dependency
// changed. An event a row does not name is ignored in that state. Common to
// every row:
//   - ProbeStatus records the status text (and the layer); never a transition.
//   - TimerFired with a stale token is ignored, and so is a kind the row does
//     not name: each kind checks the state it was armed for.
//   - Spawned, SpawnFailed and Exited with no process (alive false): ignored.
//   - Exited with group_left (the main process is gone, some of its group or
//     cgroup is not): in stopping, see its row. Anywhere else: Signal SIGKILL
//     to what is left first (systemd's KillMode=control-group), then the
//     row's Exited. GroupEmpty is ignored unless a stopping row waits for it.
//   - StartRequested and RestartRequested: ignored once a shutdown has begun.
//     StartRequested raises the goal of the service and of what it depends on,
//     transitively, stopping at services already GU and not down (blocked
//     counts as down here; the dependencies of those are not visited).
//   - Shutdown: every goal down, then settle GD. Emergency: besides, every
//     live process gets SIGKILL now: -> stopping ("emergency stop"),
//     after_stop stopped, no grace timer. A service with no process passes
//     the turn on to its dependencies.
//   - StartupDeadline before the startup result (and before any shutdown): each GU service neither down
//     nor ready gets the error "not ready when the startup deadline ...",
//     phase FAILED, then as Shutdown (graceful). After the result: ignored.
//
// The helpers the cells name:
//   start      deps met: -> starting (Spawn, ArmTimer startup), or -> waiting while
//              max_parallel_starts is full. A required dep failed, skipped or blocked:
//              -> skipped. Else -> waiting.
//   stop(X)    -> stopping (RunProbes none, Signal stop_signal [+ stop_command],
//              ArmTimer grace); after_stop = X.
//   fail(why)  the RestartTracker's verdict [F]: retry -> backoff (ArmTimer backoff),
//              breaker open -> blocked (ArmTimer cooldown), give up -> failed; GD:
//              -> stopped. A process still alive is killed first: -> stopping (Signal
//              SIGKILL, no grace timer), the verdict kept as after_stop, its timer
//              armed at the exit. failed (or blocked) and critical, before the
//              startup result: phase FAILED and a graceful Shutdown.
//   cascade    dependents with `restart: true` that run with GU: stop(waiting).
//   ready!     -> ready (RunProbes live or none, ArmTimer stable, RunPostStart when the
//              service has post_start commands); a half-open breaker
//              closes. A service holds a max_parallel_starts slot exactly while it is
//              starting (counted where the state changes).
//
//   state      event                         next state (key action)
//   ---------  ----------------------------  ----------------------------------------------
//   pending    settle GU                     start. Set by start() only, without a Notice;
//                                            settled before start() returns
//   waiting    settle GU                     start
//              StopRequested, Shutdown       -> stopped (token++: its timers go stale)
//              Start-, RestartRequested      ignored (already GU)
//   starting   Spawned                       service, no ready probe: min_uptime 0: ready!,
//                                            else ArmTimer uptime [U]. With ready probes:
//                                            RunProbes ready. Oneshot, no probe: nothing
//              SpawnFailed                   fail(error): -> backoff, blocked or failed
//              Exited                        oneshot, success code: -> completed. Else
//                                            fail(how), a service's exit 0 included [M]
//              Ready, TimerFired uptime      ready!
//              AttemptFailed, Timer startup  fail(why): -> stopping (SIGKILL)
//              StopRequested                 stop(stopped)
//              RestartRequested              cascade; stop(waiting)
//              Shutdown, settle GD           stop(stopped) once no dependent (transitively)
//                                            is alive; until then stays starting, GD
//              ignored                       LivenessFailed, StartRequested
//   ready      Exited                        cascade (a oneshot's too), then: oneshot,
//                                            success code: -> completed. GU and the policy
//                                            restarts this exit [P]: fail(how). Success:
//                                            -> stopped (a GU goal stays up; nothing
//                                            restarts it). Else -> failed (critical,
//                                            before the startup result: as in fail())
//              AttemptFailed (fail_on_log)   cascade; GU: fail(why): -> stopping (SIGKILL)
//              LivenessFailed                GU: cascade; fail(why): -> stopping (SIGKILL).
//                                            GD: ignored
//              TimerFired stable             stays; the backoff starts over (on_stable)
//              StopRequested                 stop(stopped); its dependents keep running
//              RestartRequested              cascade; stop(waiting)
//              Shutdown, settle GD           as in starting
//              ignored                       Spawned, SpawnFailed, Ready, StartRequested
//   completed  StartRequested naming it      -> waiting, then start: it runs again
//              StartRequested via dependent  GU only; stays completed
//              RestartRequested              as StartRequested naming it
//              StopRequested, Shutdown       GD only; stays completed
//   backoff    TimerFired backoff            -> waiting, then start (Spawn attempt n+1)
//              StopRequested, Shutdown       -> stopped (token++: the backoff timer is stale)
//              Start-, RestartRequested      ignored: the delay is not cut short
//   blocked    TimerFired cooldown (GU)      breaker half-open, restarts+1; -> waiting,
//                                            then start: the half-open trial
//              Start-, RestartRequested      a new RestartTracker (breaker closed) [R];
//                                            -> waiting, then start
//              StopRequested, Shutdown       -> stopped (token++)
//   stopping   Exited group_left             the exit is kept; stays stopping, alive (the stop
//                                            signal and the grace SIGKILL reach the group)
//              GroupEmpty after that         as Exited, with the exit kept
//              Exited                        -> after_stop [A], except: waiting with GD
//                                            -> stopped, stopped with GU -> waiting.
//                                            backoff: ArmTimer backoff; blocked: ArmTimer
//                                            cooldown (the delay fail() chose)
//              SpawnFailed                   -> after_stop as it is [S]
//              TimerFired grace              Signal SIGKILL (a Notice says so); stays
//              StartRequested                GU: an exit meant for stopped leads to waiting
//              StopRequested                 GD: a restart's exit then leads to stopped
//              RestartRequested              cascade; after_stop = waiting, whatever it was
//              Shutdown                      GD only. Emergency: Signal SIGKILL,
//                                            after_stop = stopped, grace timer stale
//              ignored                       Spawned, Ready, AttemptFailed, LivenessFailed
//   stopped    Start-, RestartRequested      -> waiting, then start
//              settle GU                     stays: a clean exit from ready is not restarted
//              StopRequested, Shutdown       GD only; stays stopped
//   failed     Start-, RestartRequested      a new RestartTracker [R]; -> waiting, then start
//              StopRequested, Shutdown       GD only; stays failed
//   skipped    Start-, RestartRequested      -> waiting, then start once the deps are met
//              settle GU                     stays skipped, even once the dependency is back
//              StopRequested, Shutdown       GD only; stays skipped
//
// Forking (`type: forking`, process-compose's is_daemon): the main process is
// a launcher. Its exit with a success code in starting or ready is no end:
// the service is launched (ready! at once without ready probes, else still
// starting until they pass), nothing it left is killed, and the exit is kept
// until GroupEmpty, which says the daemon is gone: then an exit that failed
// ("its daemon exited"), or while stopping the stop's end. Any other exit of
// the launcher is an exit as a service's.
// kill_mode main: stop() signals the main process alone; once it has exited
// (stopping, Exited group_left), what it left gets the stop signal too.
//
// [F] RestartTracker::on_failure, first match: policy `no`: give up. max_attempts
//     > 0 and attempts (every spawn so far) >= max_attempts: give up. Breaker
//     half-open: open again (delay: cooldown). `threshold` failures within
//     `window`: open (cooldown). Else retry after initial * multiplier^(n-1),
//     n the failures since the last on_stable, capped at max, +- jitter. A
//     critical service's breaker that opens before the startup result (not
//     during a shutdown) makes it failed, not blocked.
// [U] arm() moves the service's token, so the uptime timer makes the startup
//     timer stale: once spawned, a `service` without ready probes is ready
//     after min_uptime even when startup_timeout is shorter.
// [M] Before ready, any exit of a `service` fails the attempt, whatever the
//     code and the policy: it did not pass its probes (or min_uptime). A
//     oneshot fails only on a code outside success_exit_codes, or a signal.
// [P] restarts_after_exit: `no`: never; `on_failure`: a code outside
//     success_exit_codes, or a signal; `always`, `unless_stopped`: every exit.
// [A] after_stop: stopped (a stop request or a shutdown), waiting (a restart or
//     a cascade), or fail()'s verdict (backoff, blocked, failed, stopped).
//     outcome_of() shows failed or blocked already while the kill runs. A
//     backoff or blocked reached with GD goes on to stopped in the same settle.
// [S] SpawnFailed while stopping (a stop came between Spawn and its result)
//     skips the GU/GD adjustment and arms no backoff or cooldown timer.
// [R] The new tracker has a closed breaker and no failures, and max_attempts
//     counts again from this start (view.attempts keeps the total).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/spec.h"
#include "engine/restart.h"
#include "graph/graph.h"

namespace lineup::engine {

using Id = graph::Id;

enum class State {
  pending,
  waiting,
  starting,
  ready,
  completed,
  backoff,
  blocked,
  stopping,
  stopped,
  failed,
  skipped
};
enum class Goal { up, down };
// The stack as a whole: the startup result and what came after.
enum class Phase { starting, ready, degraded, failed, stopping, stopped };

std::string_view name_of(State s);
std::string_view name_of(Phase p);
// What `up` exits with for a startup result: 0 READY, 3 DEGRADED, 1 FAILED
// (and for a stack stopped before it had one).
int exit_code_of(Phase p);
// A shutdown has begun (STOPPING, FAILED) or ended (STOPPED): nothing starts any more.
inline bool is_shutdown(Phase p) {
  return p == Phase::stopping || p == Phase::failed || p == Phase::stopped;
}

enum class Timer { startup, backoff, grace, stable, cooldown, uptime };
enum class ProbeSet { none, ready, live };

// --- events -------------------------------------------------------------------------------------
struct Spawned {
  Id id;
  int pid;
};
struct SpawnFailed {
  Id id;
  std::string error;
};
// The main process exited (signal != 0: killed by it; code is then -1).
// group_left: processes of its group or cgroup are still alive. While
// stopping, the exit then waits for GroupEmpty (the stop signal reaches them
// all; SIGKILL at the end of the grace period); otherwise they are killed at
// once (Signal SIGKILL), as systemd's KillMode=control-group does.
struct Exited {
  Id id;
  int code;
  int signal;
  bool group_left = false;
  bool oom = false;  // the kernel's OOM killer ended it (its cgroup's memory.events says so)
  // A `forking` service's daemon is gone (kept from its launcher's exit, handled at GroupEmpty).
  bool daemon_gone = false;
};
// The last process of a group whose main process exited with group_left is gone.
struct GroupEmpty {
  Id id;
};
struct Ready {
  Id id;
};
struct AttemptFailed {
  Id id;
  std::string reason;
};
struct LivenessFailed {
  Id id;
  std::string reason;
};
struct ProbeStatus {
  Id id;
  std::string text;
  std::string layer = {};  // "layer 2 of 3 (log)" when readiness has layers: the one that is blocking
};                         // last probe result or STATUS=, for ps
struct TimerFired {
  Id id;
  Timer timer;
  uint64_t token;
};
struct StartRequested {
  Id id;
};
struct StopRequested {
  Id id;
};
struct RestartRequested {
  Id id;
};
struct Shutdown {
  bool emergency = false;
};
struct StartupDeadline {};  // `up --timeout` expired
using Event =
    std::variant<Spawned, SpawnFailed, Exited, GroupEmpty, Ready, AttemptFailed, LivenessFailed, ProbeStatus,
                 TimerFired, StartRequested, StopRequested, RestartRequested, Shutdown, StartupDeadline>;

// --- actions ------------------------------------------------------------------------------------
struct Spawn {
  Id id;
  int attempt;
};
struct Signal {
  Id id;
  int signal;
  bool run_stop_command = false;
  bool main_only = false;  // kill_mode: main: to the main process alone (its group once it has exited)
};
struct RunProbes {
  Id id;
  ProbeSet set;
};
struct ArmTimer {
  Id id;
  Timer timer;
  Millis after;
  uint64_t token;
};
struct Notice {
  Id id;
  State from;
  State to;
  std::string message;
};
struct PhaseChanged {
  Phase phase;
};
// Run the service's post_start commands (it has some, and just became ready).
struct RunPostStart {
  Id id;
};
using Action = std::variant<Spawn, Signal, RunProbes, ArmTimer, Notice, PhaseChanged, RunPostStart>;

struct ServiceView {
  std::string name;
  std::string replica_of;  // one of `replicas: N` copies of this service (config/replicas.h)
  State state;
  Goal goal;
  config::Priority priority;
  int pid = 0;
  int attempts = 0;
  int restarts = 0;
  Breaker breaker = Breaker::closed;
  bool ready = false;
  std::string status;                 // STATUS= text or the last probe result
  std::string error;                  // why the last attempt failed
  State after_stop = State::stopped;  // while stopping: where the exit leads (failed: the attempt failed)
  bool retired = false;               // gone from the file by a reload: stopped, then shown no more
  std::optional<TimePoint> waiting_at, spawned_at, ready_at, ended_at;
};

// The state a report shows: a service whose failed attempt is still being
// killed has failed (or is blocked) already; anything else as it is.
State outcome_of(const ServiceView& v);
// stopped, failed, skipped, completed: no process, and none on its way.
bool is_down(State s);
// failed, skipped, blocked: what a required dependency must not be.
bool is_given_up(State s);

struct Snapshot {
  Phase phase;
  std::vector<ServiceView> services;
};

struct ReloadPlan;

class Engine {
 public:
  Engine(const config::Config& cfg, const graph::Graph& g, uint64_t seed = 0x11e1);

  // Goal up for `targets` and everything they depend on (all services when empty).
  std::vector<Action> start(TimePoint now, const std::vector<Id>& targets = {});
  std::vector<Action> handle(const Event& e, TimePoint now);
  // Applies a changed file to the running stack (engine/reload.h). The
  // config and graph the engine was built on already hold plan.applied and
  // plan.graph: their owner swapped them in (ids of services kept stay).
  std::vector<Action> reload(const ReloadPlan& plan, TimePoint now);

  Phase phase() const { return phase_; }
  // Every service is down (stopped, failed, skipped, completed) and no process is left.
  bool all_down() const;
  // `up` has nothing more to wait for: every process is gone and no service
  // whose goal is up is on its way to a state (a backoff or cooldown timer,
  // a start). A stack whose services all exited cleanly is finished.
  bool finished() const;
  // Services whose processes are still alive (a `down` deadline names them).
  std::vector<Id> running() const;
  Snapshot snapshot() const;
  const ServiceView& view(Id id) const { return svc_[static_cast<size_t>(id)].view; }

  // A service whose `stop_stack_on` came true stopped the stack: which, why,
  // and the exit code `up` gives (its own, or 1 when it was skipped).
  struct StackEnd {
    Id id;
    int exit_code;
    std::string why;
  };
  const std::optional<StackEnd>& stack_end() const { return stack_end_; }

 private:
  struct Svc {
    ServiceView view;
    const config::Service* spec;
    RestartTracker tracker;
    bool alive = false;  // a process exists (the main one, or what its group left while stopping)
    uint64_t token = 0;  // current timer generation
    // Stopping: the backoff or cooldown to arm once the process has exited
    // (view.after_stop says which state the exit leads to).
    Millis after_stop_delay{0};
    // Stopping: the main process exited, its group has not; the exit is
    // handled when GroupEmpty comes.
    std::optional<Exited> main_exit = std::nullopt;
    int extra_restarts = 0;         // restarts the tracker does not count: cascades and requests
    int attempts_before_reset = 0;  // attempts before the last start by hand (max_attempts counts after)
    std::string layer = {};         // the readiness layer the status comes from, if there are several
    bool held = false;              // started by a reload: waits until the services it removes have stopped
    int last_exit = 0;              // of its last process: the code, or 128 + the signal
    // A `forking` service whose launcher exited with success: its daemon is the
    // service now, and main_exit holds the launch until the daemon's group empties.
    bool launched = false;
  };

  void set_state(Id id, State s, std::string message = {});
  // Kept per change rather than counted per event: with 10,000 services a
  // pass over all of them after each of their events was a fifth of a
  // start's CPU. Checked against a full count after each turn in debug builds.
  struct Tally {
    int unsettled = 0;  // goal up and on its way: pending, waiting, starting, backoff, stopping
    int given_up = 0;   // goal up and failed, blocked or skipped
    int alive = 0;      // with a process
    bool operator==(const Tally&) const = default;
  };
  // Every change of a service's goal, state or `alive` goes through these
  // (set_state included), which keep tally_ in step.
  void set_goal(Svc& v, Goal goal);
  void set_alive(Svc& v, bool alive);
  void count(const Svc& v, int sign);
  static Tally share(const Svc& v);
  Tally recount() const;
  void request_stop(Id id);
  void fresh_tracker(Id id);
  void compute_chains();
  bool removal_pending() const;
  void became_ready(Id id);
  void cascade(Id id);
  void count_restarts(Svc& v);
  std::string before_ready(const Svc& v, const std::string& how) const;
  bool starts_before(Id a, Id b) const;
  void fail_startup_if_critical(Id id);
  void check_stack_end(Id id, State from, State to, const std::string& why);
  void request_start(Id id);
  void settle();
  void step(Id id);
  void try_start(Id id);
  bool deps_met(Id id, bool& skip, std::string& why) const;
  bool dependents_down(Id id) const;
  void begin_stop(Id id, State after, bool kill_now = false);
  void attempt_failed(Id id, std::string reason);
  void exited(const Exited& e);
  void group_empty(Id id);
  // The startup result is given (READY, DEGRADED or FAILED), or a shutdown came first.
  bool startup_over() const { return phase_ != Phase::starting; }
  bool shutting_down() const { return is_shutdown(phase_); }
  void announce(Phase p);
  void arm(Id id, Timer t, Millis after);
  void update_phase();
  void enqueue(Id id);
  void enqueue_neighbours(Id id);
  void shutdown(bool emergency);
  Svc& s(Id id) { return svc_[static_cast<size_t>(id)]; }
  const Svc& s(Id id) const { return svc_[static_cast<size_t>(id)]; }

  const config::Config& cfg_;
  const graph::Graph& g_;
  uint64_t seed_;  // of the backoff jitter, per service: seed_ + id
  std::vector<Svc> svc_;
  std::vector<long long> chain_;  // start order among equals: longest chain behind first
  std::vector<Id> queue_;
  std::vector<bool> queued_;
  std::vector<Action> out_;
  TimePoint now_{};
  // The stack's one phase; PhaseChanged reports it at the end of each
  // handle(), so `announced_` is only what was last reported.
  Phase phase_ = Phase::starting;
  Phase announced_ = Phase::starting;
  int starting_count_ = 0;  // services in `starting` (kept by set_state): max_parallel_starts' slots
  Tally tally_;             // what update_phase and all_down read
  // A reload after the startup result: until what it started has settled,
  // snapshots show the phase STARTING (what `up` on a running stack waits for).
  bool reloading_ = false;
  std::optional<StackEnd> stack_end_;
};

}  // namespace lineup::engine
