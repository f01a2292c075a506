#include "loop/supervisor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

#include "api/server.h"
#include "config/environment.h"
#include "config/listen.h"
#include "config/redact.h"
#include "probes/kinds.h"
#include "probes/runner.h"
#include "report/console.h"
#include "report/last_run.h"
#include "report/progress.h"
#include "runtime/cgroup.h"
#include "runtime/live_progress.h"
#include "runtime/notify.h"
#include "runtime/output.h"
#include "runtime/output_pipes.h"
#include "runtime/ports.h"
#include "runtime/process_tree.h"
#include "runtime/safe_dir.h"
#include "runtime/spawn.h"
#include "runtime/state_dir.h"
#include "runtime/terminal.h"
#include "util/regex.h"
#include "util/strings.h"
#include "util/terminal_text.h"

extern char** environ;

namespace lineup::loop {

using namespace runtime;

namespace asio = boost::asio;
namespace fs = std::filesystem;
using engine::Id;
using engine::TimePoint;

namespace {

constexpr size_t kLogRotateBytes = 16 << 20;
const char* kColors[] = {"\033[36m", "\033[33m", "\033[32m", "\033[35m",
                         "\033[34m", "\033[96m", "\033[93m", "\033[92m"};

double since(TimePoint start, std::optional<TimePoint> t) {
  return t ? std::chrono::duration<double>(*t - start).count() : 0.0;
}

}  // namespace

struct Supervisor::Impl : probes::Host {
  Impl(const config::Config& cfg, const graph::Graph& g, SupervisorOptions o)
      : cfg(cfg),
        graph(g),
        options(std::move(o)),
        engine(cfg, g),
        signals(io),
        probe_timers(io, cfg.services.size()),
        runner(cfg, *this, probe_timers,
               [this](Id id, const config::Probe& p, probes::Done done) {
                 probes::check_once(io, *this, id, p.kind, this->cfg.project_dir,
                                    resolve_dir(this->cfg.services[static_cast<size_t>(id)].working_dir),
                                    p.timing.timeout, std::move(done));
               }),
        redact(options.redactor) {
    procs.resize(cfg.services.size());
    for (size_t i = 0; i < procs.size(); ++i) {
      procs[i].timer = std::make_unique<asio::steady_timer>(io);
      const auto& s = cfg.services[i];
      if (!s.fail_on_log.empty())
        if (auto re = Regex::compile(s.fail_on_log)) procs[i].fail_re = std::move(*re);  // validated
    }
    width = 8;
    for (const auto& s : cfg.services) width = std::max(width, s.name.size());
  }

  // --- per service OS state --------------------------------------------------------------------
  // One output pipe of one attempt. A pipe outlives the attempt's main
  // process (its children may hold the write end): it is read to end of
  // file even after the next attempt has started with a pipe of its own.
  struct Proc {
    pid_t pid = 0;
    std::unique_ptr<OutputPipes> output;  // every attempt's pipe, read to its end
    LogFile log;
    std::unique_ptr<ReadyPipe> ready_fd;   // notify_fd read end
    std::unique_ptr<NotifySocket> notify;  // NOTIFY_SOCKET, kept across attempts
    std::unique_ptr<asio::steady_timer> timer;
    std::optional<Regex> fail_re;
    std::vector<std::string> env;
    bool env_built = false;
    bool starting = false;  // output lines may still prove or fail readiness
    // The main process exited while stopping but its group has not: the
    // group keeps its grace period, and the exit is reported when it is empty.
    pid_t draining = 0;
    int drained_status = 0;
    TimePoint write_error_said{};  // when "cannot write" was last reported
  };

