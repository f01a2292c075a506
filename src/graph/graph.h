// The dependency graph of the active services, and what can be computed
// from its shape alone: a start order, the levels humans call "tiers", the
// path of a cycle, and the critical path that bounds the startup time.
//
// Services are dense integer ids (their index in Config::services), so the
// scheduler and the engine can keep per-service state in plain vectors.
// Everything here is iterative: a 10,000-service chain must not overflow the
// stack.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/spec.h"
#include "util/duration.h"

namespace lineup::graph {

using Id = int;

struct Edge {
  Id dependent;   // the service that waits
  Id dependency;  // the service it waits for
  config::Condition condition;
  bool required = true;
  bool restart = false;
};

class Graph {
 public:
  // Dependencies on services that do not exist (or are inactive) are left
  // out here; validation reports them.
  static Graph build(const config::Config& cfg);

  size_t size() const { return names_.size(); }
  const std::string& name(Id id) const { return names_[static_cast<size_t>(id)]; }
  std::optional<Id> id(std::string_view name) const;
  const std::vector<Edge>& edges() const { return edges_; }
  // Indices into edges(), per service.
  const std::vector<size_t>& dependencies(Id id) const { return deps_[static_cast<size_t>(id)]; }
  const std::vector<size_t>& dependents(Id id) const { return rdeps_[static_cast<size_t>(id)]; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string_view, Id> index_;
  std::vector<Edge> edges_;
  std::vector<std::vector<size_t>> deps_, rdeps_;
};

// `targets` and everything they depend on, transitively, as a flag per
// service; every service when `targets` is empty (what `up SERVICE...` starts).
std::vector<bool> with_dependencies(const Graph& g, std::span<const Id> targets);

struct Levels {
  std::vector<std::vector<Id>> levels;  // levels[0]: no dependencies
  std::vector<Id> order;                // one valid start order
  bool complete = true;                 // false when a cycle left services out
};

// Kahn's algorithm; level of a service = 1 + the highest level among its dependencies.
Levels levels(const Graph& g);

// Dependency cycles, each as its services in dependency order with the first
// repeated at the end: a -> b -> c -> a. Cycles that share a service with one
// already found (other than a self-loop a -> a) are not reported again. Empty
// when the graph is acyclic.
std::vector<std::vector<Id>> find_cycles(const Graph& g);

struct CriticalPath {
  std::vector<Id> path;  // from a root (no dependencies) to the service that finishes last
  Millis total{0};
};

// Longest path where each service weighs `weight[id]`; ties go to the path
// with more services. Requires an acyclic graph.
CriticalPath critical_path(const Graph& g, std::span<const Millis> weight);

}  // namespace lineup::graph
