// `lineup wait TARGET...`: wait until every target is ready, without any
// config file: the replacement for wait-for-it.sh and friends, and the init
// container of `export kubernetes` later. Targets are checked in parallel,
// each with its own backoff; on timeout each target says what it last saw.
#include <fmt/format.h>
#include <signal.h>
#include <CLI/CLI.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <random>

#include "cli/cli.h"
#include "config/decode.h"
#include "config/redact.h"
#include "engine/restart.h"
#include "probes/kinds.h"
#include "probes/redis.h"
#include "runtime/reaper.h"
#include "runtime/spawn.h"
#include "util/result.h"

namespace lineup::cli {

namespace {

namespace asio = boost::asio;

struct WaitOptions {
  std::vector<std::string> targets;
  std::string timeout = "60s";
  std::string interval = "250ms";
};

// `host:port` or `[v6]:port`: the host (brackets removed) and the port
// text, or nullopt without a colon or a host.
std::optional<std::pair<std::string, std::string_view>> host_and_port(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string host(s.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return std::pair{host, s.substr(colon + 1)};
}

// A target as a probe of the config layer, so `wait` and `ready:` share every check.
lineup::Result<config::ProbeKind> parse_target(const std::string& target) {
  // A bare host:port (wait-for-it's spelling) is a TCP target.
  bool bare = target.find("://") == std::string::npos && !target.starts_with("file:") &&
              !target.starts_with("exec:") && target.find(':') != std::string::npos;
  const std::string t = bare ? "tcp://" + target : target;
  if (t.starts_with("tcp://")) {
    auto hp = host_and_port(std::string_view(t).substr(6));
    int port = hp ? std::atoi(std::string(hp->second).c_str()) : 0;
    if (!hp || port <= 0 || port > 65535 || hp->first.empty())
      return unexpected(std::string("tcp target needs host:port"));
    return config::ProbeKind{config::TcpProbe{hp->first, port}};
  }
  // A URL that can never be checked is a usage error now, not a timeout later.
  if (t.starts_with("http://") || t.starts_with("https://")) {
    if (auto why = probes::http_url_problem(t)) return unexpected(*why);
    config::HttpProbe p;
    p.url = t;
    return config::ProbeKind{p};
  }
  // grpc://host:port[/SERVICE]; grpcs:// with TLS.
  if (t.starts_with("grpc://") || t.starts_with("grpcs://")) {
    config::GrpcProbe p;
    p.tls = t.starts_with("grpcs://");
    std::string_view rest = std::string_view(t).substr(p.tls ? 8 : 7);
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
      p.service = std::string(rest.substr(slash + 1));
      rest = rest.substr(0, slash);
    }
    auto hp = host_and_port(rest);
    if (!hp) return unexpected(std::string("grpc target needs host:port"));
    std::string_view port = hp->second;
    p.port =
        port.size() <= 5 && !port.empty() && port.find_first_not_of("0123456789") == std::string_view::npos
            ? std::atoi(std::string(port).c_str())
            : 0;
    if (p.port < 1 || p.port > 65535)
      return unexpected(std::string("the port is not a number from 1 to 65535"));
    p.host = hp->first;
    return config::ProbeKind{p};
  }
  if (t.starts_with("mysql://") || t.starts_with("mariadb://")) {
    if (auto why = probes::mysql_url_problem(t)) return unexpected(*why);
    config::MysqlProbe p;
    p.url = t;
    return config::ProbeKind{p};
  }
  if (t.starts_with("ws://") || t.starts_with("wss://")) {
    if (auto why = probes::websocket_url_problem(t)) return unexpected(*why);
    config::WebSocketProbe p;
    p.url = t;
    return config::ProbeKind{p};
  }
  if (t.starts_with("postgres://") || t.starts_with("postgresql://")) {
    if (auto why = probes::postgres_url_problem(t)) return unexpected(*why);
    config::PostgresProbe p;
    p.url = t;
    return config::ProbeKind{p};
  }
  if (t.starts_with("redis://") || t.starts_with("rediss://")) {
    auto parsed = probes::parse_redis_url(t);
    if (auto* why = std::get_if<std::string>(&parsed)) return unexpected(*why);
    config::RedisProbe p;
    p.url = t;
    return config::ProbeKind{p};
  }
  // kubernetes-job://NAMESPACE/NAME, kubernetes-deployment://, kubernetes-statefulset://
  for (auto [scheme, resource] :
       {std::pair{"kubernetes-job://", "jobs"}, std::pair{"kubernetes-deployment://", "deployments"},
        std::pair{"kubernetes-statefulset://", "statefulsets"}}) {
    if (!t.starts_with(scheme)) continue;
    std::string_view rest = std::string_view(t).substr(std::string_view(scheme).size());
    auto slash = rest.find('/');
    auto valid = [](std::string_view s) {
      return !s.empty() && s.size() <= 253 &&
             s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string_view::npos;
    };
    if (slash == std::string_view::npos || !valid(rest.substr(0, slash)) || !valid(rest.substr(slash + 1)))
      return unexpected(fmt::format("{}NAMESPACE/NAME: both lowercase DNS names", scheme));
    return config::ProbeKind{config::KubernetesProbe{resource, std::string(rest.substr(0, slash)),
                                                     std::string(rest.substr(slash + 1))}};
  }
  if (t.starts_with("file:") && t.size() > 5) return config::ProbeKind{config::FileProbe{t.substr(5)}};
  if (t.starts_with("exec:") && t.size() > 5)
    return config::ProbeKind{config::ExecProbe{config::Command{{"/bin/sh", "-c", t.substr(5)}, true}}};
  return unexpected(std::string(
      "unknown target (use host:port, tcp://, http://, https://, ws://, wss://, grpc://, postgres://, "
      "mysql://, redis://, file:, exec:, kubernetes-job://)"));
}

// `wait` runs no services: its only children are exec targets.
class WaitHost : public probes::Host {
 public:
  explicit WaitHost(asio::io_context& io) : reaper_(io, nullptr) {}
  void feed(engine::Event) override {}
  lineup::Result<pid_t> run_command(engine::Id, const std::vector<std::string>& argv,
                                    const std::string& working_dir,
                                    std::function<void(int)> on_exit) override {
    auto pid = runtime::spawn_silent(argv, env_, working_dir);
    if (!pid) return unexpected(pid.error().message());
    reaper_.watch(*pid, std::move(on_exit));
    return *pid;
  }

