#include "loop/supervisor.h"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio.hpp>

#include <ctime>

#include "api/server.h"
#include "config/environment.h"
#include "config/replicas.h"
#include "loop/action_queue.h"
#include "loop/api_listeners.h"
#include "loop/hooks.h"
#include "loop/processes.h"
#include "loop/schedules.h"
#include "loop/screen.h"
#include "loop/state_files.h"
#include "loop/stop_requests.h"
#include "loop/watches.h"
#include "probes/kinds.h"
#include "probes/runner.h"
#include "report/console.h"
#include "report/last_run.h"
#include "report/progress.h"
#include "runtime/cgroup.h"

extern char** environ;

namespace lineup::loop {

namespace asio = boost::asio;
using engine::Id;
using engine::TimePoint;

struct Supervisor::Impl : probes::Host {
  Impl(config::Config c, graph::Graph g, SupervisorOptions o)
      : cfg(std::move(c)),
        graph(std::move(g)),
        options(std::move(o)),
        engine(cfg, graph),
        redact(options.redactor) {}

  // The config the stack runs on: replaced by a reload (engine/reload.h), in
  // place, so everything below keeps its reference. The services of earlier
  // configs are kept: a check in flight may still read its probe.
  config::Config cfg;
  graph::Graph graph;
  std::vector<std::vector<config::Service>> earlier_services;
  SupervisorOptions options;
  engine::Engine engine;
  config::Redactor redact;
  asio::io_context io;
  // The loop's clock, and one timer per service for the engine's ArmTimer.
  probes::AsioTimers clock{io, cfg.services.size()};
  probes::AsioTimers probe_timers{io, cfg.services.size()};
  probes::Runner runner{cfg, *this, probe_timers, [this](Id id, const config::Probe& p, probes::Done done) {
                          probes::check_once(io, *this, id, p.kind,
                                             cfg.services[static_cast<size_t>(id)].working_dir,
                                             p.timing.timeout, std::move(done));
                        }};
  runtime::Cgroups cgroups{options.cgroup};
  Screen screen{io,
                {{report::name_width(cfg), options.color}, options.quiet, options.json_events},
                redact,
                [this](unsigned frame, size_t columns, size_t rows) {
                  return report::progress_lines(redacted_snapshot(), clock.now(), frame,
                                                {columns, rows, options.color});
                }};
  StateFiles files{io, [this] { return api::services_json(redacted_snapshot()); }};
  Processes processes{
      io, cfg, redact, cgroups, runner, screen, options.print_output, [this](engine::Event e) {
        feed(std::move(e));
      }};
  Hooks hooks{io, cfg, redact, screen,
              [this](const std::vector<std::string>& argv, const config::EnvPairs& extra,
                     std::function<void(int)> on_exit) {
                return processes.run_hook(argv, extra, std::move(on_exit));
              }};
  Watches watches{io, cfg, screen, [this](Id id, const std::string& why) {
                    auto state = engine.view(id).state;
                    if (state != engine::State::ready && state != engine::State::starting) return;
                    screen.event_line(redact(fmt::format("{}: {}: restarting (watch)",
                                                         cfg.services[static_cast<size_t>(id)].name, why)));
                    feed(engine::RestartRequested{id});
                  }};
  Schedules schedules{
      io,
      cfg,
      screen,
      {[this](Id id) { return !engine::is_down(engine.view(id).state); },
       [this](Id id) {
         screen.event_line(fmt::format("{}: scheduled run", cfg.services[static_cast<size_t>(id)].name));
         feed(engine::StartRequested{id});
       },
       [this](Id id, const std::string& status) {
         feed(engine::ProbeStatus{id, status});
       }}};
  ActionQueue actions{io, [this](engine::Action& a) { perform(a); }, [this] { maybe_finish(); }};
  std::unique_ptr<api::Server> server;
  StopRequests stops{io,
                     [this](bool emergency, const std::string& why) {
                       if (!why.empty()) screen.event_line(why);
                       feed(engine::Shutdown{emergency});
                     },
                     options.hangup_reloads ? std::function<void()>([this] {
                       screen.event_line("SIGHUP: reading the files again");
                       (void)reload(api::ReloadRequest{});
                     })
                                            : std::function<void()>()};

