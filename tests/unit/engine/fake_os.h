// The engine's test fixture, shared by the engine's tests: services built
// fluently, and FakeOs, which plays the runtime in virtual time.
//
// The engine is pure, so its whole lifecycle can be played here in virtual
// time: FakeOs stands in for the runtime. It answers every Spawn with
// Spawned, keeps the armed timers by (service, timer) with their deadlines
// and tokens, fires them in deadline order as virtual time advances, and
// records what the engine asked for (spawns, signals, notices, phases).
// Exits, readiness and probe failures are delivered by the tests, so each
// case reads as a script: what happens, when, and what the engine does.
#pragma once

#include <gtest/gtest.h>

#include <csignal>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "engine/engine.h"
#include "engine/reload.h"

namespace lineup::engine {

// Readable failure messages: "starting", not "4-byte object <02-00 00-00>".
inline void PrintTo(State s, std::ostream* os) {
  *os << name_of(s);
}
inline void PrintTo(Phase p, std::ostream* os) {
  *os << name_of(p);
}
inline void PrintTo(Breaker b, std::ostream* os) {
  *os << name_of(b);
}

namespace fixture {

using namespace std::chrono_literals;
using config::Condition;
using config::Priority;
using config::RestartPolicy;

// --- configs ------------------------------------------------------------------------------------

// A service, built fluently: Svc("api").after("db").probe().
// Jitter is off so backoff delays are exact, and min_uptime is 0 so a
// service without probes is READY at its spawn (the MinUptime tests set
// it); everything else is the default.
struct Svc {
  config::Service s;
  explicit Svc(std::string name) {
    s.name = std::move(name);
    s.command = config::Command{{"/bin/true"}, false};
    s.restart.backoff.jitter = 0;
    s.min_uptime = Millis(0);
  }
  Svc& min_uptime(Millis d) {
    s.min_uptime = d;
    return *this;
  }
  Svc& after(std::string dep, Condition c = Condition::ready, bool required = true, bool restart = false) {
    s.depends_on.push_back({std::move(dep), c, true, required, restart, {}});
    return *this;
  }
  Svc& probe() {  // has a readiness probe: READY only on a Ready event
    s.ready.push_back({config::ExecProbe{config::Command{{"/bin/true"}, false}}, {}, {}});
    return *this;
  }
  Svc& live() {
    s.live.push_back({config::TcpProbe{"127.0.0.1", 1}, {}, {}});
    return *this;
  }
  Svc& oneshot() {
    s.type = config::ServiceType::oneshot;
    return *this;
  }
  Svc& forking() {  // the command launches a daemon and exits
    s.type = config::ServiceType::forking;
    return *this;
  }
  Svc& kill_main() {  // kill_mode: main
    s.kill_mode = config::KillMode::main;
    return *this;
  }
  Svc& priority(Priority p) {
    s.priority = p;
    return *this;
  }
  Svc& post_start(std::string command) {
    s.post_start.emplace().push_back(config::Command{{"/bin/sh", "-c", std::move(command)}, true});
    return *this;
  }
  Svc& policy(RestartPolicy p) {
    s.restart.policy = p;
    return *this;
  }
  Svc& startup_timeout(Millis d) {
    s.startup_timeout = d;
    return *this;
  }
  Svc& grace(Millis d) {
    s.stop_grace_period = d;
    return *this;
  }
  Svc& stop_signal(int sig) {
    s.stop_signal = sig;
    return *this;
  }
  Svc& breaker(int threshold, Millis window, Millis cooldown) {
    s.circuit_breaker = {threshold, window, cooldown};
    return *this;
  }
  Svc& schedule(bool run_on_start = false) {  // every minute
    s.type = config::ServiceType::oneshot;
    s.schedule = config::Schedule{Cron::parse("* * * * *").value(), std::nullopt, false, run_on_start, {}};
    return *this;
  }
  Svc& command(std::string text) {
    s.command = config::Command{{"/bin/sh", "-c", std::move(text)}, true};
    return *this;
  }
  Svc& stop_stack_on(std::vector<config::StackStop> when) {
    s.stop_stack_on = std::move(when);
    return *this;
  }
  Svc& success_codes(std::vector<int> codes) {
    s.success_exit_codes = std::move(codes);
    return *this;
  }
};

inline config::Config make_config(std::vector<Svc> services, int max_parallel_starts = 0) {
  config::Config cfg;
  cfg.name = "test";
  cfg.max_parallel_starts = max_parallel_starts;
  for (auto& s : services) cfg.services.push_back(std::move(s.s));
  return cfg;
}

// --- the fake OS --------------------------------------------------------------------------------

class FakeOs {
 public:
  explicit FakeOs(std::vector<Svc> services, int max_parallel_starts = 0)
      : cfg_(make_config(std::move(services), max_parallel_starts)),
        g_(graph::Graph::build(cfg_)),
        engine_(cfg_, g_) {}
  // A failing test shows what the engine did, step by step, in virtual time.
  ~FakeOs() {
    if (::testing::Test::HasFailure()) std::cerr << "engine log:\n" << log_.str();
  }
  FakeOs(const FakeOs&) = delete;
  FakeOs& operator=(const FakeOs&) = delete;

