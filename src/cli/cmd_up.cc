// `lineup up`: start the stack and supervise it.
//
//   load + validate -> refuse container-only services -> take the project
//   lock -> (detach: fork into the background) -> guardian + supervisor ->
//   exit code: 0 READY, 3 DEGRADED, 1 FAILED, 130/143 after Ctrl-C/SIGTERM.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/running_stack.h"
#include "config/replicas.h"
#include "config/validate.h"
#include "graph/graph.h"
#include "loop/supervisor.h"
#include "report/reasons.h"
#include "runtime/cgroup.h"
#include "runtime/daemon.h"
#include "runtime/guardian.h"
#include "runtime/state_dir.h"
#include "util/terminal_text.h"

namespace lineup::cli {

namespace {

struct UpOptions {
  std::vector<std::string> services;
  bool detach = false;
  std::string timeout;
  bool force_restart = false;
  bool no_restart = false;
  bool dry_run = false;
};

// Waits in the foreground process for the detached supervisor's startup
// result. On FAILED the stack is being taken down: wait until the guardian
// has exited (the pipe's last writer), so nothing runs when `up -d` returns.
int wait_for_result(int fd, const std::string& state_dir) {
  char code = 0;
  ssize_t n;
  do {
    n = ::read(fd, &code, 1);
  } while (n < 0 && errno == EINTR);
  if (n == 1 && code == kFailed) {
    char rest;
    ssize_t r;
    do {
      r = ::read(fd, &rest, 1);
    } while (r > 0 || (r < 0 && errno == EINTR));
  }
  ::close(fd);
  if (n != 1) {
    fmt::print(stderr, "lineup: the supervisor exited during startup; see {}/lineup.log\n", state_dir);
    return kFailed;
  }
  return code;
}

// One line per service that failed, is blocked or was skipped, with its reason.
void print_reasons(const std::string& state_dir, std::FILE* to) {
  std::ifstream in(state_dir + "/last-run.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& line : report::reason_lines(report::outcomes_from_last_run(text)))
    fmt::print(to, "  {}\n", printable(line));
}

// Each service holds one or two descriptors while it runs: its output pipe,
// and its log file once it has written a line (the attempt's cgroup is
// closed once the process is in it). The soft limit is raised to the hard one,
// as systemd and supervisord (minfds) do, so the common soft limit of 1024
// does not stop a stack at a few hundred services; services inherit it.
// When even the hard limit is short, say so before anything starts.
void raise_descriptor_limit(size_t services) {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  constexpr rlim_t kPerService = 2, kOwn = 64;
  rlim_t need = kOwn + kPerService * services;
  if (rl.rlim_cur != RLIM_INFINITY && need > rl.rlim_cur)
    fmt::print(
        stderr,
        "lineup: warning: {} services need about {} file descriptors, but the limit is {} (ulimit -Hn): "
        "about {} of them fit; the others will fail with \"Too many open files\"\n",
        services, need, rl.rlim_cur, rl.rlim_cur > kOwn ? (rl.rlim_cur - kOwn) / kPerService : 0);
}

int run_up(const GlobalOptions& g, const UpOptions& o) {
  auto p = load_valid(g, o.services);
  if (!p) return kUsage;
  const auto& cfg = p->config;

  std::vector<engine::Id> targets;
  for (const auto& name : o.services) {
    auto ids = config::services_named(cfg, name);  // a replicated service's name: every replica
    if (ids.empty()) {
      fmt::print(stderr, "lineup: no service named \"{}\"\n", name);
      return kUsage;
    }
    for (size_t i : ids) targets.push_back(static_cast<engine::Id>(i));
  }
  std::optional<Millis> timeout;
  if (o.force_restart && o.no_restart) {
    fmt::print(stderr, "lineup: --force-restart and --no-restart exclude each other\n");
    return kUsage;
  }
  if (!o.timeout.empty()) {
    timeout = parse_duration(o.timeout);
    if (!timeout) {
      fmt::print(stderr, "lineup: --timeout: \"{}\" is not a duration\n", o.timeout);
      return kUsage;
    }
  }
  // As compose: `up SERVICE...` is not refused for image-only services it does not need.
  std::vector<bool> wanted = graph::with_dependencies(p->graph, targets);
  std::vector<std::string> containers, providers;
  for (size_t i = 0; i < cfg.services.size(); ++i) {
    const auto& s = cfg.services[i];
    if (wanted[i] && !s.runnable()) (s.provider->empty() ? containers : providers).push_back(s.name);
  }
  for (const auto& name : providers)
    fmt::print(stderr,
               "lineup: {} is a compose provider service (provider: {}): compose has a plugin create it, and "
               "lineup cannot run it. Leave it out with `profiles:`, or give it a `command:`.\n",
               name, *cfg.find(name)->provider);
  if (!containers.empty())
    fmt::print(stderr,
               "lineup: {} {} (image, no command): lineup runs processes. Give them a "
               "`command:`, or leave them out with `profiles:` or `disabled: true`.\n",
               fmt::join(containers, ", "),
               containers.size() == 1 ? "is a container service" : "are container services");
  if (!containers.empty() || !providers.empty()) {
    return kUsage;
  }

  std::string state_dir = runtime::state_dir_of(cfg.project_dir);
  ApplyOptions apply{o.services, o.force_restart, o.no_restart, o.dry_run};
  if (auto running = runtime::is_running(state_dir); running && *running)
    return apply_to_running(g, apply, *p);
  if (o.dry_run) {
    // Nothing runs: everything wanted would start.
    std::vector<bool> start = graph::with_dependencies(p->graph, targets);
    for (size_t i = 0; i < cfg.services.size(); ++i)
      if (start[i] && !g.quiet) fmt::print("{}: start (not running)\n", cfg.services[i].name);
    return kOk;
  }
  // Another user who can write .lineup/ or .lineup/logs/ could replace the
  // socket or plant a log file as a symlink to a file of root's.
  auto dir = runtime::SafeDir::open(state_dir, true);
  if (!dir) {
    fmt::print(stderr, "lineup: {}\n", dir.error());
    return kFailed;
  }
  if (auto logs = dir->subdir("logs", true); !logs) {
    fmt::print(stderr, "lineup: {}\n", logs.error());
    return kFailed;
  }
  raise_descriptor_limit(cfg.services.size());
  for (const auto& u : runtime::Cgroups::unenforceable(cfg.services))
    fmt::print(stderr, "lineup: warning: {}\n", u.why);
  auto lock = runtime::take_lock(cfg.project_dir, *dir);
  if (!lock && !lock.error().busy) {
    fmt::print(stderr, "lineup: cannot take the stack's lock: {}\n", lock.error().message);
    return kFailed;
  }
  if (!lock) return apply_to_running(g, apply, *p);  // it started in the meantime

  // A lineup killed with SIGKILL (guardian and supervisor at once) may have
  // left processes in the stack's cgroup: they go before anything starts.
  if (auto swept = runtime::Cgroups::sweep_stale(cfg.project_dir); !swept) {
    fmt::print(stderr, "lineup: processes left by a lineup that was killed: {}\n", swept.error());
    return kFailed;
  } else if (*swept > 0) {
    fmt::print(stderr, "lineup: killed {} process{} left by a lineup that was killed\n", *swept,
               *swept == 1 ? "" : "es");
  }

  loop::SupervisorOptions so;
  so.cgroup = runtime::Cgroups::stack_dir(cfg.project_dir, true);
  so.targets = targets;
  so.state_dir = state_dir;
  so.quiet = g.quiet;
  so.json_events = g.log_format == "json";
  so.startup_timeout = timeout;
  so.color = use_color(g, stdout);
  // In place redraws need a real terminal; a pipe or a dumb terminal gets plain event lines.
  const char* term = std::getenv("TERM");
  so.live_progress = ::isatty(STDOUT_FILENO) && !g.quiet && !so.json_events && term && *term &&
                     std::string_view(term) != "dumb";
  so.redactor = config::Redactor(cfg, p->variables);
  so.reread = reread_function(g, cfg);
  so.hangup_reloads = o.detach;
  if (!cfg.api.token_env.empty())
    if (const std::string* token = config::find_variable(cfg, p->variables, cfg.api.token_env))
      so.api_token = *token;

  int result_fd = -1;  // up -d, the background side: where the startup's result goes
  if (o.detach) {
    auto detached = runtime::detach(*dir);
    if (!detached) {
      fmt::print(stderr, "lineup: {}\n", detached.error());
      return kFailed;
    }
    if (!detached->background) {
      ::close(lock->project_fd);
      ::close(lock->state_fd);
      int code = wait_for_result(detached->result_fd, state_dir);
      if (code == kFailed) {
        fmt::print(stderr, "lineup: {} FAILED; everything was stopped (`lineup report`, `lineup logs`)\n",
                   cfg.name);
        print_reasons(state_dir, stderr);
      } else if (!g.quiet) {
        fmt::print("lineup: {} is {} in the background; `lineup ps`, `lineup logs`, `lineup down`\n",
                   cfg.name, code == kOk ? "READY" : "DEGRADED");
        print_reasons(state_dir, stdout);
      }
      return code;
    }
    so.print_output = false;
    so.color = false;
    so.live_progress = false;
    result_fd = detached->result_fd;
    so.on_result = [result_fd](engine::Phase phase) {
      runtime::report_result(result_fd, engine::exit_code_of(phase));
    };
  }

  pid_t guardian = ::getpid();
  std::optional<std::string> stack_cgroup = so.cgroup;
  int code = runtime::run_guarded(
      [&] {
        runtime::write_pids(*dir, {guardian, ::getpid()});
        // This is the supervisor's own copy of the process: the project is its to take.
        return loop::Supervisor(std::move(p->config), std::move(p->graph), std::move(so)).run();
      },
      [&] {  // the guardian needs none of it (`cfg` is gone with it)
        p.reset();
        so = {};
      });
  // In the guardian, after every descendant is gone: the cgroups too.
  if (stack_cgroup) {
    // Normally empty by now; the guardian has no one to tell if it is not.
    (void)runtime::Cgroups::kill_stack(*stack_cgroup);
    runtime::Cgroups::remove_stack(*stack_cgroup);
  }
  // Last: a waiting `up -d` whose startup FAILED returns when this closes.
  if (result_fd >= 0) ::close(result_fd);
  return code;
}

}  // namespace

void register_up(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<UpOptions>();
  auto* cmd =
      app.add_subcommand("up", "Start the stack (or SERVICEs and their dependencies) and supervise it");
  cmd->add_option("services", o->services, "Services to start, with everything they depend on");
  cmd->add_flag("-d,--detach,--wait", o->detach,
                "Supervise in the background; return once the startup has a result");
  cmd->add_option("--timeout", o->timeout, "Budget for the whole startup (e.g. 2m)");
  cmd->add_flag("--force-restart,--force-recreate", o->force_restart,
                "On a running stack: restart every wanted service, changed or not");
  cmd->add_flag("--no-restart,--no-recreate", o->no_restart,
                "On a running stack: start new services only; leave changed ones as they run");
  cmd->add_flag("--dry-run", o->dry_run, "Print what would start, restart and stop; change nothing");
  cmd->callback([&g, o, &action] { action = [&g, o] { return run_up(g, *o); }; });
}

void register_reload(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ApplyOptions>();
  auto* cmd = app.add_subcommand("reload", "Apply the file to the running stack (as `up -d` on it)");
  cmd->add_flag("--force-restart,--force-recreate", o->force_restart,
                "Restart every service, changed or not");
  cmd->add_flag("--no-restart,--no-recreate", o->no_restart, "Start new services only; leave changed ones");
  cmd->add_flag("--dry-run", o->dry_run, "Print what would start, restart and stop; change nothing");
  cmd->callback([&g, o, &action] {
    action = [&g, o] {
      if (o->force_restart && o->no_restart) {
        fmt::print(stderr, "lineup: --force-restart and --no-restart exclude each other\n");
        return static_cast<int>(kUsage);
      }
      auto p = load_valid(g);
      if (!p) return static_cast<int>(kUsage);
      std::string state_dir = runtime::state_dir_of(p->config.project_dir);
      auto running = runtime::is_running(state_dir);
      if (!running || !*running) {
        fmt::print(stderr, "lineup: nothing is running in {}; `lineup up -d` starts the stack\n",
                   p->config.project_dir);
        return static_cast<int>(kFailed);
      }
      return apply_to_running(g, *o, *p);
    };
  });
}

}  // namespace lineup::cli
