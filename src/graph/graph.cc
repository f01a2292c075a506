#include "graph/graph.h"

#include <algorithm>

namespace lineup::graph {

Graph Graph::build(const config::Config& cfg) {
  Graph g;
  const size_t n = cfg.services.size();
  g.names_.reserve(n);
  g.index_.reserve(n);
  for (const auto& s : cfg.services) g.names_.push_back(s.name);
  for (size_t i = 0; i < n; ++i) g.index_.emplace(g.names_[i], static_cast<Id>(i));
  g.deps_.resize(n);
  g.rdeps_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& d : cfg.services[i].depends_on) {
      auto it = g.index_.find(d.name);
      if (it == g.index_.end()) continue;
      // A repeated dependency is one edge.
      bool seen = false;
      for (size_t e : g.deps_[i]) seen = seen || g.edges_[e].dependency == it->second;
      if (seen) continue;
      g.edges_.push_back({static_cast<Id>(i), it->second, d.condition, d.required, d.restart});
      g.deps_[i].push_back(g.edges_.size() - 1);
      g.rdeps_[static_cast<size_t>(it->second)].push_back(g.edges_.size() - 1);
    }
  }
  return g;
}

std::optional<Id> Graph::id(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Levels levels(const Graph& g) {
  const size_t n = g.size();
  Levels out;
  std::vector<size_t> waiting(n);
  std::vector<int> level(n, 0);
  std::vector<Id> ready;
  for (size_t i = 0; i < n; ++i) {
    waiting[i] = g.dependencies(static_cast<Id>(i)).size();
    if (waiting[i] == 0) ready.push_back(static_cast<Id>(i));
  }
  out.order.reserve(n);
  // Process in id order inside the queue so the result is stable.
  for (size_t head = 0; head < ready.size(); ++head) {
    Id v = ready[head];
    out.order.push_back(v);
    size_t lv = static_cast<size_t>(level[static_cast<size_t>(v)]);
    if (out.levels.size() <= lv) out.levels.resize(lv + 1);
    out.levels[lv].push_back(v);
    for (size_t e : g.dependents(v)) {
      Id w = g.edges()[e].dependent;
      auto wi = static_cast<size_t>(w);
      level[wi] = std::max(level[wi], static_cast<int>(lv) + 1);
      if (--waiting[wi] == 0) ready.push_back(w);
    }
  }
  for (auto& l : out.levels) std::sort(l.begin(), l.end());
  out.complete = out.order.size() == n;
  return out;
}

std::vector<std::vector<Id>> find_cycles(const Graph& g) {
  std::vector<std::vector<Id>> cycles;
  std::vector<bool> in_cycle(g.size(), false);
  const size_t n = g.size();
  enum class Mark : unsigned char { unvisited, on_stack, done };
  std::vector<Mark> mark(n, Mark::unvisited);
  struct Frame {
    Id v;
    size_t next;  // next dependency edge to explore
  };
  std::vector<Frame> stack;
  for (size_t root = 0; root < n; ++root) {
    if (mark[root] != Mark::unvisited) continue;
    stack.push_back({static_cast<Id>(root), 0});
    mark[root] = Mark::on_stack;
    while (!stack.empty()) {
      Frame& f = stack.back();
      const auto& deps = g.dependencies(f.v);
      if (f.next == deps.size()) {
        mark[static_cast<size_t>(f.v)] = Mark::done;
        stack.pop_back();
        continue;
      }
      Id w = g.edges()[deps[f.next++]].dependency;
      auto wi = static_cast<size_t>(w);
      if (mark[wi] == Mark::on_stack) {
        std::vector<Id> cycle;
        auto it = std::find_if(stack.begin(), stack.end(), [w](const Frame& fr) { return fr.v == w; });
        bool fresh = true;
        for (; it != stack.end(); ++it) {
          cycle.push_back(it->v);
          fresh = fresh && !in_cycle[static_cast<size_t>(it->v)];
        }
        cycle.push_back(w);
        if (fresh) {
          if (cycle.size() > 2)  // a self-loop must not hide a longer cycle through the same service
            for (Id c : cycle) in_cycle[static_cast<size_t>(c)] = true;
          cycles.push_back(std::move(cycle));
        }
        continue;
      }
      if (mark[wi] == Mark::unvisited) {
        mark[wi] = Mark::on_stack;
        stack.push_back({w, 0});
      }
    }
  }
  return cycles;
}

CriticalPath critical_path(const Graph& g, std::span<const Millis> weight) {
  const size_t n = g.size();
  CriticalPath out;
  if (n == 0) return out;
  Levels lv = levels(g);
  // finish[v] = weight[v] + max over dependencies of finish[dep]; count breaks ties.
  std::vector<Millis> finish(n, Millis(0));
  std::vector<int> count(n, 0);
  std::vector<Id> via(n, -1);
  for (Id v : lv.order) {
    auto vi = static_cast<size_t>(v);
    Millis best{0};
    int best_count = 0;
    Id best_dep = -1;
    for (size_t e : g.dependencies(v)) {
      Id d = g.edges()[e].dependency;
      auto di = static_cast<size_t>(d);
      if (finish[di] > best || (finish[di] == best && count[di] > best_count)) {
        best = finish[di];
        best_count = count[di];
        best_dep = d;
      }
    }
    finish[vi] = best + (vi < weight.size() ? weight[vi] : Millis(0));
    count[vi] = best_count + 1;
    via[vi] = best_dep;
  }
  Id end = -1;
  for (Id v : lv.order) {
    auto vi = static_cast<size_t>(v);
    if (end < 0 || finish[vi] > finish[static_cast<size_t>(end)] ||
        (finish[vi] == finish[static_cast<size_t>(end)] && count[vi] > count[static_cast<size_t>(end)]))
      end = v;
  }
  if (end < 0) return out;
  out.total = finish[static_cast<size_t>(end)];
  for (Id v = end; v >= 0; v = via[static_cast<size_t>(v)]) out.path.push_back(v);
  std::reverse(out.path.begin(), out.path.end());
  return out;
}

std::vector<bool> with_dependencies(const Graph& g, std::span<const Id> targets) {
  std::vector<bool> want(g.size(), targets.empty());
  std::vector<Id> stack(targets.begin(), targets.end());
  while (!stack.empty()) {
    Id id = stack.back();
    stack.pop_back();
    if (want[static_cast<size_t>(id)]) continue;
    want[static_cast<size_t>(id)] = true;
    for (size_t e : g.dependencies(id)) stack.push_back(g.edges()[e].dependency);
  }
  return want;
}

}  // namespace lineup::graph
