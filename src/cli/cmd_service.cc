// `lineup start|stop|restart SERVICE...`: act on services of a running
// stack through its API, and wait until each has reached the new state.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "api/client.h"
#include "cli/cli.h"
#include "cli/project_dir.h"
#include "runtime/state_dir.h"

namespace lineup::cli {

namespace {

bool settled(const std::string& action, const std::string& state) {
  if (action == "stop")
    return state == "stopped" || state == "failed" || state == "completed" || state == "skipped";
  return state == "ready" || state == "completed" || state == "failed" || state == "blocked" ||
         state == "skipped";
}

// A name is one path segment: `db/stop?` or a CR LF must not become
// another route or another request.
std::string path_segment(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// A replicated service's base name (`worker`) stands for its replicas
// (worker-1..N), in order: they are acted on one after another, each settled
// before the next, so a restart never takes them all down at once.
std::vector<std::string> expand_replica_names(const std::string& socket,
                                              const std::vector<std::string>& names) {
  auto r = api::request(socket, "GET", "/v1/services");
  auto j = r && r->status == 200 ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
  if (!j.is_object() || !j.contains("services")) return names;
  std::vector<std::string> out;
  for (const auto& name : names) {
    std::vector<std::string> replicas;
    bool plain = false;
    for (const auto& s : j["services"]) {
      if (s.value("name", "") == name) plain = true;
      if (s.value("replica_of", "") == name) replicas.push_back(s.value("name", ""));
    }
    if (plain || replicas.empty())
      out.push_back(name);
    else
      out.insert(out.end(), replicas.begin(), replicas.end());
  }
  return out;
}

int run_action(const GlobalOptions& g, const std::string& action, const std::vector<std::string>& names) {
  std::string state_dir = runtime::state_dir_of(project_dir_for(g));
  std::string socket = state_dir + "/lineup.sock";
  auto running = runtime::is_running(state_dir);
  if (!running) {
    fmt::print(stderr, "lineup: {}\n", running.error());
    return kFailed;
  }
  if (!*running) {
    fmt::print(stderr, "lineup: nothing is running in {}; `lineup up -d` starts the stack\n",
               project_dir_for(g));
    return kFailed;
  }
  int code = kOk;
  for (const auto& name : expand_replica_names(socket, names)) {
    auto r = api::request(socket, "POST", fmt::format("/v1/services/{}/{}", path_segment(name), action));
    if (!r) {
      fmt::print(stderr, "lineup: {}\n", r.error());
      return kFailed;
    }
    if (r->status >= 400) {
      auto j = nlohmann::json::parse(r->body, nullptr, false);
      fmt::print(stderr, "lineup: {}\n", j.is_object() ? j.value("error", r->body) : r->body);
      code = r->status == 404 ? kUsage : kFailed;
      continue;
    }
    // Wait for the outcome; the supervisor applies the request at once.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
      auto s = api::request(socket, "GET", "/v1/services/" + path_segment(name));
      if (!s || s->status != 200) break;
      auto j = nlohmann::json::parse(s->body, nullptr, false);
      state = j.is_object() ? j.value("state", "") : "";
      if (settled(action, state)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!g.quiet) fmt::print("{}: {}\n", name, state);
    if (state == "failed" || state == "blocked") code = kFailed;
  }
  return code;
}

}  // namespace

void register_service_actions(CLI::App& app, const GlobalOptions& g, Action& action) {
  static constexpr std::pair<const char*, const char*> verbs[] = {
      {"start", "Start services (and what they depend on) of the running stack"},
      {"stop", "Stop services of the running stack"},
      {"restart", "Restart services of the running stack (and their restart: true dependents)"}};
  for (auto [verb, help] : verbs) {
    auto services = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand(verb, help);
    cmd->add_option("services", *services, "Service names")->required();
    std::string v = verb;
    cmd->callback(
        [&g, services, v, &action] { action = [&g, services, v] { return run_action(g, v, *services); }; });
  }
}

}  // namespace lineup::cli
