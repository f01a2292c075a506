// `lineup ps`: the state of every service of the running stack.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include "api/client.h"
#include "cli/cli.h"
#include "cli/project_dir.h"
#include "runtime/state_dir.h"

namespace lineup::cli {

namespace {

int run_ps(const GlobalOptions& g, const std::string& format) {
  std::string state_dir = runtime::state_dir_of(project_dir_for(g));
  bool running = runtime::is_running(state_dir);
  // The API answers with the live state; state.json (written 50 ms after a
  // change) is the fallback when the socket cannot be reached.
  nlohmann::json j;
  if (auto r = api::request(state_dir + "/lineup.sock", "GET", "/v1/services"); r && r->status == 200) {
    j = nlohmann::json::parse(r->body, nullptr, false);
  } else {
    std::ifstream in(state_dir + "/state.json");
    j = nlohmann::json::parse(in, nullptr, false);
  }
  if (!running || !j.is_object()) {
    if (format == "json") {
      fmt::print("{}\n",
                 nlohmann::json{{"result", "STOPPED"}, {"services", nlohmann::json::array()}}.dump(2));
    } else {
      fmt::print("lineup: nothing is running in {}\n", project_dir_for(g));
    }
    return kOk;
  }
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
               s.value("attempts", 0), s.value("restarts", 0), s.value("breaker", ""), s.value("status", ""));
  return kOk;
}

}  // namespace

void register_ps(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto format = std::make_shared<std::string>("table");
  auto* cmd = app.add_subcommand("ps", "State of every service of the running stack");
  cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([&g, format, &action] { action = [&g, format] { return run_ps(g, *format); }; });
}

}  // namespace lineup::cli