 private:
  runtime::Reaper reaper_;
  std::vector<std::string> env_ = [] {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
    return env;
  }();
};

struct Target {
  std::string text;
  config::ProbeKind kind;
  bool ready = false;
  std::string last = "not checked yet";
  int failures = 0;
  std::unique_ptr<asio::steady_timer> timer;
  bool in_flight = false;  // an attempt awaits its answer
};

int run_wait(const GlobalOptions& g, const WaitOptions& o) {
  auto timeout = parse_duration(o.timeout);
  auto interval = parse_duration(o.interval);
  if (!timeout || !interval || interval->count() <= 0) {
    fmt::print(stderr, "lineup: wait: --timeout and --interval take durations like 30s or 250ms\n");
    return kUsage;
  }
  asio::io_context io;
  // A server may echo a password back in its error (Redis does, for a bad
  // AUTH): every URL password is masked in whatever wait prints.
  config::Redactor redact;
  for (const auto& t : o.targets)
    for (auto& pw : config::url_passwords(t)) redact.add_secret(std::move(pw));
  std::vector<Target> targets;
  for (const auto& t : o.targets) {
    auto kind = parse_target(t);
    if (!kind) {
      fmt::print(stderr, "lineup: wait: {}: {}\n", config::redact_url_passwords(t), kind.error());
      return kUsage;
    }
    targets.push_back(
        {t, std::move(*kind), false, "not checked yet", 0, std::make_unique<asio::steady_timer>(io)});
  }
  WaitHost host(io);
  // Each target backs off on its own: from --interval by 1.5 per failure, up
  // to 2 s (or --interval, if longer), +-20 %: the restart schedule's rule.
  const config::Backoff backoff{*interval, std::max(*interval, Millis(2000)), 1.5, 0.2, Millis(0)};
  engine::SplitMix64 rng(std::random_device{}());
  size_t pending = targets.size();
  Millis attempt_timeout = std::min<Millis>(*timeout, Millis(5000));
  asio::steady_timer deadline(io);

  std::function<void(Target&)> attempt = [&](Target& t) {
    t.in_flight = true;
    auto done = [&](probes::Result r) {
      t.in_flight = false;
      t.last = r.reason;
      if (r.ok) {
        t.ready = true;
        if (!g.quiet) fmt::print("{}: ready ({})\n", config::redact_url_passwords(t.text), redact(r.reason));
        if (--pending == 0) io.stop();
        return;
      }
      Millis wait = engine::backoff_delay(backoff, ++t.failures, rng);
      t.timer->expires_after(wait);
      t.timer->async_wait([&](boost::system::error_code ec) {
        if (!ec) attempt(t);
      });
    };
    probes::check_once(io, host, 0, t.kind, "", attempt_timeout, done);
  };

  bool timed_out = false;
  if (timeout->count() > 0) {
    deadline.expires_after(*timeout);
    deadline.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      timed_out = true;
      io.stop();
    });
  }
  for (auto& t : targets) attempt(t);
  io.run();
  if (!timed_out && pending == 0) return kOk;
  fmt::print(stderr, "lineup: wait: timeout after {}\n", format_duration(*timeout));
  for (const auto& t : targets) {
    if (t.ready) continue;
    // A first attempt still waiting (a TLS handshake with a server that
    // does not speak TLS, a silent port): say so rather than "not checked".
    std::string last = t.in_flight && t.last == "not checked yet"
                           ? fmt::format("no answer within {}", format_duration(*timeout))
                           : t.last;
    fmt::print(stderr, "  {}: {}\n", config::redact_url_passwords(t.text), redact(last));
  }
  return kFailed;
}

}  // namespace

void register_wait(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<WaitOptions>();
  auto* cmd = app.add_subcommand("wait", "Wait until every target is ready (no config file needed)");
  cmd->add_option("targets", o->targets,
                  "tcp://host:port, http(s)://..., ws(s)://..., grpc://host:port, postgres://..., "
                  "mysql://..., redis://..., file:PATH, exec:COMMAND")
      ->required();
  cmd->add_option("--timeout", o->timeout, "Give up after this long (default 60s; 0 = never)");
  cmd->add_option("--interval", o->interval, "First pause between attempts; grows to 2s (default 250ms)");
  cmd->callback([&g, o, &action] { action = [&g, o] { return run_wait(g, *o); }; });
}

}  // namespace lineup::cli