  const config::Config& cfg;
  const graph::Graph& graph;
  SupervisorOptions options;
  engine::Engine engine;
  asio::io_context io;
  asio::signal_set signals;
  probes::AsioTimers probe_timers;
  probes::Runner runner;
  config::Redactor redact;
  std::vector<Proc> procs;
  std::unordered_map<pid_t, Id> pid_to_service;
  std::unordered_map<pid_t, std::function<void(int)>> watchers;  // exec probes, stop commands
  std::vector<engine::Event> pending;
  bool dispatching = false;
  uint64_t events_handled = 0;  // what the API's answers depend on (with the probes' checks)
  bool result_reported = false;
  int stop_signal_seen = 0;  // SIGINT / SIGTERM that started the shutdown
  int exit_code = 0;
  size_t width = 8;
  TimePoint started = engine::Clock::now();
  std::time_t started_wall = std::time(nullptr);
  // Lines read in one go, for the log and the terminal: written in one
  // piece per batch, and before any state change a line causes.
  std::string file_chunk, term_chunk;
  Terminal term;  // stdout, written by its own thread so the loop never blocks on it
  Cgroups cgroups{options.cgroup};
  LiveProgress live{io, term, STDOUT_FILENO, [this](unsigned frame, size_t columns, size_t rows) {
                      return report::progress_lines(redacted_snapshot(), engine::Clock::now(), frame,
                                                    {columns, rows, options.color});
                    }};
  std::unique_ptr<api::Server> server;
  std::string last_run;  // the startup report as last written

  void start_api() {
    api::ServerHooks hooks;
    hooks.snapshot = [this] { return redacted_snapshot(); };
    // While the stack starts: the report so far, with the result STARTING.
    hooks.last_run_json = [this] {
      return last_run.empty() ? report::last_run_json(engine.phase(), redacted_snapshot(), graph, started,
                                                      started_wall, engine::Clock::now())
                              : last_run;
    };
    hooks.probe_stats = [this]() -> const std::vector<probes::ProbeStats>& { return runner.stats(); };
    // Both counts only grow: their sum changes whenever either does.
    hooks.version = [this] { return events_handled + runner.checks(); };
    hooks.execute = [this](const api::Command& c) {
      switch (c.kind) {
        case api::Command::Kind::start:
          feed(engine::StartRequested{c.service});
          break;
        case api::Command::Kind::stop:
          feed(engine::StopRequested{c.service});
          break;
        case api::Command::Kind::restart:
          feed(engine::RestartRequested{c.service});
          break;
        case api::Command::Kind::down:
          // Answer first; the shutdown starts on the next turn of the loop.
          asio::post(io, [this] { feed(engine::Shutdown{false}); });
          break;
      }
    };
    server = std::make_unique<api::Server>(io, std::move(hooks));
    // The control socket in the state dir is always there: `ps`, `down` and
    // friends find the stack by it. `api.listen` adds a listener.
    std::string control = options.state_dir + "/lineup.sock";
    if (auto r = server->listen_unix(control); !r) event_line("API not available: " + r.error());
    auto extra = config::parse_listen(cfg.api.listen);
    if (!extra) return;  // validation reported it
    Result<Ok> r = Ok{};
    if (extra->kind == config::ListenAddress::Kind::tcp) {
      r = server->listen_tcp(extra->host, extra->port, options.api_token);
      if (r)
        event_line(
            fmt::format("API on http://{}:{}{}",
                        extra->host.find(':') != std::string::npos ? "[" + extra->host + "]" : extra->host,
                        extra->port, options.api_token.empty() ? "" : " (bearer token required)"));
    } else {
      std::string path = extra->path.front() == '/' ? extra->path : cfg.project_dir + "/" + extra->path;
      if (path != control) r = server->listen_unix(path);
    }
    if (!r) event_line("API listener " + cfg.api.listen + " not available: " + r.error());
  }

  // --- events in -----------------------------------------------------------------------------
  void feed(engine::Event e) override {
    pending.push_back(std::move(e));
    if (dispatching) return;
    dispatching = true;
    for (size_t i = 0; i < pending.size(); ++i) {
      engine::Event ev = std::move(pending[i]);
      execute(engine.handle(ev, engine::Clock::now()));
    }
    events_handled += pending.size();
    pending.clear();
    dispatching = false;
    maybe_finish();
  }

  void watch_child(pid_t pid, std::function<void(int)> on_exit) override {
    watchers[pid] = std::move(on_exit);
  }
  const std::vector<std::string>& environment_of(Id id) override { return env_for(id); }

  // --- actions out ---------------------------------------------------------------------------
  // Actions run in the order the engine gave them, but a turn of the loop
  // spawns at most kSpawnsPerTurn processes: a startup of 1,000 services
  // leaves the loop free in between for the API, signals and output. What
  // follows a deferred spawn waits with it, so the order holds (a service's
  // timers are armed after its process exists).
  static constexpr int kSpawnsPerTurn = 16;
  std::deque<engine::Action> outbox;
  bool running_actions = false;
  bool resume_posted = false;

