// Changing a running stack: the file read again, compared with the config
// the stack runs on, becomes a plan (what to start, restart, stop, change in
// place, and why), and Engine::reload carries it out.
//
// Ids stay: the applied config keeps every service it had, in its place
// (a service gone from the file is kept, retired, until the next reload
// that brings it back), and new services come after. So every per-service
// vector of the loop and the engine only grows, and nothing in flight (a
// probe check, a timer, an exit) can reach the wrong service.
#pragma once

#include <string>
#include <vector>

#include "config/spec.h"
#include "engine/engine.h"
#include "graph/graph.h"

namespace lineup::engine {

struct ReloadOptions {
  bool force_restart = false;         // restart every wanted service, changed or not
  bool no_restart = false;            // leave changed services as they run; start new ones only
  std::vector<std::string> services;  // `up SERVICE...`: these and what they depend on; empty = all
};

enum class Change {
  start,    // new, or not running (stopped, failed): started
  restart,  // its process definition changed (or --force-restart), or a dependency restarts
  stop,     // gone from the file or from the profile: stopped in reverse dependency order
  apply,    // probes, policies, priority, hooks...: changed in place, the process keeps running
  keep,     // changed, but --no-restart: runs as it is, on the definition it was started with
};
std::string_view name_of(Change c);

struct ServiceChange {
  Id id;
  std::string service;
  Change change;
  std::string reason;  // "command changed", "new", "removed from the file"
};

struct ReloadPlan {
  config::Config applied;              // what the stack runs on next
  graph::Graph graph;                  // of `applied`
  std::vector<ServiceChange> changes;  // one per service acted on, in the order of `applied`
  bool empty() const { return changes.empty(); }
};

// Pure. `running` is the engine's snapshot (its ids are those of `applied`),
// `fresh` the file as read now (valid), `fresh_graph` its graph.
ReloadPlan plan_reload(const config::Config& applied, const Snapshot& running, const config::Config& fresh,
                       const graph::Graph& fresh_graph, const ReloadOptions& options);

// "api: restart (command changed)"
std::string describe(const ServiceChange& c);

}  // namespace lineup::engine
