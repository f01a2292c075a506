// `lineup ps`: the state of every service of the running stack.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include "api/client.h"
#include "cli/cli.h"
#include "cli/project_dir.h"
#include "runtime/cgroup.h"
#include "runtime/state_dir.h"
#include "util/terminal_text.h"

namespace lineup::cli {

namespace {

// The program name of a process ("" once it is gone). Not its command
// line: that may hold a password, and ps loads no config to mask it with.
std::string program_name(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/comm", pid));
  std::string name;
  std::getline(in, name);
  return name;
}

// No lineup runs the stack. After a kill -9 of both lineup processes its
// services may still run in the project's cgroups: they are shown, not hidden.
int report_stopped(const GlobalOptions& g, const std::string& format) {
  auto left = runtime::Cgroups::processes(project_dir_for(g));
  if (format == "json") {
    nlohmann::json leftovers = nlohmann::json::array();
    for (const auto& p : left)
      leftovers.push_back({{"service", p.service}, {"pid", p.pid}, {"program", program_name(p.pid)}});
    nlohmann::json j{{"result", "STOPPED"}, {"services", nlohmann::json::array()}};
    if (!left.empty()) j["leftovers"] = leftovers;
    fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kOk;
  }
  if (left.empty()) {
    fmt::print("lineup: nothing is running in {}\n", project_dir_for(g));
    return kOk;
  }
  fmt::print(
      "lineup: no lineup supervises {}, but {} process{} of its stack {} still running "
      "(lineup was killed?); `lineup down` removes them:\n",
      project_dir_for(g), left.size(), left.size() == 1 ? "" : "es", left.size() == 1 ? "is" : "are");
  for (const auto& p : left) fmt::print("  {:<24} pid {:<8} {}\n", p.service, p.pid, program_name(p.pid));
  return kOk;
}

// Only the services named (a replicated service's base name names its
// replicas); false, with the message printed, when a name matches none.
bool keep_named(nlohmann::json& j, const std::vector<std::string>& names) {
  if (names.empty()) return true;
  nlohmann::json kept = nlohmann::json::array();
  std::vector<bool> matched(names.size(), false);
  for (const auto& s : j["services"])
    for (size_t i = 0; i < names.size(); ++i)
      if (s.value("name", "") == names[i] || s.value("replica_of", "") == names[i]) {
        matched[i] = true;
        kept.push_back(s);
        break;
      }
  for (size_t i = 0; i < names.size(); ++i)
    if (!matched[i]) {
      fmt::print(stderr, "lineup: no service named \"{}\"\n", names[i]);
      return false;
    }
  j["services"] = std::move(kept);
  return true;
}

int run_ps(const GlobalOptions& g, const std::string& format, const std::vector<std::string>& names) {
  std::string state_dir = runtime::state_dir_of(project_dir_for(g));
  auto is_running = runtime::is_running(state_dir);
  if (!is_running) {
    fmt::print(stderr, "lineup: {}\n", is_running.error());
    return kFailed;
  }
  bool running = *is_running;
  // The API answers with the live state; state.json (written 50 ms after a
  // change) is the fallback when the socket cannot be reached.
  nlohmann::json j;
  if (auto r = api::request(state_dir + "/lineup.sock", "GET", "/v1/services"); r && r->status == 200) {
    j = nlohmann::json::parse(r->body, nullptr, false);
  } else {
    std::ifstream in(state_dir + "/state.json");
    j = nlohmann::json::parse(in, nullptr, false);
  }
  if (!running) return report_stopped(g, format);
  if (!j.is_object()) {
    fmt::print(
        stderr,
        "lineup: a lineup runs {} but neither its API nor {}/state.json answers; `lineup down` stops it\n",
        project_dir_for(g), state_dir);
    return kFailed;
  }
  if (!j.contains("services") || !j["services"].is_array()) j["services"] = nlohmann::json::array();
  if (!keep_named(j, names)) return kUsage;
  if (format == "json") {
    fmt::print("{}\n", j.dump(2));
    return kOk;
  }
  fmt::print("{}\n", j.value("result", "?"));
  fmt::print("{:<24} {:<10} {:<9} {:>7} {:>8} {:>8} {:<9} {}\n", "NAME", "STATE", "PRIORITY", "PID",
             "ATTEMPTS", "RESTARTS", "BREAKER", "STATUS");
  for (const auto& s : j["services"])
    fmt::print("{:<24} {:<10} {:<9} {:>7} {:>8} {:>8} {:<9} {}\n", s.value("name", ""), s.value("state", ""),
               s.value("priority", ""), s.value("pid", 0) ? std::to_string(s.value("pid", 0)) : "-",
               s.value("attempts", 0), s.value("restarts", 0), s.value("breaker", ""),
               printable(s.value("status", "")));
  return kOk;
}

}  // namespace

void register_ps(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto format = std::make_shared<std::string>("table");
  auto names = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("ps", "State of every service of the running stack");
  cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("services", *names, "Only these services (a replicated service's name: all its replicas)");
  cmd->callback(
      [&g, format, names, &action] { action = [&g, format, names] { return run_ps(g, *format, *names); }; });
}

}  // namespace lineup::cli
