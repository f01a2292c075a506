#include "engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

namespace lineup::engine {

std::string_view name_of(State s) {
  switch (s) {
    case State::pending:
      return "pending";
    case State::waiting:
      return "waiting";
    case State::starting:
      return "starting";
    case State::ready:
      return "ready";
    case State::completed:
      return "completed";
    case State::backoff:
      return "backoff";
    case State::blocked:
      return "blocked";
    case State::stopping:
      return "stopping";
    case State::stopped:
      return "stopped";
    case State::failed:
      return "failed";
    case State::skipped:
      return "skipped";
  }
  return "?";
}

std::string_view name_of(Phase p) {
  switch (p) {
    case Phase::starting:
      return "STARTING";
    case Phase::ready:
      return "READY";
    case Phase::degraded:
      return "DEGRADED";
    case Phase::failed:
      return "FAILED";
    case Phase::stopping:
      return "STOPPING";
    case Phase::stopped:
      return "STOPPED";
  }
  return "?";
}

int exit_code_of(Phase p) {
  return p == Phase::ready ? 0 : p == Phase::degraded ? 3 : 1;
}

State outcome_of(const ServiceView& v) {
  bool failing = v.after_stop == State::failed || v.after_stop == State::blocked;
  return v.state == State::stopping && failing ? v.after_stop : v.state;
}

namespace {
bool is_down(State s) {
  return s == State::stopped || s == State::failed || s == State::skipped || s == State::completed;
}
bool is_given_up(State s) {
  return s == State::failed || s == State::skipped || s == State::blocked;
}
}  // namespace

Engine::Engine(const config::Config& cfg, const graph::Graph& g, uint64_t seed)
    : cfg_(cfg), g_(g), seed_(seed) {
  svc_.reserve(cfg.services.size());
  for (size_t i = 0; i < cfg.services.size(); ++i) {
    const auto& spec = cfg.services[i];
    ServiceView v;
    v.name = spec.name;
    v.state = State::stopped;
    v.goal = Goal::down;
    v.priority = spec.priority;
    svc_.push_back({std::move(v), &spec, RestartTracker(spec.restart, spec.circuit_breaker, seed + i)});
  }
  queued_.assign(svc_.size(), false);
  pending_delay_.assign(svc_.size(), Millis(0));
  // chain_[id]: the longest chain of dependents behind `id`, `id` included,
  // each weighing its expected_startup plus 1 ms (so unknown durations count by length).
  chain_.assign(svc_.size(), 0);
  auto order = graph::levels(g).order;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    auto i = static_cast<size_t>(*it);
    long long behind = 0;
    for (size_t e : g.dependents(*it))
      behind = std::max(behind, chain_[static_cast<size_t>(g.edges()[e].dependent)]);
    chain_[i] = behind + 1 + cfg.services[i].expected_startup.value_or(Millis(0)).count();
  }
}