  void execute(std::vector<engine::Action> actions) {
    for (auto& a : actions) outbox.push_back(std::move(a));
    run_actions();
  }

  void run_actions() {
    // A call below us goes on with the queue; a posted turn will.
    if (running_actions || resume_posted) return;
    running_actions = true;
    int spawned = 0;
    while (!outbox.empty()) {
      if (std::holds_alternative<engine::Spawn>(outbox.front()) && spawned++ == kSpawnsPerTurn) {
        if (!resume_posted) {
          resume_posted = true;
          asio::post(io, [this] {
            resume_posted = false;
            run_actions();
            maybe_finish();
          });
        }
        break;
      }
      engine::Action a = std::move(outbox.front());
      outbox.pop_front();
      perform(a);
    }
    running_actions = false;
  }

  void perform(engine::Action& a) {
    std::visit(
        [&](auto& act) {
          using A = std::decay_t<decltype(act)>;
          if constexpr (std::is_same_v<A, engine::Spawn>)
            do_spawn(act.id);
          else if constexpr (std::is_same_v<A, engine::Signal>)
            do_signal(act.id, act.signal, act.run_stop_command);
          else if constexpr (std::is_same_v<A, engine::RunProbes>)
            do_probes(act.id, act.set);
          else if constexpr (std::is_same_v<A, engine::ArmTimer>)
            do_timer(act);
          else if constexpr (std::is_same_v<A, engine::Notice>)
            do_notice(act);
          else if constexpr (std::is_same_v<A, engine::PhaseChanged>)
            do_phase(act.phase);
        },
        a);
  }

  // The environment of a service: lineup's own, then the global env files
  // and `environment:`, then the service's, then NOTIFY_SOCKET. It cannot
  // change while lineup runs, so it is built once per service; services
  // that add nothing share the global one.
  std::vector<std::string> global_env;
  const std::vector<std::string>& env_for(Id id) {
    Proc& p = procs[static_cast<size_t>(id)];
    if (p.env_built) return p.env.empty() ? global_env : p.env;
    p.env_built = true;
    const auto& s = cfg.services[static_cast<size_t>(id)];
    if (s.environment.empty() && !p.notify) return global_env;
    config::EnvPairs extra;
    if (p.notify) extra.emplace_back("NOTIFY_SOCKET", p.notify->address());
    p.env = config::service_environment(global_env, s.environment, extra);
    return p.env;
  }

  std::string resolve_dir(const std::string& wd) const {
    if (wd.empty()) return cfg.project_dir;
    if (wd.front() == '/') return wd;
    return (fs::path(cfg.project_dir) / wd).lexically_normal().string();
  }

