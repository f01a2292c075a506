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
// Events: Spawned, SpawnFailed, Exited, Ready, AttemptFailed,
// LivenessFailed, TimerFired, Start/Stop/RestartRequested, Shutdown.
// Actions: Spawn, Signal (to the process group), RunProbes, ArmTimer,
// Notice (a state change, for display and the event stream).
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
// Timers carry a token; a timer whose token is stale is ignored, so
// cancelling is never needed for correctness.
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
struct Exited {
  Id id;
  int code;
  int signal;
};  // signal != 0: killed by it (code is then -1)
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
    std::variant<Spawned, SpawnFailed, Exited, Ready, AttemptFailed, LivenessFailed, ProbeStatus, TimerFired,
                 StartRequested, StopRequested, RestartRequested, Shutdown, StartupDeadline>;

// --- actions ------------------------------------------------------------------------------------
struct Spawn {
  Id id;
  int attempt;
};
struct Signal {
  Id id;
  int signal;
  bool run_stop_command = false;
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
using Action = std::variant<Spawn, Signal, RunProbes, ArmTimer, Notice, PhaseChanged>;

struct ServiceView {
  std::string name;
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
  std::optional<TimePoint> waiting_at, spawned_at, ready_at, ended_at;
};

// The state a report shows: a service whose failed attempt is still being
// killed has failed (or is blocked) already; anything else as it is.
State outcome_of(const ServiceView& v);

struct Snapshot {
  Phase phase;
  std::vector<ServiceView> services;
};

class Engine {
 public:
  Engine(const config::Config& cfg, const graph::Graph& g, uint64_t seed = 0x11e1);

  // Goal up for `targets` and everything they depend on (all services when empty).
  std::vector<Action> start(TimePoint now, const std::vector<Id>& targets = {});
  std::vector<Action> handle(const Event& e, TimePoint now);

  Phase phase() const { return phase_; }
  // Every service is down (stopped, failed, skipped, completed) and no process is left.
  bool all_down() const;
  // Services whose processes are still alive (a `down` deadline names them).
  std::vector<Id> running() const;
  Snapshot snapshot() const;
  const ServiceView& view(Id id) const { return svc_[static_cast<size_t>(id)].view; }

 private:
  struct Svc {
    ServiceView view;
    const config::Service* spec;
    RestartTracker tracker;
    bool alive = false;            // a process exists
    bool cascade = false;          // stopped for a dependency's restart; start again when it is ready
    uint64_t token = 0;            // current timer generation
    bool counted_running = false;  // occupies a max_parallel_starts slot
    int extra_restarts = 0;        // restarts the tracker does not count: cascades and requests
    std::string layer = {};        // the readiness layer the status comes from, if there are several
  };

  void set_state(Id id, State s, std::string message = {});
  void became_ready(Id id);
  void cascade(Id id);
  void count_restarts(Svc& v);
  std::string before_ready(const Svc& v, const std::string& how) const;
  bool starts_before(Id a, Id b) const;
  void fail_startup_if_critical(Id id);
  void request_start(Id id);
  void settle();
  void step(Id id);
  void try_start(Id id);
  bool deps_met(Id id, bool& skip, std::string& why) const;
  bool dependents_down(Id id) const;
  void begin_stop(Id id, State after, bool kill_now = false);
  void attempt_failed(Id id, std::string reason);
  void exited(Id id, int code, int signal);
  void arm(Id id, Timer t, Millis after);
  void update_phase();
  void enqueue(Id id);
  void enqueue_neighbours(Id id);
  void shutdown(bool emergency);
  Svc& s(Id id) { return svc_[static_cast<size_t>(id)]; }
  const Svc& s(Id id) const { return svc_[static_cast<size_t>(id)]; }

  const config::Config& cfg_;
  const graph::Graph& g_;
  std::vector<Svc> svc_;
  std::vector<Millis> pending_delay_;
  std::vector<long long> chain_;  // start order among equals: longest chain behind first  // backoff /
                                  // cooldown to arm once a killed attempt has exited
  std::vector<Id> queue_;
  std::vector<bool> queued_;
  std::vector<Action> out_;
  TimePoint now_{};
  Phase phase_ = Phase::starting;
  bool startup_done_ = false;
  bool shutting_down_ = false;
  int starting_count_ = 0;  // services in `starting`, for max_parallel_starts
};

}  // namespace lineup::engine