std::vector<Action> Engine::start(TimePoint now, const std::vector<Id>& targets) {
  now_ = now;
  std::vector<bool> want(svc_.size(), targets.empty());
  // Everything the targets depend on, transitively.
  std::vector<Id> stack(targets.begin(), targets.end());
  while (!stack.empty()) {
    Id id = stack.back();
    stack.pop_back();
    if (want[static_cast<size_t>(id)] && !targets.empty() &&
        std::find(targets.begin(), targets.end(), id) == targets.end())
      continue;
    want[static_cast<size_t>(id)] = true;
    for (size_t e : g_.dependencies(id)) {
      Id d = g_.edges()[e].dependency;
      if (!want[static_cast<size_t>(d)]) stack.push_back(d);
    }
  }
  // Priority order first, so that with max_parallel_starts critical services take the slots.
  std::vector<Id> order;
  for (size_t i = 0; i < svc_.size(); ++i)
    if (want[i]) order.push_back(static_cast<Id>(i));
  std::stable_sort(order.begin(), order.end(), [&](Id a, Id b) { return starts_before(a, b); });
  for (Id id : order) {
    s(id).view.goal = Goal::up;
    s(id).view.state = State::pending;
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
          v.alive = false;
          v.view.pid = 0;
          if (v.counted_running) {
            v.counted_running = false;
            --starting_count_;
          }
          if (v.view.state == State::starting)
            attempt_failed(e.id, e.error);
          else if (v.view.state == State::stopping)
            set_state(e.id, v.view.after_stop);
        } else if constexpr (std::is_same_v<E, Exited>) {
          exited(e.id, e.code, e.signal);
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
          Svc& v = s(e.id);
          v.view.goal = Goal::down;
          if (v.alive) {
            if (v.view.state != State::stopping) begin_stop(e.id, State::stopped);
          } else if (!is_down(v.view.state)) {
            ++v.token;
            set_state(e.id, State::stopped);
          }
        } else if constexpr (std::is_same_v<E, RestartRequested>) {
          Svc& v = s(e.id);
          if (shutting_down_) return;
          v.view.goal = Goal::up;
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
          if (!startup_done_) {
            for (auto& v : svc_)
              if (v.view.goal == Goal::up && !is_down(v.view.state) && v.view.state != State::ready)
                if (v.view.error.empty())
                  v.view.error = "not ready when the startup deadline (up --timeout) expired";
            phase_ = Phase::failed;
            out_.push_back(PhaseChanged{phase_});
            startup_done_ = true;
            shutdown(false);
          }
        }
      },
      ev);
  settle();
  update_phase();
  return std::move(out_);
}

void Engine::became_ready(Id id) {
  Svc& v = s(id);
  if (v.view.state != State::starting) return;
  if (v.counted_running) {
    v.counted_running = false;
    --starting_count_;
  }
  v.view.ready_at = now_;
  v.view.error.clear();
  v.tracker.on_ready();
  v.view.breaker = v.tracker.breaker();
  set_state(id, State::ready);
  out_.push_back(RunProbes{id, v.spec->live.empty() ? ProbeSet::none : ProbeSet::live});
  arm(id, Timer::stable, v.tracker.reset_after());
}

// Goal up for `id` and everything it depends on; terminal states start over.
void Engine::request_start(Id first) {
  if (shutting_down_) return;
  std::vector<Id> stack{first};
  while (!stack.empty()) {
    Id id = stack.back();
    stack.pop_back();
    Svc& v = s(id);
    if (v.view.goal == Goal::up && !is_down(v.view.state) && v.view.state != State::blocked) continue;
    if (id != first && v.view.state == State::completed) {
      // A finished oneshot (a migration) still counts: starting what needs
      // it does not run it again. Naming it on its own does.
      v.view.goal = Goal::up;
      continue;
    }
    v.view.goal = Goal::up;
    if (!v.alive && v.view.state != State::backoff) {
      if (v.view.state == State::failed || v.view.state == State::blocked) {
        // Asked for by hand: a fresh start, as `systemctl reset-failed` + start
        // gives; max_attempts counts from here.
        v.tracker =
            RestartTracker(v.spec->restart, v.spec->circuit_breaker, seed_ + static_cast<uint64_t>(id));
        v.attempts_before_reset = v.view.attempts;
        v.view.breaker = v.tracker.breaker();
      }
      set_state(id, State::waiting);
    }
    for (size_t d : g_.dependencies(id)) stack.push_back(g_.edges()[d].dependency);
  }
}

void Engine::shutdown(bool emergency) {
  shutting_down_ = true;
  for (size_t i = 0; i < svc_.size(); ++i) {
    Id id = static_cast<Id>(i);
    Svc& v = svc_[i];
    v.view.goal = Goal::down;
    if (emergency && v.alive) {
      ++v.token;
      v.view.after_stop = State::stopped;
      if (v.view.state != State::stopping) set_state(id, State::stopping, "emergency stop");
      out_.push_back(Signal{id, SIGKILL});
    }
    enqueue(id);
  }
}

void Engine::enqueue(Id id) {
  auto i = static_cast<size_t>(id);
  if (queued_[i]) return;
  queued_[i] = true;
  queue_.push_back(id);
}

// Services that may start at the same moment are spawned one after the
// other, each spawn taking a fraction of a millisecond: the most important
// go first, and among equals the one with the longest chain still behind it,
// so the critical path never waits for its siblings.
bool Engine::starts_before(Id a, Id b) const {
  auto pa = s(a).spec->priority, pb = s(b).spec->priority;
  if (pa != pb) return pa < pb;
  return chain_[static_cast<size_t>(a)] > chain_[static_cast<size_t>(b)];
}

