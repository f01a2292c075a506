// plan_reload (what a changed file means for the running stack) and
// Engine::reload (carrying it out), as engine/reload.h describes.
#include "engine/reload.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "config/changes.h"
#include "config/replicas.h"
#include "util/names.h"

namespace lineup::engine {

namespace {
constexpr Named<Change> kChangeNames[] = {{Change::start, "start"},
                                          {Change::restart, "restart"},
                                          {Change::stop, "stop"},
                                          {Change::apply, "apply"},
                                          {Change::keep, "keep"}};
}  // namespace

std::string_view name_of(Change c) {
  return name_in(kChangeNames, c);
}

std::string describe(const ServiceChange& c) {
  return fmt::format("{}: {} ({})", c.service, name_of(c.change), c.reason);
}

namespace {

// Why a service that is not running is started by `up`, or "" if it is running (or done).
std::string not_running(const ServiceView& v) {
  switch (v.state) {
    case State::stopped:
      return v.goal == Goal::down || v.attempts == 0 ? "not running" : "";
    case State::failed:
    case State::skipped:
    case State::blocked:
      return fmt::format("was {}", name_of(v.state));
    default:
      return "";
  }
}

bool named(const ReloadOptions& o, const std::string& name) {
  return std::find(o.services.begin(), o.services.end(), name) != o.services.end();
}

// Dependents with `restart: true` of a service that restarts follow it (the
// engine's cascade does it; the plan only says so), transitively.
void add_cascades(ReloadPlan& plan, const Snapshot& running) {
  std::vector<bool> acted(plan.applied.services.size(), false);
  std::vector<Id> restarting;
  for (const auto& c : plan.changes) {
    acted[static_cast<size_t>(c.id)] = true;
    if (c.change == Change::restart) restarting.push_back(c.id);
  }
  while (!restarting.empty()) {
    Id id = restarting.back();
    restarting.pop_back();
    for (size_t e : plan.graph.dependents(id)) {
      const auto& edge = plan.graph.edges()[e];
      auto d = static_cast<size_t>(edge.dependent);
      if (!edge.restart || acted[d] || d >= running.services.size()) continue;
      State st = running.services[d].state;
      if (st != State::starting && st != State::ready) continue;
      acted[d] = true;
      plan.changes.push_back({edge.dependent, plan.applied.services[d].name, Change::restart,
                              fmt::format("{} restarts (depends_on restart: true)",
                                          plan.applied.services[static_cast<size_t>(id)].name)});
      restarting.push_back(edge.dependent);
    }
  }
  std::stable_sort(plan.changes.begin(), plan.changes.end(),
                   [](const ServiceChange& a, const ServiceChange& b) { return a.id < b.id; });
}

}  // namespace

ReloadPlan plan_reload(const config::Config& applied, const Snapshot& running, const config::Config& fresh,
                       const graph::Graph& fresh_graph, const ReloadOptions& o) {
  ReloadPlan plan;
  plan.applied = fresh;  // the stack-wide settings are the file's
  plan.applied.services.clear();
  plan.applied.services.reserve(applied.services.size() + fresh.services.size());
  auto diffs = config::diff_services(applied, fresh);

  std::vector<Id> targets;
  for (const auto& name : o.services)
    for (size_t i : config::services_named(fresh, name)) targets.push_back(static_cast<Id>(i));
  std::vector<bool> wanted = graph::with_dependencies(fresh_graph, targets);
  bool whole_file = o.services.empty();
  std::unordered_map<std::string_view, size_t> fresh_index;
  for (size_t i = 0; i < fresh.services.size(); ++i) fresh_index.emplace(fresh.services[i].name, i);
  std::vector<bool> placed(fresh.services.size(), false);

  auto act = [&](Change c, std::string reason) {
    Id id = static_cast<Id>(plan.applied.services.size() - 1);
    plan.changes.push_back({id, plan.applied.services.back().name, c, std::move(reason)});
  };
  for (size_t i = 0; i < applied.services.size(); ++i) {
    const auto& old = applied.services[i];
    const ServiceView& v = running.services[i];
    auto f = fresh_index.find(old.name);
    if (f == fresh_index.end()) {
      plan.applied.services.push_back(old);
      if (!v.retired && whole_file) {
        bool inactive = std::find(fresh.inactive_services.begin(), fresh.inactive_services.end(), old.name) !=
                        fresh.inactive_services.end();
        act(Change::stop, inactive ? "not active under the profile, or disabled" : "removed from the file");
      }
      continue;
    }
    placed[f->second] = true;
    const auto& now = fresh.services[f->second];
    if (!wanted[f->second]) {  // `up OTHER`: left as it is
      plan.applied.services.push_back(v.retired ? now : old);
      continue;
    }
    if (v.retired) {
      plan.applied.services.push_back(now);
      act(Change::start, "new");
      continue;
    }
    const auto& d = diffs[old.name];
    if (!d.restart.empty() && o.no_restart) {
      plan.applied.services.push_back(old);
      act(Change::keep, config::describe(d.restart) + "; --no-restart leaves it as it runs");
      continue;
    }
    plan.applied.services.push_back(now);
    if (now.schedule && !named(o, now.name)) {
      // A scheduled oneshot runs when its schedule says: a change waits for its next run.
      if (!d.empty())
        act(Change::apply, (d.restart.empty() ? config::describe(d.in_place) : config::describe(d.restart)) +
                               "; the next scheduled run uses it");
      continue;
    }
    std::string down = not_running(v);
    if (!d.restart.empty())
      act(Change::restart, config::describe(d.restart));
    else if (o.force_restart)
      act(Change::restart, "--force-restart");
    else if (!down.empty())
      act(Change::start, down);
    else if (!d.in_place.empty())
      act(Change::apply, config::describe(d.in_place));
  }
  for (size_t i = 0; i < fresh.services.size(); ++i) {
    if (placed[i]) continue;
    plan.applied.services.push_back(fresh.services[i]);
    const auto& added = fresh.services[i];
    if (added.schedule && !added.schedule->run_on_start && !named(o, added.name))
      act(Change::apply, "new; runs on its schedule");
    else if (wanted[i])
      act(Change::start, "new");
  }
  plan.graph = graph::Graph::build(plan.applied);
  add_cascades(plan, running);
  return plan;
}

// Ids of services kept are theirs still; new ones come after (engine/reload.h).
std::vector<Action> Engine::reload(const ReloadPlan& plan, TimePoint now) {
  now_ = now;
  for (size_t i = svc_.size(); i < cfg_.services.size(); ++i) {
    const auto& spec = cfg_.services[i];
    ServiceView v;
    v.name = spec.name;
    v.replica_of = *spec.replica_of;
    v.state = State::stopped;
    v.goal = Goal::down;
    svc_.push_back({std::move(v), &spec, RestartTracker(spec.restart, spec.circuit_breaker, seed_ + i)});
  }
  for (size_t i = 0; i < svc_.size(); ++i) {
    Svc& v = svc_[i];
    v.spec = &cfg_.services[i];
    v.view.priority = v.spec->priority;
    v.tracker.reconfigure(v.spec->restart, v.spec->circuit_breaker);
  }
  queued_.resize(svc_.size(), false);
  compute_chains();

  bool removes = std::any_of(plan.changes.begin(), plan.changes.end(),
                             [](const ServiceChange& c) { return c.change == Change::stop; });
  for (const auto& c : plan.changes) {
    Svc& v = s(c.id);
    switch (c.change) {
      case Change::stop:  // step() stops it once what depends on it has stopped
        v.view.retired = true;
        set_goal(v, Goal::down);
        enqueue(c.id);
        break;
      case Change::start:
        v.view.retired = false;
        v.held = removes;
        request_start(c.id);
        break;
      case Change::restart:
        v.view.retired = false;
        v.held = removes;
        set_goal(v, Goal::up);
        if (v.alive) {
          ++v.extra_restarts;
          count_restarts(v);
          cascade(c.id);
          if (v.view.state != State::stopping)
            begin_stop(c.id, State::waiting);
          else
            v.view.after_stop = State::waiting;
        } else {
          // Not running: the next attempt is of the new definition, now and with a clean record.
          if (v.view.state == State::backoff) {
            ++v.token;
            set_state(c.id, State::waiting);
          }
          fresh_tracker(c.id);
          request_start(c.id);
        }
        break;
      case Change::apply:
        // Probes run again with their new definitions (policies, hooks and
        // grace periods are read where they are used).
        if (v.view.state == State::ready)
          out_.push_back(RunProbes{c.id, v.spec->live.empty() ? ProbeSet::none : ProbeSet::live});
        else if (v.view.state == State::starting && v.view.pid != 0 && !v.spec->ready.empty())
          out_.push_back(RunProbes{c.id, ProbeSet::ready});
        break;
      case Change::keep:
        break;
    }
  }
  if (startup_over() && !plan.changes.empty()) reloading_ = true;
  // Dependencies may have changed: every waiting service looks at its own again.
  for (size_t i = 0; i < svc_.size(); ++i) enqueue(static_cast<Id>(i));
  settle();
  update_phase();
  return std::move(out_);
}

bool Engine::removal_pending() const {
  return std::any_of(svc_.begin(), svc_.end(),
                     [](const Svc& v) { return v.view.retired && (v.alive || !is_down(v.view.state)); });
}

}  // namespace lineup::engine
