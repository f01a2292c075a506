// The engine's entry points: start(), handle() (one event, as THE TABLE in
// engine.h says), stops, timers and the stack's phase. The scheduler is in
// schedule.cc, failures and exits in failure.cc.
#include "engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <csignal>

namespace lineup::engine {

Engine::Engine(const config::Config& cfg, const graph::Graph& g, uint64_t seed)
    : cfg_(cfg), g_(g), seed_(seed) {
  svc_.reserve(cfg.services.size());
  for (size_t i = 0; i < cfg.services.size(); ++i) {
    const auto& spec = cfg.services[i];
    ServiceView v;
    v.name = spec.name;
    v.replica_of = *spec.replica_of;
    v.state = State::stopped;
    v.goal = Goal::down;
    v.priority = spec.priority;
    svc_.push_back({std::move(v), &spec, RestartTracker(spec.restart, spec.circuit_breaker, seed + i)});
  }
  queued_.assign(svc_.size(), false);
  compute_chains();
}

// chain_[id]: the longest chain of dependents behind `id`, `id` included,
// each weighing its expected_startup plus 1 ms (so unknown durations count by length).
void Engine::compute_chains() {
  chain_.assign(svc_.size(), 0);
  auto order = graph::levels(g_).order;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    auto i = static_cast<size_t>(*it);
    long long behind = 0;
    for (size_t e : g_.dependents(*it))
      behind = std::max(behind, chain_[static_cast<size_t>(g_.edges()[e].dependent)]);
    chain_[i] = behind + 1 + cfg_.services[i].expected_startup.value_or(Millis(0)).count();
  }
}

std::vector<Action> Engine::start(TimePoint now, const std::vector<Id>& targets) {
  now_ = now;
  // A scheduled oneshot waits for its schedule (loop/schedules.h), unless it
  // runs on start, is named, or a service being started needs it.
  std::vector<Id> wanted = targets;
  bool everything = targets.empty();
  if (everything)
    for (size_t i = 0; i < svc_.size(); ++i)
      if (!cfg_.services[i].schedule || cfg_.services[i].schedule->run_on_start)
        wanted.push_back(static_cast<Id>(i));
  // (with_dependencies of no target is every service: a stack of scheduled oneshots starts nothing now)
  std::vector<bool> want = everything && wanted.empty() ? std::vector<bool>(svc_.size(), false)
                                                        : graph::with_dependencies(g_, wanted);
  // Priority order first, so that with max_parallel_starts critical services take the slots.
  std::vector<Id> order;
  for (size_t i = 0; i < svc_.size(); ++i)
    if (want[i]) order.push_back(static_cast<Id>(i));
  std::stable_sort(order.begin(), order.end(), [&](Id a, Id b) { return starts_before(a, b); });
  for (Id id : order) {
    Svc& v = s(id);
    count(v, -1);
    v.view.goal = Goal::up;
    v.view.state = State::pending;
    count(v, +1);
    enqueue(id);
  }
  settle();
  update_phase();
  return std::move(out_);
}