  // What the fake processes do on their own.
  bool sigkill_kills = true;  // SIGKILL ends the process (it always does)
  bool sigterm_kills =
      false;  // the stop signal ends the process at once; otherwise the test delivers the exit
  std::map<std::string, std::string> spawn_fails;  // the next spawn of that service fails with this error

  Engine& engine() { return engine_; }
  Id id(const std::string& name) const {
    auto i = g_.id(name);
    if (!i) throw std::runtime_error("no service " + name);
    return *i;
  }
  State state(const std::string& name) const { return engine_.view(id(name)).state; }
  const ServiceView& view(const std::string& name) const { return engine_.view(id(name)); }
  Millis now() const { return std::chrono::duration_cast<Millis>(now_ - TimePoint{}); }

  void start(const std::vector<std::string>& targets = {}) {
    std::vector<Id> ids;
    for (const auto& t : targets) ids.push_back(id(t));
    apply(engine_.start(now_, ids));
    drain();
  }
  // The file changed to `services` and applied (engine/reload.h): what changes.
  std::vector<ServiceChange> reload(std::vector<Svc> services, ReloadOptions options = {}) {
    config::Config fresh = make_config(std::move(services), cfg_.max_parallel_starts);
    graph::Graph fresh_graph = graph::Graph::build(fresh);
    ReloadPlan plan = plan_reload(cfg_, engine_.snapshot(), fresh, fresh_graph, options);
    earlier_.push_back(std::move(cfg_.services));  // as the supervisor keeps them
    cfg_ = std::move(plan.applied);
    g_ = std::move(plan.graph);
    log_ << at() << " reload\n";
    apply(engine_.reload(plan, now_));
    drain();
    return plan.changes;
  }
  const config::Config& config() const { return cfg_; }
  void send(Event e) {
    events_.push_back(std::move(e));
    drain();
  }
  void ready(const std::string& name) { send(Ready{id(name)}); }
  void exit(const std::string& name, int code = 0) {
    pid_.erase(id(name));
    send(Exited{id(name), code, 0});
  }
  void killed(const std::string& name, int sig) {
    pid_.erase(id(name));
    send(Exited{id(name), -1, sig});
  }
  bool running(const std::string& name) const { return pid_.count(id(name)) > 0; }

  // Advances virtual time by `d`, firing every timer that falls due, in deadline order.
  void advance(Millis d) {
    TimePoint until = now_ + d;
    while (true) {
      auto next = timers_.end();
      for (auto it = timers_.begin(); it != timers_.end(); ++it)
        if (it->second.deadline <= until &&
            (next == timers_.end() || std::tie(it->second.deadline, it->second.seq) <
                                          std::tie(next->second.deadline, next->second.seq)))
          next = it;
      if (next == timers_.end()) break;
      auto [key, t] = *next;
      timers_.erase(next);
      now_ = t.deadline;
      send(TimerFired{key.first, key.second, t.token});
    }
    now_ = until;
  }

  // The pending timer of that kind, if any: when it falls due (from now) and its token.
  struct Pending {
    Millis in;
    uint64_t token;
  };
  std::optional<Pending> timer(const std::string& name, Timer t) const {
    auto it = timers_.find({id(name), t});
    if (it == timers_.end()) return std::nullopt;
    return Pending{std::chrono::duration_cast<Millis>(it->second.deadline - now_), it->second.token};
  }

  // --- what the engine asked for ---
  struct SpawnRec {
    std::string name;
    int attempt;
    Millis at;
  };
  struct SignalRec {
    std::string name;
    int signal;
    Millis at;
    bool main_only;
  };
  struct ArmRec {
    std::string name;
    Timer timer;
    Millis after;
  };
  std::vector<SpawnRec> spawns;
  std::vector<SignalRec> signals;
  std::vector<ArmRec> arms;
  std::vector<Notice> notices;
  std::vector<Phase> phases;
  std::vector<std::string> post_starts;  // a RunPostStart per entry, by service name

