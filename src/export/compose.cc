#include "export/compose.h"

#include <fmt/format.h>
#include <signal.h>
#include <string.h>

#include "config/redact.h"
#include "export/targets.h"
#include "util/yaml_text.h"

namespace lineup::exporter {

namespace {

using json = nlohmann::ordered_json;
using config::Service;

// compose interpolates `$` in every value: `$$` is a literal dollar.
std::string literal(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '$' ? std::string("$$") : std::string(1, c);
  return out;
}

// A secret's value in a command is written as a reference compose fills in from the environment or .env.
std::string hide(const std::string& text, const std::vector<std::pair<std::string, std::string>>& env) {
  std::string out = literal(text);
  return refer_to_secrets(out, env, [](const std::string& k) { return "${" + k + "}"; });
}

json command(const config::Command& c, const std::vector<std::pair<std::string, std::string>>& env) {
  if (c.shell && c.argv.size() == 3 && c.argv[0] == "/bin/sh") return hide(c.argv[2], env);
  json out = json::array();
  for (const auto& a : c.argv) out.push_back(hide(a, env));
  return out;
}

json healthcheck(const Service& s, const ComposeOptions& o,
                 const std::vector<std::pair<std::string, std::string>>& env,
                 std::vector<std::string>& lost) {
  json test = json::array({"CMD", o.lineup, "wait", "--timeout"});
  const config::Probe* first = nullptr;
  std::vector<std::string> targets;
  for (const auto& p : s.ready) {
    auto t = wait_target(p);
    if (!t) {
      lost.push_back(fmt::format("{}: {} probe (ready): a healthcheck runs a command", s.name,
                                 config::kind_name(p.kind)));
      continue;
    }
    if (!first) first = &p;
    targets.push_back(hide(*t, env));
  }
  if (!first) return nullptr;
  test.push_back(duration_text(first->timing.timeout));
  for (auto& t : targets) test.push_back(t);
  json h = {{"test", test},
            {"interval", duration_text(first->timing.interval)},
            {"timeout", duration_text(first->timing.timeout)},
            {"retries", first->timing.failure_threshold},
            {"start_interval", duration_text(first->timing.start_interval)}};
  if (first->timing.grace.count() > 0) h["start_period"] = duration_text(first->timing.grace);
  return h;
}

}  // namespace

Result<Exported> export_compose(const config::Config& cfg, const graph::Graph& g, const ComposeOptions& o) {
  Exported out;
  json services = json::object();
  for (size_t i = 0; i < cfg.services.size(); ++i) {
    const Service& s = cfg.services[i];
    auto env = service_environment(cfg, s);
    json svc = json::object();
    if (!s.image->empty() && !s.built_here()) svc["image"] = *s.image;
    if (s.command) {
      if (s.command->from_entrypoint)
        svc["entrypoint"] = command(*s.command, env);
      else
        svc["command"] = command(*s.command, env);
    }
    svc["working_dir"] = s.working_dir;
    // compose has no stack-wide environment: the file's global one goes to every service.
    if (!env.empty()) {
      json e = json::object();
      for (const auto& [k, v] : env) e[k] = is_secret_variable(k) ? "${" + k + "}" : literal(v);
      svc["environment"] = e;
    }
    json deps = json::object();
    for (size_t ei : g.dependencies(static_cast<graph::Id>(i))) {
      const graph::Edge& e = g.edges()[ei];
      if (e.condition == config::Condition::exited)
        out.not_carried.push_back(
            fmt::format("{}: waits for {} to end, whatever its exit code; compose waits for "
                        "it to succeed (service_completed_successfully)",
                        s.name, g.name(e.dependency)));
      const char* condition =
          e.condition == config::Condition::completed || e.condition == config::Condition::exited
              ? "service_completed_successfully"
          : e.condition == config::Condition::ready ? "service_healthy"
                                                    : "service_started";
      json d = {{"condition", condition}};
      if (!e.required) d["required"] = false;
      if (e.restart) d["restart"] = true;
      deps[g.name(e.dependency)] = d;
    }
    if (!deps.empty()) svc["depends_on"] = deps;
    if (s.replicas > 1) svc["scale"] = s.replicas;
    if (json h = healthcheck(s, o, env, out.not_carried); !h.is_null()) svc["healthcheck"] = h;
    switch (s.restart.policy) {
      case config::RestartPolicy::no:
        svc["restart"] = "no";
        break;
      case config::RestartPolicy::always:
        svc["restart"] = "always";
        break;
      case config::RestartPolicy::unless_stopped:
        svc["restart"] = "unless-stopped";
        break;
      default:
        svc["restart"] = s.restart.max_attempts > 0 ? fmt::format("on-failure:{}", s.restart.max_attempts)
                                                    : std::string("on-failure");
    }
    if (s.stop_signal != 15) {
      const char* abbrev = sigabbrev_np(s.stop_signal);
      svc["stop_signal"] = abbrev ? fmt::format("SIG{}", abbrev) : std::to_string(s.stop_signal);
    }
    svc["stop_grace_period"] = duration_text(s.stop_grace_period);
    if (s.stop_command) svc["pre_stop"] = json::array({{{"command", command(*s.stop_command, env)}}});
    if (!s.post_start->empty()) {
      json hooks = json::array();
      for (const auto& c : *s.post_start) hooks.push_back({{"command", command(c, env)}});
      svc["post_start"] = hooks;
    }
    if (!s.ports->empty()) {
      json ports = json::array();
      for (const auto& p : *s.ports)
        ports.push_back(fmt::format("{}:{}{}", p.port, p.port, p.protocol == "tcp" ? "" : "/" + p.protocol));
      svc["ports"] = ports;
    }
    const auto& l = *s.limits;
    if (l.memory) svc["mem_limit"] = std::to_string(*l.memory);
    if (l.cpus) svc["cpus"] = *l.cpus;
    if (l.pids) svc["pids_limit"] = *l.pids;
    for (auto [key, r] : {std::pair{"nofile", l.nofile}, std::pair{"nproc", l.nproc}})
      if (r) svc["ulimits"][key] = {{"soft", r->soft}, {"hard", r->hard}};
    if (!s.profiles->empty()) svc["profiles"] = *s.profiles;
    if (!s.live.empty())
      out.not_carried.push_back(fmt::format("{}: live probes: compose has one healthcheck", s.name));
    if (s.type == config::ServiceType::forking)
      out.not_carried.push_back(fmt::format(
          "{}: type: forking: a container ends when its main process exits; run the daemon in the foreground",
          s.name));
    if (s.kill_mode == config::KillMode::main)
      out.not_carried.push_back(
          fmt::format("{}: kill_mode: main: compose signals the container's main process alone", s.name));
    services[s.name] = svc;
  }
  json file = {{"name", cfg.name}, {"services", services}};
  out.files.push_back({"compose.yaml", fmt::format("# Written by `lineup export compose` from {}.\n",
                                                   cfg.files.empty() ? cfg.name : cfg.files.front()) +
                                           to_yaml(file)});
  return out;
}

}  // namespace lineup::exporter
