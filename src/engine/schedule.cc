// The scheduler: settle() moves each service whose goal or dependencies
// changed one step toward its goal, from a work queue, until nothing
// changes. Which service may start (dependency conditions, the
// max_parallel_starts slots in priority order) and which may stop (no
// dependent still alive) is decided here.
#include "engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

namespace lineup::engine {

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

bool Engine::deps_met(Id id, bool& skip, std::string& why) const {
  skip = false;
  if (s(id).held && removal_pending()) return false;  // a port it needs may still be held
  for (size_t e : g_.dependencies(id)) {
    const auto& edge = g_.edges()[e];
    const Svc& d = s(edge.dependency);
    State st = d.view.state;
    // Waiting for it to end: a failure is an end too (one that is not retried).
    if (edge.condition == config::Condition::exited && (st == State::completed || st == State::failed))
      continue;
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
      case config::Condition::exited:
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
  set_alive(v, true);
  v.launched = false;
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
      // In a shutdown, and for a service a reload removed, what depends on it stops first.
      if ((!shutting_down() && !v.view.retired) || dependents_down(id)) begin_stop(id, State::stopped);
      break;
    default:
      // Not running (a completed oneshot, a failed service): pass the turn on
      // to what it depends on, which may be waiting for the services above it.
      if (shutting_down() && !v.alive)
        for (size_t e : g_.dependencies(id)) enqueue(g_.edges()[e].dependency);
      break;
  }
}

}  // namespace lineup::engine