  void do_spawn(Id id) {
    auto i = static_cast<size_t>(id);
    const auto& s = cfg.services[i];
    Proc& p = procs[i];
    for (const auto& port : s.ports) {
      if (!port_is_free(port.port, port.protocol)) {
        feed(engine::SpawnFailed{id, fmt::format("port {} is already in use", port.port)});
        return;
      }
    }
    if (!s.command) {
      feed(engine::SpawnFailed{id,
                               "container service (image, no command): not runnable by the process runtime"});
      return;
    }
    bool notify = std::any_of(s.ready.begin(), s.ready.end(), [](const config::Probe& probe) {
      return std::holds_alternative<config::NotifyProbe>(probe.kind);
    });
    if (notify && !p.notify) {
      auto socket = NotifySocket::open(io, fmt::format("lineup/{}/{}", ::getpid(), s.name));
      if (!socket) {
        feed(engine::SpawnFailed{id, socket.error()});
        return;
      }
      p.notify = std::move(*socket);
      p.notify->listen([this, id](const NotifyMessage& m) {
        if (m.status) feed(engine::ProbeStatus{id, *m.status});
        if (m.ready) runner.notified(id);
      });
    }
    int out_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
      feed(engine::SpawnFailed{id, fmt::format("pipe: {}", std::strerror(errno))});
      return;
    }
    SpawnRequest req;
    req.argv = s.command->argv;
    req.working_dir = resolve_dir(s.working_dir);
    req.output_fd = out_pipe[1];
    int fd_pipe[2] = {-1, -1};
    for (const auto& probe : s.ready) {
      if (auto* nf = std::get_if<config::NotifyFdProbe>(&probe.kind)) {
        if (::pipe2(fd_pipe, O_CLOEXEC) == 0) req.extra_fds.emplace_back(fd_pipe[1], nf->fd);
      }
    }
    req.env = env_for(id);
    req.cgroup_fd = cgroups.attempt_fd(s.name);
    auto pid = runtime::spawn(req);
    ::close(out_pipe[1]);
    if (fd_pipe[1] >= 0) ::close(fd_pipe[1]);
    if (!pid) {
      ::close(out_pipe[0]);
      if (fd_pipe[0] >= 0) ::close(fd_pipe[0]);
      feed(engine::SpawnFailed{id, *&pid.error()});
      return;
    }
    p.pid = *pid;
    p.starting = true;
    pid_to_service[p.pid] = id;
    if (p.log.path().empty()) p.log = LogFile(logs_dir, s.name + ".log", kLogRotateBytes);
    if (!p.output)
      p.output = std::make_unique<OutputPipes>(
          io, [this, id](std::string_view line, bool current) { on_line(id, line, current); },
          [this, id] { flush(procs[static_cast<size_t>(id)]); });
    p.output->add(out_pipe[0]);
    if (fd_pipe[0] >= 0)
      p.ready_fd = std::make_unique<ReadyPipe>(io, fd_pipe[0], [this, id] {
        runner.fd_ready(id);
        procs[static_cast<size_t>(id)].ready_fd.reset();
      });
    runner.spawned(id);
    feed(engine::Spawned{id, p.pid});
  }

  // What the service's processes wrote so far, read now (runtime/output_pipes.h).
  void drain_output(Id id) {
    if (auto& output = procs[static_cast<size_t>(id)].output) output->drain();
  }

  // `current`: the line comes from the running attempt's pipe, so it may
  // prove readiness or fail the attempt; leftovers of an earlier attempt only go to the log.
  void on_line(Id id, std::string_view line, bool current) {
    Proc& p = procs[static_cast<size_t>(id)];
    file_chunk.append(line);
    file_chunk.push_back('\n');
    if (options.print_output) {
      const auto& name = cfg.services[static_cast<size_t>(id)].name;
      if (options.color) {
        term_chunk += fmt::format("{}{:<{}} |\033[0m {}\n", kColors[static_cast<size_t>(id) % 8], name, width,
                                  terminal_line(line));
      } else {
        term_chunk += fmt::format("{:<{}} | {}\n", name, width, terminal_line(line));
      }
    }
    if (current && (p.starting || (p.fail_re && p.pid))) {
      // Lines before this one reach the log and the terminal before any state change it causes.
      flush(p);
      if (p.fail_re && p.pid && p.fail_re->search(line)) {
        p.starting = false;
        feed(engine::AttemptFailed{
            id, fmt::format("output matched fail_on_log: {}", utf8_prefix(redact(line), 200))});
        return;
      }
      if (p.starting) runner.log_line(id, line);
    }
  }

  void flush(Proc& p) {
    if (!file_chunk.empty() &&
        !p.log.write(file_chunk, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count())) {
      // At most one report per 10 s: on a disk that is nearly full, writes
      // can fail and succeed by turns.
      auto now = engine::Clock::now();
      if (now - p.write_error_said >= std::chrono::seconds(10)) {
        p.write_error_said = now;
        event_line(fmt::format("cannot write {}: {}", p.log.path(), std::strerror(errno)));
      }
    }
    if (!term_chunk.empty()) say(std::move(term_chunk));
    file_chunk.clear();
    term_chunk.clear();
  }

