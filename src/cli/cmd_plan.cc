// `lineup plan`: the startup plan (levels, edges, critical path, worst case)
// as text, JSON (SPEC §7), Graphviz dot or Mermaid.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "cli/cli.h"
#include "cli/output.h"
#include "graph/plan.h"

namespace lineup::cli {

namespace {

using json = nlohmann::ordered_json;

double seconds(Millis d) {
  return static_cast<double>(d.count()) / 1000.0;
}

// Durations of services that became ready (or completed) in the last recorded run.
std::map<std::string, Millis> recorded_durations(const std::string& project_dir) {
  std::map<std::string, Millis> out;
  std::ifstream in(std::filesystem::path(project_dir) / ".lineup" / "last-run.json");
  if (!in) return out;
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("services") || !j["services"].is_object()) return out;
  for (auto it = j["services"].begin(); it != j["services"].end(); ++it) {
    const json& s = it.value();
    if (s.is_object() && (s.value("status", "") == "ready" || s.value("status", "") == "completed") &&
        s.contains("duration_s") && s["duration_s"].is_number())
      out[it.key()] = Millis(static_cast<long long>(s["duration_s"].get<double>() * 1000));
  }
  return out;
}

std::string quote_id(const std::string& s) {
  return "\"" + s + "\"";
}

int run_plan(const GlobalOptions& g, const std::string& format) {
  auto p = load_valid(g);
  if (!p) return kUsage;
  const auto& cfg = p->config;
  const auto& gr = p->graph;
  graph::Plan plan = graph::make_plan(cfg, gr, recorded_durations(cfg.project_dir));
  auto names = [&](const std::vector<graph::Id>& ids) {
    std::vector<std::string> out;
    for (auto id : ids) out.push_back(gr.name(id));
    return out;
  };

  if (format == "json") {
    json j;
    j["levels"] = json::array();
    for (const auto& l : plan.levels.levels) j["levels"].push_back(names(l));
    j["order"] = names(plan.levels.order);
    j["edges"] = json::array();
    for (const auto& e : gr.edges())
      j["edges"].push_back({{"from", gr.name(e.dependent)},
                            {"to", gr.name(e.dependency)},
                            {"condition", std::string(config::name_of(e.condition))},
                            {"required", e.required}});
    json replicas = json::object();  // replica -> the service of the file it is a copy of
    for (const auto& s : cfg.services)
      if (s.replica) replicas[s.name] = *s.replica_of;
    if (!replicas.empty()) j["replica_of"] = replicas;
    j["critical_path"] = names(plan.critical.path);
    j["expected_s"] = seconds(plan.critical.total);
    j["worst_case_s"] = seconds(plan.worst.total);
    fmt::print("{}\n", j.dump(2));
    return kOk;
  }
  if (format == "dot") {
    fmt::print("digraph {} {{\n  rankdir=LR;\n  node [shape=box, style=rounded];\n", quote_id(cfg.name));
    std::vector<bool> critical(gr.size(), false);
    for (auto id : plan.critical.path) critical[static_cast<size_t>(id)] = true;
    for (size_t i = 0; i < gr.size(); ++i)
      fmt::print("  {}{};\n", quote_id(gr.name(static_cast<graph::Id>(i))),
                 critical[i] ? " [penwidth=2, color=\"#c0392b\"]" : "");
    for (const auto& e : gr.edges())
      fmt::print("  {} -> {} [label=\"{}\"{}];\n", quote_id(gr.name(e.dependency)),
                 quote_id(gr.name(e.dependent)), config::name_of(e.condition),
                 e.required ? "" : ", style=dashed");
    fmt::print("}}\n");
    return kOk;
  }
  if (format == "mermaid") {
    fmt::print("graph LR\n");
    auto node = [&](graph::Id id) { return fmt::format("n{}[\"{}\"]", id, gr.name(id)); };
    for (size_t i = 0; i < gr.size(); ++i)
      if (gr.dependencies(static_cast<graph::Id>(i)).empty() &&
          gr.dependents(static_cast<graph::Id>(i)).empty())
        fmt::print("  {}\n", node(static_cast<graph::Id>(i)));
    for (const auto& e : gr.edges())
      fmt::print("  {} {}|{}| {}\n", node(e.dependency), e.required ? "-->" : "-.->",
                 config::name_of(e.condition), node(e.dependent));
    for (auto id : plan.critical.path) fmt::print("  style n{} stroke:#c0392b,stroke-width:3px\n", id);
    return kOk;
  }

  // text
  fmt::print("{}: {} service{} in {} level{}{}\n", cfg.name, gr.size(), gr.size() == 1 ? "" : "s",
             plan.levels.levels.size(), plan.levels.levels.size() == 1 ? "" : "s",
             cfg.profile.empty() ? "" : fmt::format(" (profile {})", cfg.profile));
  for (size_t lv = 0; lv < plan.levels.levels.size(); ++lv) {
    fmt::print("\nlevel {}\n", lv);
    for (auto id : plan.levels.levels[lv]) {
      const auto& s = cfg.services[static_cast<size_t>(id)];
      std::string deps;
      for (size_t e : gr.dependencies(id)) {
        const auto& edge = gr.edges()[e];
        deps += fmt::format("{}{} ({}{})", deps.empty() ? "" : ", ", gr.name(edge.dependency),
                            config::name_of(edge.condition), edge.required ? "" : ", optional");
      }
      auto expected = plan.expected[static_cast<size_t>(id)];
      fmt::print("  {:<24} {:<8} {:>8}{}{}\n", s.name, config::name_of(s.priority),
                 expected ? "~" + format_duration(*expected) : "", deps.empty() ? "" : "  after " + deps,
                 s.container_only() ? "  [container service: not runnable]" : "");
    }
  }
  if (!plan.critical.path.empty()) {
    std::string chain;
    for (auto id : plan.critical.path) {
      auto e = plan.expected[static_cast<size_t>(id)];
      chain +=
          fmt::format("{}{} ({})", chain.empty() ? "" : " -> ", gr.name(id), e ? format_duration(*e) : "?");
    }
    fmt::print("\ncritical path: {}\n", chain);
    fmt::print("expected startup: {}{}\n", format_duration(plan.critical.total),
               std::any_of(plan.expected.begin(), plan.expected.end(), [](auto& e) { return !e; })
                   ? " (services marked ? have no expected_startup and no recorded run)"
                   : "");
    fmt::print("worst case: {} (every service on the longest chain uses all its attempts)\n",
               format_duration(plan.worst.total));
  }
  return kOk;
}

}  // namespace

void register_plan(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto format = std::make_shared<std::string>("text");
  auto* cmd = app.add_subcommand("plan", "Show the startup plan: levels, edges, critical path, worst case");
  cmd->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"text", "json", "dot", "mermaid"}));
  cmd->callback([&g, format, &action] { action = [&g, format] { return run_plan(g, *format); }; });
}

}  // namespace lineup::cli