std::vector<Action> Engine::handle(const Event& ev, TimePoint now) {
  now_ = now;
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, Spawned>) {
          Svc& v = s(e.id);
          v.view.pid = e.pid;
          if (v.view.state == State::starting && v.spec->ready.empty() &&
              v.spec->type == config::ServiceType::service) {
            // No probe can prove it: staying up for min_uptime does (supervisord's startsecs).
            if (v.spec->min_uptime.count() <= 0)
              became_ready(e.id);
            else
              arm(e.id, Timer::uptime, v.spec->min_uptime);
          } else if (v.view.state == State::starting && !v.spec->ready.empty()) {
            out_.push_back(RunProbes{e.id, ProbeSet::ready});
          }
        } else if constexpr (std::is_same_v<E, SpawnFailed>) {
          Svc& v = s(e.id);
          set_alive(v, false);
          v.view.pid = 0;
          if (v.view.state == State::starting)
            attempt_failed(e.id, e.error);
          else if (v.view.state == State::stopping)
            set_state(e.id, v.view.after_stop);
        } else if constexpr (std::is_same_v<E, Exited>) {
          exited(e);
        } else if constexpr (std::is_same_v<E, GroupEmpty>) {
          group_empty(e.id);
        } else if constexpr (std::is_same_v<E, Ready>) {
          became_ready(e.id);
        } else if constexpr (std::is_same_v<E, AttemptFailed>) {
          State st = s(e.id).view.state;
          if (st == State::ready) cascade(e.id);
          if (st == State::starting || (st == State::ready && s(e.id).view.goal == Goal::up))
            attempt_failed(e.id, e.reason);
        } else if constexpr (std::is_same_v<E, LivenessFailed>) {
          Svc& v = s(e.id);
          if (v.view.state != State::ready || v.view.goal != Goal::up) return;
          v.view.status = e.reason;
          cascade(e.id);
          attempt_failed(e.id, "liveness probe failed: " + e.reason);
        } else if constexpr (std::is_same_v<E, ProbeStatus>) {
          s(e.id).view.status = e.text;
          s(e.id).layer = e.layer;
        } else if constexpr (std::is_same_v<E, TimerFired>) {
          Svc& v = s(e.id);
          if (e.token != v.token) return;
          switch (e.timer) {
            case Timer::startup:
              if (v.view.state == State::starting) {
                std::string why = fmt::format("not ready after {} (startup_timeout)",
                                              format_duration(v.spec->startup_timeout));
                // Name the layer that blocks, not one that passed before it.
                if (!v.layer.empty())
                  why += fmt::format(": {}: {}", v.layer,
                                     v.view.status.empty() ? "no result yet" : v.view.status);
                else if (!v.view.status.empty())
                  why += ": last probe: " + v.view.status;
                attempt_failed(e.id, why);
              }
              break;
            case Timer::backoff:
              if (v.view.state == State::backoff) set_state(e.id, State::waiting);
              break;
            case Timer::cooldown:
              if (v.view.state == State::blocked && v.view.goal == Goal::up) {
                v.tracker.on_cooldown_over();
                v.view.breaker = v.tracker.breaker();
                count_restarts(v);
                set_state(e.id, State::waiting, "half-open trial after the breaker's cooldown");
              }
              break;
            case Timer::grace:
              if (v.view.state == State::stopping && v.alive) {
                out_.push_back(Signal{e.id, SIGKILL});
                out_.push_back(Notice{e.id, State::stopping, State::stopping,
                                      fmt::format("still running after {} (stop_grace_period): SIGKILL",
                                                  format_duration(v.spec->stop_grace_period))});
              }
              break;
            case Timer::stable:
              if (v.view.state == State::ready) v.tracker.on_stable();
              break;
            case Timer::uptime:
              if (v.view.state == State::starting) became_ready(e.id);
              break;
          }
        } else if constexpr (std::is_same_v<E, StartRequested>) {
          request_start(e.id);
        } else if constexpr (std::is_same_v<E, StopRequested>) {
          request_stop(e.id);
        } else if constexpr (std::is_same_v<E, RestartRequested>) {
          Svc& v = s(e.id);
          if (shutting_down()) return;
          set_goal(v, Goal::up);
          if (v.alive) {
            ++v.extra_restarts;
            count_restarts(v);
            cascade(e.id);  // dependents with `restart: true` follow, as after a crash
            if (v.view.state != State::stopping)
              begin_stop(e.id, State::waiting);
            else
              v.view.after_stop = State::waiting;
          } else {
            request_start(e.id);
          }
        } else if constexpr (std::is_same_v<E, Shutdown>) {
          shutdown(e.emergency);
        } else if constexpr (std::is_same_v<E, StartupDeadline>) {
          if (!startup_over()) {
            for (auto& v : svc_)
              if (v.view.goal == Goal::up && !is_down(v.view.state) && v.view.state != State::ready)
                if (v.view.error.empty())
                  v.view.error = "not ready when the startup deadline (up --timeout) expired";
            announce(Phase::failed);
            shutdown(false);
          }
        }
      },
      ev);
  settle();
  if (stack_end_ && !shutting_down()) {
    shutdown(false);
    settle();
  }
  update_phase();
  return std::move(out_);
}