void Engine::enqueue_neighbours(Id id) {
  const auto& out = g_.dependents(id);
  if (out.size() > 1) {
    std::vector<Id> dependents;
    dependents.reserve(out.size());
    for (size_t e : out) dependents.push_back(g_.edges()[e].dependent);
    std::stable_sort(dependents.begin(), dependents.end(), [&](Id a, Id b) { return starts_before(a, b); });
    for (Id d : dependents) enqueue(d);
  } else {
    for (size_t e : out) enqueue(g_.edges()[e].dependent);
  }
  for (size_t e : g_.dependencies(id)) enqueue(g_.edges()[e].dependency);
}

void Engine::settle() {
  for (size_t head = 0; head < queue_.size(); ++head) {
    Id id = queue_[head];
    queued_[static_cast<size_t>(id)] = false;
    step(id);
  }
  queue_.clear();
}

void Engine::set_state(Id id, State st, std::string message) {
  Svc& v = s(id);
  State from = v.view.state;
  if (from == st && message.empty()) return;
  v.view.state = st;
  v.view.ready = st == State::ready;
  if (st == State::waiting && !v.view.waiting_at) v.view.waiting_at = now_;
  if (st == State::failed || st == State::completed || st == State::skipped) v.view.ended_at = now_;
  if (message.empty() && (st == State::failed || st == State::backoff || st == State::blocked))
    message = v.view.error;
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
}

