// What a failed attempt or an exit leads to: the RestartTracker's verdict
// (backoff, breaker, give up), a critical service failing the startup, the
// dependents a restart takes down with it (cascade), and how an exit reads.
#include "engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

namespace lineup::engine {

void Engine::attempt_failed(Id id, std::string reason) {
  Svc& v = s(id);
  v.view.error = reason;
  auto d = v.tracker.on_failure(now_, v.view.attempts - v.attempts_before_reset);
  State target = d.verdict == RestartTracker::Verdict::retry          ? State::backoff
                 : d.verdict == RestartTracker::Verdict::breaker_open ? State::blocked
                                                                      : State::failed;
  // A critical service whose breaker opens during startup has failed: the startup fails with it,
  // so no half-open trial will follow.
  if (target == State::blocked && !startup_over() && v.spec->priority == config::Priority::critical)
    target = State::failed;
  if (v.view.goal == Goal::down) target = State::stopped;
  count_restarts(v);
  v.view.breaker = v.tracker.breaker();
  if (v.alive) {
    begin_stop(id, target, /*kill_now=*/true);
    v.after_stop_delay = d.delay;
  } else {
    set_state(id, target);
    if (target == State::backoff) arm(id, Timer::backoff, d.delay);
    if (target == State::blocked) arm(id, Timer::cooldown, d.delay);
  }
  if (target == State::failed || target == State::blocked) fail_startup_if_critical(id);
}

// `stop_stack_on`: the end (any end that is not followed by a restart: it
// completed, exited and is not restarted, or failed), a failure, a skip.
// The stack stops at the end of the turn (handle()).
void Engine::check_stack_end(Id id, State from, State to, const std::string& why) {
  const Svc& v = s(id);
  if (v.spec->stop_stack_on->empty() || stack_end_ || shutting_down() || v.view.goal != Goal::up) return;
  auto wants = [&](config::StackStop w) {
    return std::find(v.spec->stop_stack_on->begin(), v.spec->stop_stack_on->end(), w) !=
           v.spec->stop_stack_on->end();
  };
  bool ended =
      to == State::completed || to == State::failed || (to == State::stopped && from != State::stopping);
  const char* what = nullptr;
  if (to == State::failed && wants(config::StackStop::failure))
    what = "failed";
  else if (ended && wants(config::StackStop::end))
    what = "ended";
  else if (to == State::skipped && wants(config::StackStop::skipped))
    what = "was skipped";
  if (!what) return;
  int code = to == State::skipped ? 1 : v.last_exit;
  if (to == State::failed && code == 0) code = 1;  // failed with no exit code of its own (a probe, a spawn)
  stack_end_ = StackEnd{id, code,
                        fmt::format("{} {}{} (stop_stack_on): stopping the stack", v.view.name, what,
                                    why.empty() ? "" : " (" + why + ")")};
}

// During startup a critical service that is given up fails the whole stack.
void Engine::fail_startup_if_critical(Id id) {
  if (startup_over() || s(id).spec->priority != config::Priority::critical) return;
  announce(Phase::failed);
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
  if (v.spec->type == config::ServiceType::forking)
    return how + (v.launched ? " before it was ready" : ": its launch failed");
  return fmt::format("{} after {:.2f}s, before min_uptime ({})", how,
                     std::chrono::duration<double>(now_ - *v.view.spawned_at).count(),
                     format_duration(v.spec->min_uptime));
}

void Engine::count_restarts(Svc& v) {
  v.view.restarts = v.tracker.restarts() + v.extra_restarts;
}

// A stopped service's group drains under the stop signal (and the grace
// period's SIGKILL); any other exit takes what its group left with it.
void Engine::exited(const Exited& e) {
  Id id = e.id;
  Svc& v = s(id);
  if (!v.alive || v.main_exit) return;
  v.view.pid = 0;
  int code = e.code, signal = e.signal;
  bool success = !e.daemon_gone && v.spec->succeeded(code, signal);
  bool running = v.view.state == State::starting || v.view.state == State::ready;
  if (v.spec->type == config::ServiceType::forking && !v.launched && success && running) {
    // The launcher is done; its daemon is the service from now on. What the
    // launch left runs on, and the daemon's end (GroupEmpty: its group and
    // cgroup are empty) is the service's exit. Where nothing of it can be
    // followed, the loop reports GroupEmpty once a stop has run.
    v.launched = true;
    v.main_exit = e;
    v.main_exit->group_left = false;
    v.main_exit->daemon_gone = true;
    if (v.view.state == State::starting && v.spec->ready.empty()) became_ready(id);
    return;
  }
  if (e.group_left) {
    if (v.view.state == State::stopping) {
      v.main_exit = e;
      // kill_mode main: the main process had the stop signal alone; now what it left gets it.
      if (v.spec->kill_mode == config::KillMode::main) out_.push_back(Signal{id, v.spec->stop_signal});
      return;
    }
    out_.push_back(Signal{id, SIGKILL});
  }
  v.last_exit = e.daemon_gone ? (v.view.state == State::stopping ? 0 : 1) : signal ? 128 + signal : code;
  set_alive(v, false);
  out_.push_back(RunProbes{id, ProbeSet::none});
  std::string how = e.daemon_gone ? "its daemon exited"
                    : e.oom && v.spec->limits->memory
                        ? fmt::format("killed by the OOM killer (memory limit {})",
                                      config::format_bytes(*v.spec->limits->memory))
                    : e.oom  ? "killed by the OOM killer"
                    : signal ? fmt::format("killed by signal {}", signal)
                             : fmt::format("exited with code {}", code);

  switch (v.view.state) {
    case State::stopping: {
      State target = v.view.after_stop;
      if (target == State::waiting && v.view.goal == Goal::down) target = State::stopped;
      if (target == State::stopped && v.view.goal == Goal::up)
        target = State::waiting;  // started again while stopping
      set_state(id, target, target == State::stopped ? how : "");
      if (target == State::backoff) arm(id, Timer::backoff, v.after_stop_delay);
      if (target == State::blocked) arm(id, Timer::cooldown, v.after_stop_delay);
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

void Engine::group_empty(Id id) {
  Svc& v = s(id);
  if (!v.main_exit) return;  // nothing waited for it (its leftovers were killed at the exit)
  Exited e = *v.main_exit;
  v.main_exit.reset();
  e.group_left = false;
  exited(e);
}

}  // namespace lineup::engine