void Engine::became_ready(Id id) {
  Svc& v = s(id);
  if (v.view.state != State::starting) return;
  v.view.ready_at = now_;
  v.view.error.clear();
  v.tracker.on_ready();
  v.view.breaker = v.tracker.breaker();
  set_state(id, State::ready);
  out_.push_back(RunProbes{id, v.spec->live.empty() ? ProbeSet::none : ProbeSet::live});
  arm(id, Timer::stable, v.tracker.reset_after());
  if (!v.spec->post_start->empty()) out_.push_back(RunPostStart{id});
}

// Goal up for `id` and everything it depends on; terminal states start over.
void Engine::request_start(Id first) {
  if (shutting_down()) return;
  std::vector<Id> stack{first};
  while (!stack.empty()) {
    Id id = stack.back();
    stack.pop_back();
    Svc& v = s(id);
    if (v.view.goal == Goal::up && !is_down(v.view.state) && v.view.state != State::blocked) continue;
    if (id != first && v.view.state == State::completed) {
      // A finished oneshot (a migration) still counts: starting what needs
      // it does not run it again. Naming it on its own does.
      set_goal(v, Goal::up);
      continue;
    }
    set_goal(v, Goal::up);
    if (!v.alive && v.view.state != State::backoff) {
      // Asked for by hand: a fresh start, as `systemctl reset-failed` + start gives.
      if (v.view.state == State::failed || v.view.state == State::blocked) fresh_tracker(id);
      set_state(id, State::waiting);
    }
    for (size_t d : g_.dependencies(id)) stack.push_back(g_.edges()[d].dependency);
  }
}

void Engine::request_stop(Id id) {
  Svc& v = s(id);
  set_goal(v, Goal::down);
  if (v.alive) {
    if (v.view.state != State::stopping) begin_stop(id, State::stopped);
  } else if (!is_down(v.view.state)) {
    ++v.token;
    set_state(id, State::stopped);
  }
}

// A closed breaker and no failures; max_attempts counts from here (view.attempts keeps the total).
void Engine::fresh_tracker(Id id) {
  Svc& v = s(id);
  v.tracker = RestartTracker(v.spec->restart, v.spec->circuit_breaker, seed_ + static_cast<uint64_t>(id));
  v.attempts_before_reset = v.view.attempts;
  v.view.breaker = v.tracker.breaker();
}

// Announced at the end of the turn (update_phase), after the stops it causes.
void Engine::shutdown(bool emergency) {
  if (phase_ != Phase::failed) phase_ = Phase::stopping;
  for (size_t i = 0; i < svc_.size(); ++i) {
    Id id = static_cast<Id>(i);
    Svc& v = svc_[i];
    set_goal(v, Goal::down);
    if (emergency && v.alive) {
      ++v.token;
      v.view.after_stop = State::stopped;
      if (v.view.state != State::stopping) set_state(id, State::stopping, "emergency stop");
      out_.push_back(Signal{id, SIGKILL});
    }
    enqueue(id);
  }
}

void Engine::set_state(Id id, State st, std::string message) {
  Svc& v = s(id);
  State from = v.view.state;
  if (from == st && message.empty()) return;
  count(v, -1);
  v.view.state = st;
  count(v, +1);
  v.view.ready = st == State::ready;
  // A service holds a max_parallel_starts slot exactly while it is starting.
  if (from == State::starting) --starting_count_;
  if (st == State::starting) ++starting_count_;
  if (st == State::waiting && !v.view.waiting_at) v.view.waiting_at = now_;
  if (st == State::failed || st == State::completed || st == State::skipped) v.view.ended_at = now_;
  if (message.empty() && (st == State::failed || st == State::backoff || st == State::blocked))
    message = v.view.error;
  check_stack_end(id, from, st, message);
  out_.push_back(Notice{id, from, st, std::move(message)});
  if (from == State::starting && cfg_.max_parallel_starts > 0) {
    // A slot may have freed: offer it to the waiting services, most important first, and
    // before the neighbours below, so a low dependent this change unblocks does not take it.
    std::vector<Id> waiting;
    for (size_t i = 0; i < svc_.size(); ++i)
      if (svc_[i].view.state == State::waiting) waiting.push_back(static_cast<Id>(i));
    std::stable_sort(waiting.begin(), waiting.end(),
                     [&](Id a, Id b) { return s(a).spec->priority < s(b).spec->priority; });
    for (Id w : waiting) enqueue(w);
  }
  enqueue(id);
  enqueue_neighbours(id);
  // The last removed service is down: what the reload holds may start (its port is free).
  if (v.view.retired && is_down(st) && !v.alive && !removal_pending())
    for (size_t i = 0; i < svc_.size(); ++i)
      if (svc_[i].held) {
        svc_[i].held = false;
        enqueue(static_cast<Id>(i));
      }
}