bool Engine::deps_met(Id id, bool& skip, std::string& why) const {
  skip = false;
  for (size_t e : g_.dependencies(id)) {
    const auto& edge = g_.edges()[e];
    const Svc& d = s(edge.dependency);
    State st = d.view.state;
    if (is_given_up(st)) {
      if (edge.required) {
        skip = true;
        why = fmt::format("required dependency \"{}\" is {}", d.view.name, name_of(st));
        return false;
      }
      continue;
    }
    bool oneshot_done = st == State::completed;
    bool ok = false;
    switch (edge.condition) {
      case config::Condition::started:
        ok = st == State::starting || st == State::ready || oneshot_done;
        break;
      case config::Condition::ready:
        ok = st == State::ready || oneshot_done;
        break;
      case config::Condition::completed:
        ok = oneshot_done;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

// Transitively: a completed oneshot between two services (db <- migrate <-
// api) must not let db stop while api still runs.
bool Engine::dependents_down(Id id) const {
  std::vector<Id> stack{id};
  std::vector<bool> seen(svc_.size(), false);
  while (!stack.empty()) {
    Id x = stack.back();
    stack.pop_back();
    for (size_t e : g_.dependents(x)) {
      Id d = g_.edges()[e].dependent;
      if (seen[static_cast<size_t>(d)]) continue;
      seen[static_cast<size_t>(d)] = true;
      if (s(d).alive) return false;
      stack.push_back(d);
    }
  }
  return true;
}

void Engine::try_start(Id id) {
  Svc& v = s(id);
  if (cfg_.max_parallel_starts > 0 && starting_count_ >= cfg_.max_parallel_starts) {
    set_state(id, State::waiting);
    return;
  }
  ++v.view.attempts;
  v.alive = true;
  v.counted_running = true;
  ++starting_count_;
  v.view.spawned_at = now_;
  v.view.ready_at.reset();
  v.view.status.clear();
  v.layer.clear();
  set_state(id, State::starting, v.view.attempts > 1 ? fmt::format("attempt {}", v.view.attempts) : "");
  out_.push_back(Spawn{id, v.view.attempts});
  arm(id, Timer::startup, v.spec->startup_timeout);
}

void Engine::step(Id id) {
  Svc& v = s(id);
  State st = v.view.state;
  if (v.view.goal == Goal::up) {
    if (st != State::pending && st != State::waiting) return;
    bool skip = false;
    std::string why;
    if (deps_met(id, skip, why)) {
      try_start(id);
    } else if (skip) {
      v.view.error = why;
      set_state(id, State::skipped, why);
    } else {
      set_state(id, State::waiting);
    }
    return;
  }
  // goal down
  switch (st) {
    case State::pending:
    case State::waiting:
    case State::backoff:
    case State::blocked:
      ++v.token;
      set_state(id, State::stopped);
      break;
    case State::starting:
    case State::ready:
      if (!shutting_down_ || dependents_down(id)) begin_stop(id, State::stopped);
      break;
    default:
      // Not running (a completed oneshot, a failed service): pass the turn on
      // to what it depends on, which may be waiting for the services above it.
      if (shutting_down_ && !v.alive)
        for (size_t e : g_.dependencies(id)) enqueue(g_.edges()[e].dependency);
      break;
  }
}

void Engine::begin_stop(Id id, State after, bool kill_now) {
  Svc& v = s(id);
  v.view.after_stop = after;
  if (!v.alive) {
    set_state(id, after);
    return;
  }
  if (v.counted_running) {
    v.counted_running = false;
    --starting_count_;
  }
  out_.push_back(RunProbes{id, ProbeSet::none});
  if (kill_now) {
    set_state(id, State::stopping);
    out_.push_back(Signal{id, SIGKILL});
    ++v.token;
    return;
  }
  set_state(id, State::stopping);
  out_.push_back(Signal{id, v.spec->stop_signal, v.spec->stop_command.has_value()});
  arm(id, Timer::grace, v.spec->stop_grace_period);
}

void Engine::arm(Id id, Timer t, Millis after) {
  Svc& v = s(id);
  out_.push_back(ArmTimer{id, t, after, ++v.token});
}

void Engine::attempt_failed(Id id, std::string reason) {
  Svc& v = s(id);
  v.view.error = reason;
  auto d = v.tracker.on_failure(now_, v.view.attempts - v.attempts_before_reset);
  State target = d.verdict == RestartTracker::Verdict::retry          ? State::backoff
                 : d.verdict == RestartTracker::Verdict::breaker_open ? State::blocked
                                                                      : State::failed;
  // A critical service whose breaker opens during startup has failed: the startup fails with it,
  // so no half-open trial will follow.
  if (target == State::blocked && !startup_done_ && !shutting_down_ &&
      v.spec->priority == config::Priority::critical)
    target = State::failed;
  if (v.view.goal == Goal::down) target = State::stopped;
  count_restarts(v);
  v.view.breaker = v.tracker.breaker();
  if (v.alive) {
    begin_stop(id, target, /*kill_now=*/true);
    pending_delay_[static_cast<size_t>(id)] = d.delay;
  } else {
    if (v.counted_running) {
      v.counted_running = false;
      --starting_count_;
    }
    set_state(id, target);
    if (target == State::backoff) arm(id, Timer::backoff, d.delay);
    if (target == State::blocked) arm(id, Timer::cooldown, d.delay);
  }
  if (target == State::failed || target == State::blocked) fail_startup_if_critical(id);
}

// During startup a critical service that is given up fails the whole stack.
void Engine::fail_startup_if_critical(Id id) {
  if (startup_done_ || shutting_down_ || s(id).spec->priority != config::Priority::critical) return;
  startup_done_ = true;
  phase_ = Phase::failed;
  out_.push_back(PhaseChanged{phase_});
  shutdown(false);
}

// Dependents that asked for it (depends_on restart: true) are stopped when
// `id` leaves READY, and start again once it is ready again.
void Engine::cascade(Id id) {
  for (size_t e : g_.dependents(id)) {
    const auto& edge = g_.edges()[e];
    Svc& d = s(edge.dependent);
    if (edge.restart && d.alive && d.view.goal == Goal::up && d.view.state != State::stopping) {
      ++d.extra_restarts;
      count_restarts(d);
      begin_stop(edge.dependent, State::waiting);
    }
  }
}

// Why an exit while starting failed the attempt: for a service without
// probes, that it did not stay up for min_uptime.
std::string Engine::before_ready(const Svc& v, const std::string& how) const {
  if (!v.spec->ready.empty() || !v.view.spawned_at) return how + " before it was ready";
  return fmt::format("{} after {:.2f}s, before min_uptime ({})", how,
                     std::chrono::duration<double>(now_ - *v.view.spawned_at).count(),
                     format_duration(v.spec->min_uptime));
}

void Engine::count_restarts(Svc& v) {
  v.view.restarts = v.tracker.restarts() + v.extra_restarts;
}

void Engine::exited(Id id, int code, int signal) {
  Svc& v = s(id);
  if (!v.alive) return;
  v.alive = false;
  v.view.pid = 0;
  if (v.counted_running) {
    v.counted_running = false;
    --starting_count_;
  }
  out_.push_back(RunProbes{id, ProbeSet::none});
  bool success =
      signal == 0 && std::find(v.spec->success_exit_codes.begin(), v.spec->success_exit_codes.end(), code) !=
                         v.spec->success_exit_codes.end();
  std::string how =
      signal ? fmt::format("killed by signal {}", signal) : fmt::format("exited with code {}", code);

  switch (v.view.state) {
    case State::stopping: {
      State target = v.view.after_stop;
      if (target == State::waiting && v.view.goal == Goal::down) target = State::stopped;
      if (target == State::stopped && v.view.goal == Goal::up)
        target = State::waiting;  // started again while stopping
      set_state(id, target, target == State::stopped ? how : "");
      if (target == State::backoff) arm(id, Timer::backoff, pending_delay_[static_cast<size_t>(id)]);
      if (target == State::blocked) arm(id, Timer::cooldown, pending_delay_[static_cast<size_t>(id)]);
      if (target == State::stopped || target == State::failed) v.view.ended_at = now_;
      break;
    }
    case State::starting:
      if (v.spec->type == config::ServiceType::oneshot && success) {
        ++v.token;
        v.tracker.on_ready();
        set_state(id, State::completed, how);
      } else {
        attempt_failed(id, v.spec->type == config::ServiceType::oneshot ? how : before_ready(v, how));
      }
      break;
    case State::ready:
      cascade(id);
      if (v.spec->type == config::ServiceType::oneshot && success) {
        // A oneshot with readiness probes: ready first, then done.
        ++v.token;
        set_state(id, State::completed, how);
      } else if (v.view.goal == Goal::up && v.tracker.restarts_after_exit(success)) {
        attempt_failed(id, how);
      } else if (success) {
        ++v.token;
        v.view.error.clear();
        set_state(id, State::stopped, how);
      } else {
        ++v.token;
        v.view.error = how;
        set_state(id, State::failed, how);
        fail_startup_if_critical(id);
      }
      break;
    default:
      break;
  }
}

void Engine::update_phase() {
  Phase next = phase_;
  if (shutting_down_) {
    bool any_alive = std::any_of(svc_.begin(), svc_.end(), [](const Svc& v) { return v.alive; });
    if (phase_ != Phase::failed || !any_alive) next = any_alive ? Phase::stopping : Phase::stopped;
    if (phase_ == Phase::failed && any_alive) next = Phase::failed;
  } else {
    bool settled = true, degraded = false;
    for (const auto& v : svc_) {
      if (v.view.goal != Goal::up) continue;
      State st = v.view.state;
      if (st == State::pending || st == State::waiting || st == State::starting || st == State::backoff ||
          st == State::stopping)
        settled = false;
      if (is_given_up(st)) degraded = true;
    }
    if (!startup_done_ && settled) startup_done_ = true;
    if (startup_done_ && phase_ != Phase::failed) next = degraded ? Phase::degraded : Phase::ready;
  }
  if (next != phase_) {
    phase_ = next;
    out_.push_back(PhaseChanged{phase_});
  }
}

bool Engine::all_down() const {
  return std::none_of(svc_.begin(), svc_.end(), [](const Svc& v) { return v.alive; });
}

std::vector<Id> Engine::running() const {
  std::vector<Id> out;
  for (size_t i = 0; i < svc_.size(); ++i)
    if (svc_[i].alive) out.push_back(static_cast<Id>(i));
  return out;
}

Snapshot Engine::snapshot() const {
  Snapshot snap{phase_, {}};
  snap.services.reserve(svc_.size());
  for (const auto& v : svc_) snap.services.push_back(v.view);
  return snap;
}

}  // namespace lineup::engine