  std::vector<engine::Event> pending;  // fed while an event is handled: handled next, in order
  bool dispatching = false;
  uint64_t events_handled = 0;  // what the API's answers depend on (with the probes' checks)
  bool result_reported = false;
  int exit_code = 0;
  bool stack_end_said = false;  // the line saying which service's stop_stack_on stopped the stack
  TimePoint started = clock.now();
  std::time_t started_wall = std::time(nullptr);
  // The startup report once written: its file holds it; kept here only when
  // it could not be written (0.5 KB per service otherwise held for nothing).
  bool last_run_written = false;
  std::string last_run;

  double seconds_since(TimePoint t) const { return std::chrono::duration<double>(clock.now() - t).count(); }

  // --- events in: the one queue; only here does the engine see an event ---------------------
  void feed(engine::Event e) override {
    pending.push_back(std::move(e));
    if (!dispatching) dispatch();
  }

  void dispatch() {
    dispatching = true;
    files.mark_stale();
    for (size_t i = 0; i < pending.size(); ++i) {
      engine::Event ev = std::move(pending[i]);
      actions.push(engine.handle(ev, clock.now()));
    }
    events_handled += pending.size();
    pending.clear();
    dispatching = false;
    maybe_finish();
  }

  Result<pid_t> run_command(Id id, const std::vector<std::string>& argv, const std::string& working_dir,
                            std::function<void(int)> on_exit) override {
    return processes.run_command(id, argv, working_dir, std::move(on_exit));
  }

  void maybe_finish() {
    // Scheduled oneshots keep a stack up between their runs, until a shutdown.
    if (engine.finished() && actions.empty() && !schedules.active()) io.stop();
  }

  // --- actions out ---------------------------------------------------------------------------
  void perform(engine::Action& a) {
    std::visit(
        [&](auto& act) {
          using A = std::decay_t<decltype(act)>;
          if constexpr (std::is_same_v<A, engine::Spawn>) {
            processes.spawn(act.id);
          } else if constexpr (std::is_same_v<A, engine::Signal>) {
            processes.signal(act.id, act.signal, act.run_stop_command, act.main_only);
          } else if constexpr (std::is_same_v<A, engine::RunProbes>) {
            processes.probes_started(act.id, act.set);
          } else if constexpr (std::is_same_v<A, engine::ArmTimer>) {
            clock.set(act.id, clock.now() + act.after, [this, t = act] {
              feed(engine::TimerFired{t.id, t.timer, t.token});
            });
          } else if constexpr (std::is_same_v<A, engine::Notice>) {
            notice(act);
          } else if constexpr (std::is_same_v<A, engine::PhaseChanged>) {
            phase_changed(act.phase);
          } else if constexpr (std::is_same_v<A, engine::RunPostStart>) {
            processes.post_start(act.id);
          }
        },
        a);
  }

  // What the API and the state files show: the engine's snapshot with secrets masked.
  engine::Snapshot redacted_snapshot() const { return report::redacted(engine.snapshot(), redact); }

  void notice(const engine::Notice& n) {
    files.changed();
    const auto& name = cfg.services[static_cast<size_t>(n.id)].name;
    bool subscribed = server && server->has_subscribers();
    std::string json;
    if (subscribed || screen.json_events())
      json = report::state_event_json(seconds_since(started), name, n.from, n.to, redact(n.message));
    if (subscribed) server->publish(json);
    std::optional<double> ready_after;
    if (n.to == engine::State::ready || n.to == engine::State::completed)
      if (auto v = engine.view(n.id); v.spawned_at) ready_after = seconds_since(*v.spawned_at);
    screen.state_changed(name, n, ready_after, json);
    hooks.service_changed(n, engine.view(n.id));
    // Between runs, a scheduled oneshot shows its next one.
    if (engine::is_down(n.to))
      if (auto next = schedules.status(n.id); !next.empty()) feed(engine::ProbeStatus{n.id, next});
  }