  void do_signal(Id id, int sig, bool run_stop_command) {
    Proc& p = procs[static_cast<size_t>(id)];
    pid_t group = p.pid ? p.pid : p.draining;
    if (!group) return;
    const auto& s = cfg.services[static_cast<size_t>(id)];
    if (run_stop_command && s.stop_command) {
      SpawnRequest req;
      req.argv = s.stop_command->argv;
      req.working_dir = resolve_dir(s.working_dir);
      req.env = env_for(id);
      int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
      req.output_fd = devnull;
      auto pid = runtime::spawn(req);
      ::close(devnull);
      if (pid) {
        watch_child(*pid, [group, sig](int) { ::kill(-group, sig); });
        return;
      }
      event_line(fmt::format("{}: stop_command failed: {}", s.name, pid.error()));
    }
    ::kill(-group, sig);
    // setsid() escapees and daemons of the service too.
    if (sig == SIGKILL)
      cgroups.kill(s.name);
    else
      cgroups.signal(s.name, sig);
  }

  void do_probes(Id id, engine::ProbeSet set) {
    Proc& p = procs[static_cast<size_t>(id)];
    if (set != engine::ProbeSet::ready) p.starting = false;
    runner.run(id, set);
  }

  void do_timer(const engine::ArmTimer& t) {
    auto& timer = *procs[static_cast<size_t>(t.id)].timer;
    timer.expires_after(t.after);
    timer.async_wait([this, id = t.id, kind = t.timer, token = t.token](boost::system::error_code ec) {
      if (!ec) feed(engine::TimerFired{id, kind, token});
    });
  }

  // --- what the user sees ----------------------------------------------------------------------
  // Everything for the terminal goes through here: above the live progress
  // block while it is shown, straight to the terminal otherwise.
  void say(std::string text) {
    if (live.active())
      live.write(std::move(text));
    else
      write_terminal_soon(std::move(text));
  }

  // The writer thread is woken once per turn of the loop, after the
  // handler that produced the lines: a readiness event's "ready" and
  // "starting" lines then cost no context switch before the spawn.
  bool terminal_wake_posted = false;
  void write_terminal_soon(std::string text) {
    term.write_later(std::move(text));
    if (terminal_wake_posted) return;
    terminal_wake_posted = true;
    asio::post(io, [this] {
      terminal_wake_posted = false;
      term.wake();
    });
  }

  void event_line(const std::string& text) {
    if (!options.quiet) say(report::lineup_line(console_style(), redact(text)));
  }

  // `.lineup/state.json`: what `ps` shows. Written at most every 50 ms, and
  // only after a change, so an idle stack never wakes up for it.
  std::unique_ptr<asio::steady_timer> state_timer;
  bool state_timer_armed = false;

  void state_changed() {
    if (state_timer_armed) return;
    state_timer_armed = true;
    state_timer->expires_after(Millis(50));
    state_timer->async_wait([this](boost::system::error_code) {
      state_timer_armed = false;
      write_state();
    });
  }

  // What the API and state.json show: the engine's snapshot with secrets masked.
  engine::Snapshot redacted_snapshot() {
    engine::Snapshot snap = engine.snapshot();
    for (auto& v : snap.services) {
      v.status = redact(v.status);
      v.error = redact(v.error);
    }
    return snap;
  }

  void write_state() {
    engine::Snapshot snap = redacted_snapshot();
    write_state_file("state.json", api::services_json(snap));
  }

  void do_notice(const engine::Notice& n) {
    state_changed();
    const auto& name = cfg.services[static_cast<size_t>(n.id)].name;
    bool subscribed = server && server->has_subscribers();
    if (subscribed || options.json_events) {
      nlohmann::json e = {{"time", std::chrono::duration<double>(engine::Clock::now() - started).count()},
                          {"service", name},
                          {"from", std::string(engine::name_of(n.from))},
                          {"to", std::string(engine::name_of(n.to))}};
      if (!n.message.empty()) e["message"] = redact(n.message);
      // A message may quote a service's output, which need not be UTF-8.
      std::string line = e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (subscribed) server->publish(line);
      if (options.json_events) {
        say(line + "\n");
        return;
      }
    }
    if (live.active()) return;  // the progress block shows it
    if (!report::worth_a_line(n.to, options.quiet)) return;
    std::optional<double> ready_after;
    if (n.to == engine::State::ready || n.to == engine::State::completed)
      if (auto v = engine.view(n.id); v.spawned_at) ready_after = since(*v.spawned_at, engine::Clock::now());
    say(report::state_line(console_style(), name, n.to, redact(n.message), ready_after));
  }

