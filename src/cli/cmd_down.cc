// `lineup down`: stop a detached stack in reverse dependency order.
// --timeout is one deadline for the whole stack; when it expires the
// services still running are named and killed. --emergency kills now.
//
// `down` never depends on the supervisor alone: when it does not take up
// the stop within kAnswer (it is stopped, or hung), or does not finish by
// the deadline, `down` kills the stack itself (runtime/takeover.h).
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
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
#include "runtime/takeover.h"
#include "util/duration.h"

namespace lineup::cli {

namespace {

// How long a supervisor has to take up a stop request before `down` acts itself.
constexpr Millis kAnswer{5000};

struct DownOptions {
  std::string timeout;
  bool emergency = false;
};

nlohmann::json read_state(const std::string& state_dir) {
  std::ifstream in(state_dir + "/state.json");
  return nlohmann::json::parse(in, nullptr, false);
}

// The supervisor took up the stop: its state file says so.
bool stopping(const std::string& state_dir) {
  auto j = read_state(state_dir);
  std::string result = j.is_object() ? j.value("result", "") : "";
  return result == "STOPPING" || result == "STOPPED";
}

// Waits up to `limit` (nullopt: forever) for the guardian to exit or, with
// `answer`, for the supervisor to write a state file that says it is
// stopping. Event-driven: a pidfd and an inotify watch on the state dir.
enum class Seen { exited, answered, nothing };
Seen wait_for(pid_t guardian, const std::string& state_dir, std::optional<Millis> limit, bool answer) {
  int pid_fd = static_cast<int>(::syscall(SYS_pidfd_open, guardian, 0));
  if (pid_fd < 0) return errno == ESRCH ? Seen::exited : Seen::nothing;
  int watch = answer ? ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK) : -1;
  if (watch >= 0) ::inotify_add_watch(watch, state_dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE);
  auto end = std::chrono::steady_clock::now() + limit.value_or(Millis(0));
  Seen seen = Seen::nothing;
  while (seen == Seen::nothing) {
    if (answer && stopping(state_dir)) {
      seen = Seen::answered;
      break;
    }
    int wait_ms = -1;
    if (limit) {
      auto left = std::chrono::duration_cast<Millis>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      wait_ms = static_cast<int>(left.count());
    }
    pollfd p[2] = {{pid_fd, POLLIN, 0}, {watch, POLLIN, 0}};
    int r = ::poll(p, watch >= 0 ? 2 : 1, wait_ms);
    if (r < 0 && errno != EINTR) break;
    if (r > 0 && (p[0].revents & POLLIN)) seen = Seen::exited;
    if (r > 0 && watch >= 0 && (p[1].revents & POLLIN)) {
      char events[4096];
      while (::read(watch, events, sizeof events) > 0) {
      }
    }
  }
  ::close(pid_fd);
  if (watch >= 0) ::close(watch);
  return seen;
}

// The services that got their stop signal and are still running: the ones
// that blocked the shutdown. Services still waiting for their dependents
// to stop (reverse order) are not to blame.
std::vector<std::string> ignoring_stop_signal(const std::string& state_dir) {
  std::vector<std::string> out;
  auto j = read_state(state_dir);
  if (!j.is_object() || !j.contains("services") || !j["services"].is_array()) return out;
  for (const auto& s : j["services"])
    if (s.is_object() && s.value("pid", 0) != 0 && s.value("state", "") == "stopping")
      out.push_back(s.value("name", "?"));
  return out;
}

// The emergency stop: the supervisor is told (so it restarts nothing and
// still drains the pipes), but the killing is done here, at once.
int kill_now(const runtime::Pids& pids, const std::string& project_dir, const std::string& why) {
  ::kill(pids.supervisor, SIGUSR2);
  auto r = runtime::kill_stack_from_outside(pids, project_dir);
  if (!r.error.empty()) {
    fmt::print(stderr, "lineup: {}\n", r.error);
    return kFailed;
  }
  fmt::print(stderr, "lineup: {}killed {} process{}\n", why, r.killed, r.killed == 1 ? "" : "es");
  return kOk;
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
  std::string project_dir = project_dir_for(g);
  std::string state_dir = runtime::state_dir_of(project_dir);
  auto running = runtime::is_running(state_dir);
  if (!running) {
    fmt::print(stderr, "lineup: {}\n", running.error());
    return kFailed;
  }
  if (!*running) {
    auto swept = runtime::Cgroups::sweep_stale(project_dir);
    if (!swept) {
      fmt::print(stderr, "lineup: processes left by a lineup that was killed: {}\n", swept.error());
      return kFailed;
    }
    if (*swept > 0)
      fmt::print("lineup: killed {} process{} left by a lineup that was killed\n", *swept,
                 *swept == 1 ? "" : "es");
    else if (!g.quiet)
      fmt::print("lineup: nothing is running in {}\n", project_dir);
    return kOk;
  }
  // Without the pid file (its directory was removed under the stack), the
  // processes holding the project's lock are the stack's lineup.
  auto pids = runtime::read_pids(state_dir);
  if (!pids) pids = runtime::find_lock_holders(project_dir);
  if (!pids) {
    fmt::print(stderr,
               "lineup: a lineup holds {}'s lock, but which one cannot be found ({}/lineup.pid is gone)\n",
               project_dir, state_dir);
    return kFailed;
  }
  if (o.emergency) return kill_now(*pids, project_dir, "emergency stop: ");
  ::kill(pids->guardian, SIGTERM);
  std::optional<Millis> answer_limit = deadline ? std::min(*deadline, kAnswer) : kAnswer;
  Seen seen = wait_for(pids->guardian, state_dir, answer_limit, true);
  if (seen == Seen::nothing && !(deadline && *deadline < kAnswer)) {
    fmt::print(stderr,
               "lineup: the supervisor (pid {}) did not take up the stop within {}; stopping the "
               "stack without it\n",
               pids->supervisor, format_duration(kAnswer));
    kill_now(*pids, project_dir, "");
    return kFailed;
  }
  if (seen != Seen::exited) {
    auto spent = seen == Seen::answered ? Millis(0) : *answer_limit;
    std::optional<Millis> rest;
    if (deadline) rest = *deadline > spent ? *deadline - spent : Millis(0);
    seen = wait_for(pids->guardian, state_dir, rest, false);
  }
  if (seen != Seen::exited) {
    auto blocked = ignoring_stop_signal(state_dir);
    if (!stopping(state_dir))
      fmt::print(stderr,
                 "lineup: not stopped after {}: the supervisor (pid {}) did not take up the stop; "
                 "killing every service now\n",
                 o.timeout, pids->supervisor);
    else if (blocked.empty())
      fmt::print(stderr, "lineup: not stopped after {}; killing every service now\n", o.timeout);
    else
      fmt::print(stderr,
                 "lineup: not stopped after {}: {} ignored the stop signal; killing every service now\n",
                 o.timeout, fmt::join(blocked, ", "));
    kill_now(*pids, project_dir, "");
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