  void phase_changed(engine::Phase phase) {
    files.write_state();
    if (engine::is_shutdown(phase)) {
      if (const auto& end = engine.stack_end(); end && !stack_end_said) {
        stack_end_said = true;
        screen.event_line(redact(end->why));
      }
      schedules.stop();
      maybe_finish();
    }
    hooks.phase_changed(phase);
    if (phase != engine::Phase::starting) screen.stop_live();
    if (server && server->has_subscribers())
      server->publish(report::phase_event_json(seconds_since(started), phase));
    bool result =
        phase == engine::Phase::ready || phase == engine::Phase::degraded || phase == engine::Phase::failed;
    if (!result || result_reported) return;
    result_reported = true;
    exit_code = engine::exit_code_of(phase);
    write_last_run(phase);
    screen.result(cfg, phase, seconds_since(started), redacted_snapshot());
    if (options.on_result) {
      // `up -d` returns on this: its log must hold the result lines by then
      // (the writer thread writes them; on a busy machine it came second).
      screen.drain(2000);
      options.on_result(phase);
    }
  }

  void write_last_run(engine::Phase phase) {
    std::string report =
        report::last_run_json(phase, redacted_snapshot(), graph, started, started_wall, clock.now());
    last_run_written = true;
    last_run = files.write("last-run.json", report) ? std::string() : std::move(report);
    StateFiles::release_freed_memory();
  }

  // --- a reload: the file read again, applied to the running stack -------------------------
  api::Response reload(const api::ReloadRequest& r) {
    auto refuse = [this](int status, const std::string& why, const std::vector<std::string>& diags = {}) {
      screen.event_line(redact("reload refused: " + why));
      return api::reload_refused(status, why, diags);
    };
    if (engine::is_shutdown(engine.phase())) return refuse(409, "the stack is stopping");
    if (!options.reread) return refuse(404, "this supervisor cannot read its files again");
    auto fresh = options.reread(r);
    if (!fresh) return refuse(422, fresh.error().message, fresh.error().diagnostics);
    if (fresh->config.project_dir != cfg.project_dir)
      return refuse(422, fmt::format("the files are of the project in {}, the stack runs {}",
                                     fresh->config.project_dir, cfg.project_dir));
    for (const auto& name : r.options.services)
      if (config::services_named(fresh->config, name).empty())
        return refuse(404, fmt::format("no service named \"{}\"", name));
    auto plan = engine::plan_reload(cfg, engine.snapshot(), fresh->config, fresh->graph, r.options);
    for (const auto& c : plan.changes) {
      const auto& s = plan.applied.services[static_cast<size_t>(c.id)];
      if ((c.change == engine::Change::start || c.change == engine::Change::restart) && !s.runnable())
        return refuse(
            422,
            fmt::format("{} has no command (an image or provider service): lineup cannot run it", s.name));
    }
    if (r.dry_run) return api::reload_answer(plan.changes, true);
    for (const auto& c : plan.changes) screen.event_line(redact("reload: " + engine::describe(c)));
    if (plan.empty()) screen.event_line("reload: nothing changed");
    earlier_services.push_back(std::move(cfg.services));
    cfg = std::move(plan.applied);
    graph = std::move(plan.graph);
    redact = config::Redactor(cfg, fresh->variables);
    size_t n = cfg.services.size();
    clock.grow(n);
    probe_timers.grow(n);
    runner.reconfigured();
    processes.reconfigured(config::stack_environment(environ, cfg.environment));
    dispatching = true;
    actions.push(engine.reload(plan, clock.now()));
    ++events_handled;
    dispatch();
    watches.start();  // the rules as the file now has them
    schedules.start();
    files.changed();
    return api::reload_answer(plan.changes, false);
  }