  report::ConsoleStyle console_style() const { return {width, options.color}; }

  void do_phase(engine::Phase phase) {
    using engine::Phase;
    write_state();
    if (phase != Phase::starting) live.stop();
    if (server && server->has_subscribers())
      server->publish(
          nlohmann::json{{"time", std::chrono::duration<double>(engine::Clock::now() - started).count()},
                         {"stack", std::string(engine::name_of(phase))}}
              .dump());
    if (phase == Phase::ready || phase == Phase::degraded || phase == Phase::failed) {
      if (!result_reported) {
        result_reported = true;
        exit_code = engine::exit_code_of(phase);
        write_last_run(phase);
        print_result(phase);
        if (options.on_result) options.on_result(phase);
      }
    }
  }

  void print_result(engine::Phase phase) {
    double took = std::chrono::duration<double>(engine::Clock::now() - started).count();
    if (options.json_events) {
      say(nlohmann::json{{"result", std::string(engine::name_of(phase))}, {"duration_s", took}}.dump() +
          "\n");
      return;
    }
    event_line(fmt::format("{} in {:.2f}s", engine::name_of(phase), took));
    if (options.quiet) return;
    for (const auto& line : report::result_lines(console_style(), cfg, redacted_snapshot())) event_line(line);
  }

  SafeDir state_dir, logs_dir;  // `.lineup/` and `.lineup/logs/`, checked (safe_dir.h)

  // One descriptor held in reserve: when the services' pipes and logs have
  // used up RLIMIT_NOFILE, state.json and last-run.json (what `ps` and `up
  // -d` read to say why) are still written.
  int spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  void write_state_file(std::string_view name, const std::string& content) {
    if (state_dir.fd() < 0 || state_dir.write_atomically(name, content) || errno != EMFILE || spare_fd < 0)
      return;
    ::close(spare_fd);
    state_dir.write_atomically(name, content);
    spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  void write_last_run(engine::Phase phase) {
    last_run =
        report::last_run_json(phase, redacted_snapshot(), graph, started, started_wall, engine::Clock::now());
    write_state_file("last-run.json", last_run);
  }

  // `.lineup/` removed or replaced under a running stack: `ps`, `down` and
  // the next `up` all find the stack through it, so nothing could see or
  // stop it any more. The stack stops, as if by `down`.
  std::unique_ptr<StateDirWatch> dir_watch;

  void watch_state_dir() {
    auto watch = StateDirWatch::start(io, cfg.project_dir, state_dir, [this] {
      event_line(fmt::format("{} was removed: stopping the stack (without it nothing can see or stop it)",
                             options.state_dir));
      feed(engine::Shutdown{false});
    });
    if (watch)
      dir_watch = std::move(*watch);
    else
      event_line(watch.error() + " (removing it will not stop the stack)");
  }

  // --- the OS side -----------------------------------------------------------------------------
  void reap() {
    while (true) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      if (auto w = watchers.find(pid); w != watchers.end()) {
        auto fn = std::move(w->second);
        watchers.erase(w);
        fn(status);
        continue;
      }
      auto it = pid_to_service.find(pid);
      if (it == pid_to_service.end()) continue;  // an orphan that came to us: reaped, nothing to do
      Id id = it->second;
      pid_to_service.erase(it);
      // What it wrote before it exited is read (and may still prove readiness) first.
      drain_output(id);
      Proc& p = procs[static_cast<size_t>(id)];
      p.pid = 0;
      if (p.output) p.output->attempt_ended();
      p.starting = false;
      p.ready_fd.reset();
      if (engine.view(id).state == engine::State::stopping &&
          (::kill(-pid, 0) == 0 || cgroups.populated(cfg.services[static_cast<size_t>(id)].name))) {
        // Stopping, and the main process (often the `sh -c` of a string
        // command) went before the rest of its group: the others keep their
        // grace period, as under systemd; the engine's SIGKILL ends it.
        p.draining = pid;
        p.drained_status = status;
        continue;
      }
      exited(id, pid, status);
    }
    for (size_t i = 0; i < procs.size(); ++i) {
      Proc& p = procs[i];
      if (p.draining && ::kill(-p.draining, 0) != 0 && !cgroups.populated(cfg.services[i].name))
        exited(static_cast<Id>(i), p.draining, p.drained_status);
    }
  }

