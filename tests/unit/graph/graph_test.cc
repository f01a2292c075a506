// The graph decides start order, tiers, cycle messages and the critical
// path. Configs are built by hand here (no YAML) so each case is just a
// shape: who depends on whom.
#include "graph/graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace lineup::graph {
namespace {

using config::Condition;

// {"a", {}}, {"b", {"a"}}: b depends on a.
config::Config make_config(std::vector<std::pair<std::string, std::vector<std::string>>> shape) {
  config::Config cfg;
  for (auto& [name, deps] : shape) {
    config::Service s;
    s.name = name;
    s.command = config::Command{{"true"}, false};
    for (auto& d : deps) s.depends_on.push_back({d, Condition::ready, false, true, false, {}});
    cfg.services.push_back(std::move(s));
  }
  return cfg;
}

std::vector<std::string> names(const Graph& g, const std::vector<Id>& ids) {
  std::vector<std::string> out;
  for (Id id : ids) out.push_back(g.name(id));
  return out;
}

// Every dependency comes before its dependent, and every service appears once.
void expect_valid_order(const Graph& g, const std::vector<Id>& order) {
  ASSERT_EQ(order.size(), g.size());
  std::vector<int> pos(g.size(), -1);
  for (size_t i = 0; i < order.size(); ++i) {
    ASSERT_EQ(pos[static_cast<size_t>(order[i])], -1) << "twice: " << g.name(order[i]);
    pos[static_cast<size_t>(order[i])] = static_cast<int>(i);
  }
  for (const auto& e : g.edges())
    EXPECT_LT(pos[static_cast<size_t>(e.dependency)], pos[static_cast<size_t>(e.dependent)])
        << g.name(e.dependency) << " must start before " << g.name(e.dependent);
}

TEST(Graph, Build) {
  auto cfg = make_config({{"db", {}}, {"api", {"db", "db", "missing"}}, {"web", {"api", "db"}}});
  cfg.services[2].depends_on[0].condition = Condition::started;
  cfg.services[2].depends_on[0].required = false;
  cfg.services[2].depends_on[0].restart = true;
  Graph g = Graph::build(cfg);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g.id("api"), 1);
  EXPECT_EQ(g.id("nope"), std::nullopt);
  // A repeated dependency is one edge; a missing one is left out.
  ASSERT_EQ(g.edges().size(), 3u);
  EXPECT_EQ(g.dependencies(1).size(), 1u);
  EXPECT_EQ(g.dependents(0).size(), 2u);
  const Edge& e = g.edges()[g.dependencies(2)[0]];
  EXPECT_EQ(g.name(e.dependent), "web");
  EXPECT_EQ(g.name(e.dependency), "api");
  EXPECT_EQ(e.condition, Condition::started);
  EXPECT_FALSE(e.required);
  EXPECT_TRUE(e.restart);
}

TEST(Graph, Levels) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::vector<std::string>>> shape;
    std::vector<std::vector<std::string>> levels;
  } cases[] = {
      {"empty", {}, {}},
      {"single", {{"a", {}}}, {{"a"}}},
      {"independent", {{"a", {}}, {"b", {}}, {"c", {}}}, {{"a", "b", "c"}}},
      {"chain", {{"c", {"b"}}, {"b", {"a"}}, {"a", {}}}, {{"a"}, {"b"}, {"c"}}},
      {"diamond", {{"a", {}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}}, {{"a"}, {"b", "c"}, {"d"}}},
      // A service sits one level above its highest dependency, not its first.
      {"uneven",
       {{"db", {}}, {"cache", {}}, {"migrate", {"db"}}, {"api", {"cache", "migrate"}}, {"web", {"api"}}},
       {{"db", "cache"}, {"migrate"}, {"api"}, {"web"}}},
      {"shop",
       {{"postgres", {}},
        {"redis", {}},
        {"migrate", {"postgres"}},
        {"api", {"postgres", "migrate", "redis"}},
        {"worker", {"redis", "migrate"}},
        {"web", {"api"}}},
       {{"postgres", "redis"}, {"migrate"}, {"api", "worker"}, {"web"}}},
  };
  for (const auto& c : cases) {
    auto cfg = make_config(c.shape);
    Graph g = Graph::build(cfg);
    Levels lv = levels(g);
    EXPECT_TRUE(lv.complete) << c.name;
    std::vector<std::vector<std::string>> got;
    for (const auto& level : lv.levels) {
      auto n = names(g, level);
      std::sort(n.begin(), n.end());
      got.push_back(n);
    }
    auto expected = c.levels;
    for (auto& l : expected) std::sort(l.begin(), l.end());
    EXPECT_EQ(got, expected) << c.name;
    expect_valid_order(g, lv.order);
  }
}