  // --- the API: what it shows, what it may ask ----------------------------------------------
  void start_api() {
    api::ServerHooks hooks;
    hooks.snapshot = [this] { return redacted_snapshot(); };
    // While the stack starts: the report so far, with the result STARTING.
    hooks.last_run_json = [this] {
      if (!last_run_written)
        return report::last_run_json(engine.phase(), redacted_snapshot(), graph, started, started_wall,
                                     clock.now());
      if (!last_run.empty()) return last_run;
      return files.read("last-run.json").value_or(std::string());
    };
    hooks.probe_stats = [this]() -> const std::vector<engine::ProbeStats>& { return runner.stats(); };
    // Both counts only grow: their sum changes whenever either does.
    hooks.version = [this] { return events_handled + runner.checks(); };
    hooks.reload = [this](const api::ReloadRequest& r) { return reload(r); };
    hooks.execute = [this](const api::Command& c) {
      if (c.kind != api::Command::Kind::down) return feed(c.event());
      asio::post(io, [this, e = c.event()] { feed(e); });  // answer first; the shutdown starts next turn
    };
    server = std::make_unique<api::Server>(io, std::move(hooks));
    open_listeners(*server, cfg, options.state_dir, options.api_token,
                   [this](const std::string& line) { screen.event_line(line); });
  }

  void finish_hooks() {
    if (hooks.idle()) return;
    io.restart();
    auto until = std::chrono::steady_clock::now() + kHooksAtExit;
    while (!hooks.idle() && std::chrono::steady_clock::now() < until) {
      if (io.stopped()) io.restart();  // an event handled meanwhile may stop it again
      io.run_one_until(until);
    }
  }
  static constexpr Millis kHooksAtExit{5'000};

  // --- the run, step by step -----------------------------------------------------------------
  int run() {
    // 1. `.lineup/` and its logs, opened again (`up` checked them) and held:
    //    every file below is written relative to a checked directory.
    if (auto opened = files.open(options.state_dir); !opened) {
      std::fprintf(stderr, "lineup: %s\n", opened.error().c_str());
      return 1;
    }
    // 2. The environment every service starts from.
    processes.prepare(config::stack_environment(environ, cfg.environment), &files.logs());
    // 3. `up --timeout`.
    asio::steady_timer deadline(io);
    if (options.startup_timeout) {
      deadline.expires_after(*options.startup_timeout);
      deadline.async_wait([this](boost::system::error_code ec) {
        if (ec || result_reported) return;
        screen.event_line("startup timeout (up --timeout) expired");
        feed(engine::StartupDeadline{});
      });
    }
    // 4. The engine's first actions; events they cause are handled after them.
    dispatching = true;
    actions.push(engine.start(clock.now(), options.targets));
    schedules.start();  // (what it shows is handled after the first actions)
    if (options.live_progress && engine.phase() == engine::Phase::starting) screen.start_live();
    dispatch();
    // 5. Control, once the first services are on their way (nothing here is
    //    needed for a spawn, and a stack's launch is timed from its first
    //    start): the API, the files' watches, the state directory's watch
    //    (signals are watched from the start).
    start_api();
    watches.start();
    if (auto watched = stops.watch_state_dir(cfg.project_dir, files.dir(), options.state_dir); !watched)
      screen.event_line(watched.error());
    // 6. The loop, until every service is down.
    io.run();
    // 7. The last exits and output, the report, the state as it ended;
    //    on_state hooks still on their way get a few seconds (a stack that
    //    FAILED is what someone most wants to hear about).
    deadline.cancel();
    finish_hooks();
    server->close();
    processes.finish();
    if (!result_reported) write_last_run(engine.phase());
    files.flush();
    stops.stop_watching();
    screen.drain(2000);
    // A service that ends the stack gives its exit code, as process-compose's exit_on_end does.
    if (stops.signal_seen()) return 128 + stops.signal_seen();
    return engine.stack_end() ? engine.stack_end()->exit_code : exit_code;
  }
};

Supervisor::Supervisor(config::Config cfg, graph::Graph g, SupervisorOptions options)
    : impl_(std::make_unique<Impl>(std::move(cfg), std::move(g), std::move(options))) {}
Supervisor::~Supervisor() = default;
int Supervisor::run() {
  return impl_->run();
}

}  // namespace lineup::loop