  void exited(Id id, pid_t pid, int status) {
    procs[static_cast<size_t>(id)].draining = 0;
    drain_output(id);  // a group that outlived its main process wrote until now
    // Whatever the service left in its process group (and its cgroup) goes
    // with it, as under systemd's KillMode=control-group.
    ::kill(-pid, SIGKILL);
    cgroups.kill(cfg.services[static_cast<size_t>(id)].name);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    feed(engine::Exited{id, code, sig});
  }

  void wait_signals() {
    signals.async_wait([this](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (sig == SIGCHLD) {
        reap();
      } else if (sig == SIGUSR2 || sig == SIGQUIT) {  // the guardian is gone, or a hard quit was asked for
        feed(engine::Shutdown{true});
      } else {
        bool second = stop_signal_seen != 0;
        if (!second) stop_signal_seen = sig;
        if (!options.quiet)
          event_line(second ? "second signal: emergency stop (SIGKILL to every service)"
                            : "stopping (press Ctrl-C again for an emergency stop)");
        feed(engine::Shutdown{second});
      }
      wait_signals();
    });
  }

  void maybe_finish() {
    if (!engine.all_down() || !outbox.empty()) return;
    for (size_t i = 0; i < cfg.services.size(); ++i) {
      const auto& v = engine.view(static_cast<Id>(i));
      if (v.goal != engine::Goal::up) continue;
      auto st = v.state;
      if (st == engine::State::pending || st == engine::State::waiting || st == engine::State::backoff ||
          st == engine::State::blocked || st == engine::State::starting || st == engine::State::stopping)
        return;
    }
    io.stop();
  }

  int run() {
    state_timer = std::make_unique<asio::steady_timer>(io);
    // `up` checked them already; opened again here, and held, so every file
    // below is written relative to a directory that was checked (safe_dir.h).
    auto state = SafeDir::open(options.state_dir, true);
    if (!state) {
      std::fprintf(stderr, "lineup: %s\n", state.error().c_str());
      return 1;
    }
    auto logs = state->subdir("logs", true);
    if (!logs) {
      std::fprintf(stderr, "lineup: %s\n", logs.error().c_str());
      return 1;
    }
    state_dir = std::move(*state);
    logs_dir = std::move(*logs);
    global_env = config::stack_environment(environ, cfg.environment);
    start_api();
    watch_state_dir();
    signals.add(SIGCHLD);
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.add(SIGHUP);
    signals.add(SIGUSR2);
    signals.add(SIGQUIT);
    wait_signals();
    asio::steady_timer deadline(io);
    if (options.startup_timeout) {
      deadline.expires_after(*options.startup_timeout);
      deadline.async_wait([this](boost::system::error_code ec) {
        if (!ec && !result_reported) {
          event_line("startup timeout (up --timeout) expired");
          feed(engine::StartupDeadline{});
        }
      });
    }
    dispatching = true;
    execute(engine.start(engine::Clock::now(), options.targets));
    if (options.live_progress && engine.phase() == engine::Phase::starting) live.start();
    dispatching = false;
    if (!pending.empty()) {
      auto first = std::move(pending.front());
      pending.erase(pending.begin());
      feed(std::move(first));
    }
    maybe_finish();
    io.run();
    deadline.cancel();
    server->close();
    reap();
    // Every process is gone: what is left in the pipes is the last output.
    for (size_t i = 0; i < procs.size(); ++i) drain_output(static_cast<Id>(i));
    if (!result_reported) write_last_run(engine.phase());
    write_state();
    for (auto& p : procs) p.notify.reset();
    if (spare_fd >= 0) ::close(spare_fd);
    dir_watch.reset();
    term.drain(2000);
    if (stop_signal_seen) return 128 + stop_signal_seen;
    return exit_code;
  }
};

Supervisor::Supervisor(const config::Config& cfg, const graph::Graph& g, SupervisorOptions options)
    : impl_(std::make_unique<Impl>(cfg, g, std::move(options))) {}
Supervisor::~Supervisor() = default;
int Supervisor::run() {
  return impl_->run();
}

}  // namespace lineup::loop