void Engine::begin_stop(Id id, State after, bool kill_now) {
  Svc& v = s(id);
  v.view.after_stop = after;
  if (!v.alive) {
    set_state(id, after);
    return;
  }
  out_.push_back(RunProbes{id, ProbeSet::none});
  if (kill_now) {
    set_state(id, State::stopping);
    out_.push_back(Signal{id, SIGKILL});
    ++v.token;
    return;
  }
  set_state(id, State::stopping);
  out_.push_back(Signal{id, v.spec->stop_signal, static_cast<bool>(v.spec->stop_command),
                        v.spec->kill_mode == config::KillMode::main});
  arm(id, Timer::grace, v.spec->stop_grace_period);
}

void Engine::arm(Id id, Timer t, Millis after) {
  Svc& v = s(id);
  out_.push_back(ArmTimer{id, t, after, ++v.token});
}

void Engine::announce(Phase p) {
  phase_ = p;
  if (announced_ == p) return;
  announced_ = p;
  out_.push_back(PhaseChanged{p});
}

void Engine::update_phase() {
  Phase next = phase_;
  if (shutting_down()) {
    // FAILED (or STOPPING) until the last process is gone.
    if (all_down()) next = Phase::stopped;
  } else {
    assert(tally_ == recount());
    bool settled = tally_.unsettled == 0, degraded = tally_.given_up > 0;
    if (startup_over() || settled) next = degraded ? Phase::degraded : Phase::ready;
    if (settled && !removal_pending()) reloading_ = false;
  }
  announce(next);
}

bool Engine::all_down() const {
  assert(tally_ == recount());
  return tally_.alive == 0;
}

void Engine::set_goal(Svc& v, Goal goal) {
  count(v, -1);
  v.view.goal = goal;
  count(v, +1);
}

void Engine::set_alive(Svc& v, bool alive) {
  count(v, -1);
  v.alive = alive;
  count(v, +1);
}

// What one service adds to the tally.
Engine::Tally Engine::share(const Svc& v) {
  bool up = v.view.goal == Goal::up;
  State st = v.view.state;
  bool on_its_way = st == State::pending || st == State::waiting || st == State::starting ||
                    st == State::backoff || st == State::stopping;
  return {up && on_its_way, up && is_given_up(st), v.alive};
}

// Taken away (sign -1) before a service changes, added back (+1) after.
void Engine::count(const Svc& v, int sign) {
  Tally one = share(v);
  tally_.unsettled += sign * one.unsettled;
  tally_.given_up += sign * one.given_up;
  tally_.alive += sign * one.alive;
}

Engine::Tally Engine::recount() const {
  Tally all;
  for (const auto& v : svc_) {
    Tally one = share(v);
    all.unsettled += one.unsettled;
    all.given_up += one.given_up;
    all.alive += one.alive;
  }
  return all;
}

bool Engine::finished() const {
  if (!all_down()) return false;
  return std::none_of(svc_.begin(), svc_.end(), [](const Svc& v) {
    if (v.view.goal != Goal::up) return false;
    switch (v.view.state) {
      case State::pending:
      case State::waiting:
      case State::backoff:
      case State::blocked:
      case State::starting:
      case State::stopping:
        return true;  // on its way somewhere: a timer or an exit is due
      default:
        return false;
    }
  });
}

std::vector<Id> Engine::running() const {
  std::vector<Id> out;
  for (size_t i = 0; i < svc_.size(); ++i)
    if (svc_[i].alive) out.push_back(static_cast<Id>(i));
  return out;
}

Snapshot Engine::snapshot() const {
  Snapshot snap{reloading_ && !shutting_down() ? Phase::starting : phase_, {}};
  snap.services.reserve(svc_.size());
  for (const auto& v : svc_) snap.services.push_back(v.view);
  return snap;
}

}  // namespace lineup::engine