TEST(Graph, LevelsWithACycleAreIncomplete) {
  auto cfg = make_config({{"root", {}}, {"a", {"root", "b"}}, {"b", {"a"}}, {"leaf", {"a"}}});
  Graph g = Graph::build(cfg);
  Levels lv = levels(g);
  EXPECT_FALSE(lv.complete);
  EXPECT_EQ(names(g, lv.order), std::vector<std::string>{"root"});
}

TEST(Graph, FindCycles) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::vector<std::string>>> shape;
    std::vector<std::vector<std::string>> cycles;
  } cases[] = {
      {"acyclic", {{"a", {}}, {"b", {"a"}}, {"c", {"a", "b"}}}, {}},
      {"self", {{"a", {"a"}}}, {{"a", "a"}}},
      {"two", {{"a", {"b"}}, {"b", {"a"}}}, {{"a", "b", "a"}}},
      {"three",
       {{"api", {"worker"}}, {"worker", {"cache"}}, {"cache", {"api"}}},
       {{"api", "worker", "cache", "api"}}},
      // The path starts where the cycle was entered, not at the service that led there.
      {"tail into cycle", {{"web", {"a"}}, {"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}}, {{"a", "b", "c", "a"}}},
      {"two separate",
       {{"a", {"b"}}, {"b", {"a"}}, {"x", {"y"}}, {"y", {"x"}}},
       {{"a", "b", "a"}, {"x", "y", "x"}}},
      // Cycles sharing a service are reported once.
      {"figure eight", {{"a", {"b", "c"}}, {"b", {"a"}}, {"c", {"a"}}}, {{"a", "b", "a"}}},
      // Regression: a self-dependency hid the longer cycle through the same service.
      {"self loop and a longer cycle", {{"a", {"a", "b"}}, {"b", {"a"}}}, {{"a", "a"}, {"a", "b", "a"}}},
  };
  for (const auto& c : cases) {
    auto cfg = make_config(c.shape);
    Graph g = Graph::build(cfg);
    std::vector<std::vector<std::string>> got;
    for (const auto& cycle : find_cycles(g)) got.push_back(names(g, cycle));
    EXPECT_EQ(got, c.cycles) << c.name;
  }
}

TEST(Graph, CyclePathFollowsDependencies) {
  // Whatever the cycle, each step of the reported path is a real edge.
  auto cfg = make_config({{"a", {"d"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {"b"}}});
  Graph g = Graph::build(cfg);
  auto cycles = find_cycles(g);
  ASSERT_EQ(cycles.size(), 1u);
  const auto& cycle = cycles[0];
  ASSERT_EQ(cycle.size(), 5u);
  EXPECT_EQ(cycle.front(), cycle.back());
  for (size_t i = 0; i + 1 < cycle.size(); ++i) {
    bool edge = false;
    for (size_t e : g.dependencies(cycle[i])) edge = edge || g.edges()[e].dependency == cycle[i + 1];
    EXPECT_TRUE(edge) << g.name(cycle[i]) << " -> " << g.name(cycle[i + 1]);
  }
}

TEST(Graph, CriticalPath) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::vector<std::string>>> shape;
    std::map<std::string, long long> weight_ms;  // missing = 0
    std::vector<std::string> path;
    long long total_ms;
  } cases[] = {
      {"empty", {}, {}, {}, 0},
      {"single", {{"a", {}}}, {{"a", 5}}, {"a"}, 5},
      {"chain", {{"a", {}}, {"b", {"a"}}, {"c", {"b"}}}, {{"a", 1}, {"b", 2}, {"c", 3}}, {"a", "b", "c"}, 6},
      {"heavier branch wins",
       {{"db", {}}, {"cache", {}}, {"api", {"db", "cache"}}},
       {{"db", 5000}, {"cache", 100}, {"api", 1000}},
       {"db", "api"},
       6000},
      {"weight beats length",
       {{"slow", {}}, {"a", {}}, {"b", {"a"}}, {"c", {"b"}}},
       {{"slow", 10}, {"a", 1}, {"b", 1}, {"c", 1}},
       {"slow"},
       10},
      {"tie broken by count: longer chain",
       {{"one", {}}, {"x", {}}, {"y", {"x"}}, {"top", {"one", "y"}}},
       {{"one", 2}, {"x", 1}, {"y", 1}, {"top", 1}},
       {"x", "y", "top"},
       3},
      {"tie at the end broken by count",
       {{"solo", {}}, {"p", {}}, {"q", {"p"}}},
       {{"solo", 4}, {"p", 2}, {"q", 2}},
       {"p", "q"},
       4},
      {"all zero: the longest chain",
       {{"a", {}}, {"b", {}}, {"c", {"b"}}, {"d", {"c"}}},
       {},
       {"b", "c", "d"},
       0},
  };
  for (const auto& c : cases) {
    auto cfg = make_config(c.shape);
    Graph g = Graph::build(cfg);
    std::vector<Millis> weight(g.size(), Millis(0));
    for (const auto& [n, ms] : c.weight_ms) weight[static_cast<size_t>(*g.id(n))] = Millis(ms);
    CriticalPath cp = critical_path(g, weight);
    EXPECT_EQ(names(g, cp.path), c.path) << c.name;
    EXPECT_EQ(cp.total, Millis(c.total_ms)) << c.name;
  }
}

// Everything is iterative: a 10,000-long chain must not overflow the stack.
TEST(Graph, TenThousandLongChain) {
  constexpr int kN = 10000;
  config::Config cfg;
  cfg.services.resize(kN);
  for (int i = 0; i < kN; ++i) {
    auto& s = cfg.services[static_cast<size_t>(i)];
    s.name = "s" + std::to_string(i);
    if (i > 0)
      s.depends_on.push_back({"s" + std::to_string(i - 1), Condition::ready, false, true, false, {}});
  }
  Graph g = Graph::build(cfg);
  ASSERT_EQ(g.size(), static_cast<size_t>(kN));

  Levels lv = levels(g);
  EXPECT_TRUE(lv.complete);
  ASSERT_EQ(lv.levels.size(), static_cast<size_t>(kN));
  EXPECT_EQ(lv.levels.back(), std::vector<Id>{kN - 1});
  expect_valid_order(g, lv.order);

  EXPECT_TRUE(find_cycles(g).empty());

  std::vector<Millis> weight(kN, Millis(1));
  CriticalPath cp = critical_path(g, weight);
  EXPECT_EQ(cp.path.size(), static_cast<size_t>(kN));
  EXPECT_EQ(cp.total, Millis(kN));

  // Closing the chain into one 10,000-long cycle is found, iteratively, with its whole path.
  cfg.services[0].depends_on.push_back(
      {"s" + std::to_string(kN - 1), Condition::ready, false, true, false, {}});
  Graph cyclic = Graph::build(cfg);
  auto cycles = find_cycles(cyclic);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].size(), static_cast<size_t>(kN + 1));
  EXPECT_FALSE(levels(cyclic).complete);
}

TEST(Graph, WideFanOut) {
  constexpr int kN = 10000;
  config::Config cfg;
  cfg.services.resize(kN);
  for (int i = 0; i < kN; ++i) {
    auto& s = cfg.services[static_cast<size_t>(i)];
    s.name = "s" + std::to_string(i);
    if (i > 0) s.depends_on.push_back({"s0", Condition::ready, false, true, false, {}});
  }
  Graph g = Graph::build(cfg);
  Levels lv = levels(g);
  ASSERT_EQ(lv.levels.size(), 2u);
  EXPECT_EQ(lv.levels[1].size(), static_cast<size_t>(kN - 1));
  EXPECT_TRUE(std::is_sorted(lv.levels[1].begin(), lv.levels[1].end()));
}

}  // namespace
}  // namespace lineup::graph
