// `lineup down`: stop a detached stack in reverse dependency order.
// --timeout is one deadline for the whole stack; when it expires the
// services still running are named and killed. --emergency kills now.
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>

#include "cli/cli.h"
#include "cli/project_dir.h"
#include "runtime/cgroup.h"
#include "runtime/state_dir.h"
#include "util/duration.h"

namespace lineup::cli {

namespace {

struct DownOptions {
  std::string timeout;
  bool emergency = false;
};

// Waits for `pid` to exit, up to `limit` (nullopt: forever). Event-driven: a pidfd.
bool wait_exit(pid_t pid, std::optional<Millis> limit) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, limit ? static_cast<int>(limit->count()) : -1);
  } while (r < 0 && errno == EINTR);
  ::close(fd);
  return r > 0;
}

// The services that got their stop signal and are still running: the ones
// that blocked the shutdown. Services still waiting for their dependents
// to stop (reverse order) are not to blame.
std::vector<std::string> ignoring_stop_signal(const std::string& state_dir) {
  std::vector<std::string> out;
  std::ifstream in(state_dir + "/state.json");
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("services") || !j["services"].is_array()) return out;
  for (const auto& s : j["services"])
    if (s.is_object() && s.value("pid", 0) != 0 && s.value("state", "") == "stopping")
      out.push_back(s.value("name", "?"));
  return out;
}

int run_down(const GlobalOptions& g, const DownOptions& o) {
  std::optional<Millis> deadline;
  if (!o.timeout.empty()) {
    deadline = parse_duration(o.timeout);
    if (!deadline) {
      fmt::print(stderr, "lineup: --timeout: \"{}\" is not a duration\n", o.timeout);
      return kUsage;
    }
  }
  std::string state_dir = runtime::state_dir_of(project_dir_for(g));
  auto pids = runtime::read_pids(state_dir);
  if (!runtime::is_running(state_dir) || !pids) {
    if (int left = runtime::Cgroups::sweep_stale(project_dir_for(g)); left > 0)
      fmt::print("lineup: killed {} process{} left by a lineup that was killed\n", left,
                 left == 1 ? "" : "es");
    else if (!g.quiet)
      fmt::print("lineup: nothing is running in {}\n", project_dir_for(g));
    return kOk;
  }
  if (o.emergency) {
    ::kill(pids->supervisor, SIGUSR2);
  } else {
    ::kill(pids->guardian, SIGTERM);
  }
  if (!wait_exit(pids->guardian, deadline)) {
    auto blocked = ignoring_stop_signal(state_dir);
    if (blocked.empty())
      fmt::print(stderr, "lineup: not stopped after {}; killing every service now\n", o.timeout);
    else
      fmt::print(stderr,
                 "lineup: not stopped after {}: {} ignored the stop signal; killing every service now\n",
                 o.timeout, fmt::join(blocked, ", "));
    ::kill(pids->supervisor, SIGUSR2);
    wait_exit(pids->guardian, Millis(10'000));
    return kFailed;
  }
  if (!g.quiet) fmt::print("lineup: stopped\n");
  return kOk;
}

}  // namespace

void register_down(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<DownOptions>();
  auto* cmd = app.add_subcommand("down", "Stop a detached stack in reverse dependency order");
  cmd->add_option("--timeout", o->timeout, "One deadline for the whole stack; then the rest is killed");
  cmd->add_flag("--emergency", o->emergency, "SIGKILL every process group now");
  cmd->callback([&g, o, &action] { action = [&g, o] { return run_down(g, *o); }; });
}

}  // namespace lineup::cli