  std::vector<std::string> spawned_names() const {
    std::vector<std::string> out;
    for (const auto& s : spawns) out.push_back(s.name);
    return out;
  }
  std::vector<Millis> spawn_times(const std::string& name) const {
    std::vector<Millis> out;
    for (const auto& s : spawns)
      if (s.name == name) out.push_back(s.at);
    return out;
  }
  std::vector<int> signals_to(const std::string& name) const {
    std::vector<int> out;
    for (const auto& s : signals)
      if (s.name == name) out.push_back(s.signal);
    return out;
  }
  std::vector<std::string> signalled() const {
    std::vector<std::string> out;
    for (const auto& s : signals) out.push_back(s.name);
    return out;
  }
  std::vector<Millis> armed(const std::string& name, Timer t) const {
    std::vector<Millis> out;
    for (const auto& a : arms)
      if (a.name == name && a.timer == t) out.push_back(a.after);
    return out;
  }
  // The message of the last notice that moved `name` into `to`.
  std::string message(const std::string& name, State to) const {
    for (auto it = notices.rbegin(); it != notices.rend(); ++it)
      if (it->id == id(name) && it->to == to) return it->message;
    return "<no notice to " + std::string(name_of(to)) + ">";
  }
  bool phase_seen(Phase p) const { return std::find(phases.begin(), phases.end(), p) != phases.end(); }

 private:
  struct Armed {
    TimePoint deadline;
    uint64_t token;
    uint64_t seq;
  };

  std::string at() const { return fmt_ms(now()); }
  static std::string fmt_ms(Millis m) { return std::to_string(m.count()) + "ms"; }

  void apply(std::vector<Action> actions) {
    for (auto& a : actions) {
      std::visit(
          [&](auto& act) {
            using A = std::decay_t<decltype(act)>;
            if constexpr (std::is_same_v<A, Spawn>) {
              const std::string& n = g_.name(act.id);
              spawns.push_back({n, act.attempt, now()});
              log_ << at() << " spawn " << n << " #" << act.attempt << "\n";
              if (auto f = spawn_fails.find(n); f != spawn_fails.end()) {
                events_.push_back(SpawnFailed{act.id, f->second});
                spawn_fails.erase(f);
              } else {
                int pid = next_pid_++;
                pid_[act.id] = pid;
                events_.push_back(Spawned{act.id, pid});
              }
            } else if constexpr (std::is_same_v<A, Signal>) {
              const std::string& n = g_.name(act.id);
              signals.push_back({n, act.signal, now(), act.main_only});
              log_ << at() << " signal " << n << " " << act.signal << "\n";
              bool dies =
                  (act.signal == SIGKILL && sigkill_kills) || (act.signal != SIGKILL && sigterm_kills);
              if (dies && pid_.erase(act.id)) events_.push_back(Exited{act.id, -1, act.signal});
            } else if constexpr (std::is_same_v<A, ArmTimer>) {
              arms.push_back({g_.name(act.id), act.timer, act.after});
              timers_[{act.id, act.timer}] = {now_ + act.after, act.token, seq_++};
              log_ << at() << " arm " << g_.name(act.id) << " timer " << static_cast<int>(act.timer) << " +"
                   << fmt_ms(act.after) << " token " << act.token << "\n";
            } else if constexpr (std::is_same_v<A, Notice>) {
              log_ << at() << " " << g_.name(act.id) << " " << name_of(act.from) << " -> " << name_of(act.to)
                   << (act.message.empty() ? "" : ": " + act.message) << "\n";
              notices.push_back(std::move(act));
            } else if constexpr (std::is_same_v<A, PhaseChanged>) {
              log_ << at() << " phase " << name_of(act.phase) << "\n";
              phases.push_back(act.phase);
            } else if constexpr (std::is_same_v<A, RunProbes>) {
              // Probes are played by the test (Ready, LivenessFailed).
            } else if constexpr (std::is_same_v<A, RunPostStart>) {
              log_ << at() << " post_start " << g_.name(act.id) << "\n";
              post_starts.push_back(g_.name(act.id));
            }
          },
          a);
    }
  }

  void drain() {
    while (!events_.empty()) {
      Event e = std::move(events_.front());
      events_.pop_front();
      apply(engine_.handle(e, now_));
    }
  }

  config::Config cfg_;
  graph::Graph g_;
  Engine engine_;
  std::vector<std::vector<config::Service>> earlier_;
  TimePoint now_{};
  std::deque<Event> events_;
  std::map<std::pair<Id, Timer>, Armed> timers_;
  std::map<Id, int> pid_;
  int next_pid_ = 100;
  uint64_t seq_ = 0;
  std::ostringstream log_;
};

}  // namespace fixture
}  // namespace lineup::engine
