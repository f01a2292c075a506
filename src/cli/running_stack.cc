#include "cli/running_stack.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "api/client.h"
#include "api/limits.h"
#include "api/reload.h"
#include "cli/output.h"
#include "runtime/safe_dir.h"
#include "runtime/state_dir.h"
#include "util/terminal_text.h"

extern char** environ;

namespace lineup::cli {

namespace {

std::vector<std::string> absolute(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(std::filesystem::absolute(p).lexically_normal().string());
  return out;
}

std::vector<std::pair<std::string, std::string>> own_environment() {
  std::vector<std::pair<std::string, std::string>> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

// Waits until the stack has settled after the reload, then reads its result
// as `up` would: READY 0, DEGRADED 3 (1 when a critical service is down).
int wait_for_result(const GlobalOptions& g, const std::string& socket) {
  // Asked often at first (a restart that takes milliseconds is answered in
  // milliseconds), then every 100 ms: the supervisor answers from a cache.
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    auto r = api::request(socket, "GET", "/v1/services");
    if (!r || r->status != 200) {
      fmt::print(stderr, "lineup: the stack stopped while the change was applied{}\n",
                 r ? "" : ": " + r.error());
      return kFailed;
    }
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    std::string result = j.is_object() ? j.value("result", "") : "";
    if (result == "STARTING") {
      std::this_thread::sleep_for(pause);  // another process: nothing to wait on
      pause = std::min(pause * 2, std::chrono::milliseconds(100));
      continue;
    }
    bool critical_down = false;
    std::vector<std::string> reasons;
    for (const auto& s : j.value("services", nlohmann::json::array())) {
      std::string state = s.value("state", "");
      if (state != "failed" && state != "blocked" && state != "skipped") continue;
      if (s.value("priority", "") == "critical") critical_down = true;
      reasons.push_back(fmt::format("{}: {}: {}", s.value("name", ""), state, s.value("status", "")));
    }
    int code = result == "READY"      ? kOk
               : result == "DEGRADED" ? (critical_down ? kFailed : kDegraded)
                                      : kFailed;
    std::FILE* to = code == kOk ? stdout : stderr;
    if (!g.quiet || code != kOk) {
      fmt::print(to, "lineup: the stack is {}{}\n", result,
                 critical_down ? " (a critical service is down)" : "");
      for (const auto& line : reasons) fmt::print(to, "  {}\n", printable(line));
    }
    return code;
  }
}

}  // namespace

int apply_to_running(const GlobalOptions& g, const ApplyOptions& o, const project::Project& p) {
  std::string state_dir = runtime::state_dir_of(p.config.project_dir);
  std::string socket = state_dir + "/lineup.sock";
  auto unreachable = [&](const std::string& why) {
    auto pids = runtime::read_pids(state_dir);
    fmt::print(stderr,
               "lineup: the stack \"{}\" is already running{}, but does not answer, so the file cannot be "
               "applied ({}); `lineup down` stops it\n",
               p.config.name, pids ? fmt::format(" (pid {})", pids->guardian) : "", why);
    return kFailed;
  };
  if (!std::filesystem::exists(state_dir)) return unreachable(state_dir + " is gone");
  // The request carries this environment: only to a socket no one else could have put there.
  if (auto dir = runtime::SafeDir::open(state_dir, false); !dir) {
    fmt::print(stderr, "lineup: {}\n", dir.error());
    return kFailed;
  }
  api::ReloadRequest r;
  r.options = {o.force_restart, o.no_restart, o.services};
  r.dry_run = o.dry_run;
  r.inputs = api::ReloadInputs{absolute(p.config.files), p.config.project_dir, p.config.profile,
                               absolute(g.env_files),    p.config.namespaces,  own_environment()};
  std::string body = api::reload_body(r);
  if (body.size() > api::kMaxBody - 1024) {
    // The API bounds a request; without its environment the supervisor uses its own.
    fmt::print(stderr, "lineup: warning: this environment is too large to send; the stack's own is used\n");
    r.inputs->environment.reset();
    body = api::reload_body(r);
  }
  auto res = api::request(socket, "POST", "/v1/reload", body);
  if (!res) return unreachable(res.error());
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200 || !j.is_object()) {
    std::string error = j.is_object() ? j.value("error", res->body) : res->body;
    for (const auto& d :
         j.is_object() ? j.value("diagnostics", nlohmann::json::array()) : nlohmann::json::array())
      if (d.is_string()) fmt::print(stderr, "{}\n", printable(d.get<std::string>()));
    fmt::print(stderr, "lineup: the running stack was not changed: {}\n", printable(error));
    return res->status == 422 || res->status == 404 ? kUsage : kFailed;
  }
  const auto& changes = j["changes"];
  if (!g.quiet) {
    for (const auto& c : changes)
      fmt::print("{}: {} ({})\n", printable(c.value("service", "")), c.value("change", ""),
                 printable(c.value("reason", "")));
    if (changes.empty()) fmt::print("lineup: {} runs as the file says; nothing to change\n", p.config.name);
  }
  if (o.dry_run) return kOk;
  return wait_for_result(g, socket);
}

loop::RereadFn reread_function(const GlobalOptions& g, const config::Config& started) {
  project::LoadOptions base = load_options(g);
  base.files = absolute(started.files);
  base.project_dir = started.project_dir;
  base.profile = started.profile;
  base.env_files = absolute(g.env_files);
  base.namespaces = started.namespaces;
  return [base](const api::ReloadRequest& r) -> Result<loop::Reread, loop::RereadError> {
    project::LoadOptions o = base;
    o.named_services = r.options.services;
    config::Variables env;
    if (r.inputs) {
      o.files = r.inputs->files;
      o.project_dir = r.inputs->project_dir;
      o.profile = r.inputs->profile;
      o.env_files = r.inputs->env_files;
      o.namespaces = r.inputs->namespaces;
      if (r.inputs->environment) {
        for (const auto& [k, v] : *r.inputs->environment) env.set(k, v);
        o.environment = &env;
      }
    }
    project::Project p = project::load(o);
    if (p.unusable || p.diags.has_errors()) {
      config::Redactor redact(p.config, p.variables);
      std::vector<std::string> lines;
      for (const auto& d : p.diags.sorted())
        if (d.severity == config::Severity::error) lines.push_back(redact(config::format(d)));
      return unexpected(loop::RereadError{"the config has errors", std::move(lines)});
    }
    return loop::Reread{std::move(p.config), std::move(p.graph), std::move(p.variables)};
  };
}

}  // namespace lineup::cli
