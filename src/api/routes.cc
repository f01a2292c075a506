#include "api/routes.h"
#include "util/strings.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <iterator>

namespace lineup::api {

namespace {

using json = nlohmann::ordered_json;

// Statuses and errors are whatever a service or a probed server sent (an
// sd_notify STATUS=, a redis reply): not always UTF-8, which dump() would
// throw on. Invalid bytes become U+FFFD instead.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A JSON string. Names, states and most statuses are plain printable ASCII
// and are only quoted; anything else goes through nlohmann's escaping.
void append_string(std::string& out, std::string_view s) {
  bool plain =
      std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += dump(json(std::string(s)));
  }
}

// Written out directly rather than built as a json object: the supervisor
// writes the whole list to state.json every 50 ms while a stack starts, and
// nlohmann's object building took 5 us per service there (0.5 ms for 100,
// in the middle of the loop that spawns the next service).
void append_service(std::string& out, const engine::ServiceView& s) {
  out += "{\"name\":";
  append_string(out, s.name);
  if (!s.replica_of.empty()) {
    out += ",\"replica_of\":";
    append_string(out, s.replica_of);
  }
  fmt::format_to(std::back_inserter(out),
                 ",\"state\":\"{}\",\"priority\":\"{}\",\"pid\":{},\"attempts\":{},\"restarts\":{},"
                 "\"breaker\":\"{}\",\"ready\":{},\"status\":",
                 engine::name_of(s.state), config::name_of(s.priority), s.pid, s.attempts, s.restarts,
                 engine::name_of(s.breaker), s.ready);
  append_string(out, s.error.empty() || s.ready ? s.status : s.error);
  out += '}';
}

Response json_response(int status, const json& body) {
  return {status, "application/json", dump(body) + "\n"};
}
Response error(int status, std::string message) {
  return json_response(status, {{"error", std::move(message)}});
}

// A service a reload removed is shown while it stops, and not after.
bool shown(const engine::ServiceView& s) {
  return !s.retired || !engine::is_down(s.state);
}

std::optional<engine::Id> find(const View& v, std::string_view name) {
  for (size_t i = 0; i < v.snapshot.services.size(); ++i)
    if (v.snapshot.services[i].name == name && shown(v.snapshot.services[i]))
      return static_cast<engine::Id>(i);
  return std::nullopt;
}

bool critical_or_high(const engine::ServiceView& s) {
  return s.priority == config::Priority::critical || s.priority == config::Priority::high;
}

Routed services(const View& v) {
  return {{200, "application/json", services_json(v.snapshot)}, std::nullopt};
}

Routed ready(const View& v) {
  std::vector<std::string> not_ready;
  for (const auto& s : v.snapshot.services)
    if (s.goal == engine::Goal::up && critical_or_high(s) && s.state != engine::State::ready &&
        s.state != engine::State::completed)
      not_ready.push_back(s.name);
  if (not_ready.empty()) return {json_response(200, {{"status", "ready"}}), std::nullopt};
  return {json_response(503, {{"status", "not ready"}, {"waiting_for", not_ready}}), std::nullopt};
}

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

template <class Family>
void probe_metrics(const std::vector<engine::ProbeStats>& stats, std::string& out, Family& family) {
  family("lineup_probe_duration_seconds", "histogram", "Time from the start of a probe check to its result.");
  for (const auto& p : stats) {
    std::string labels = fmt::format("service=\"{}\",kind=\"{}\"", escape_label(p.service), p.kind);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < p.kBuckets.size(); ++i) {
      cumulative += p.in_bucket[i];
      out += fmt::format("lineup_probe_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, p.kBuckets[i],
                         cumulative);
    }
    out += fmt::format("lineup_probe_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, p.count);
    out += fmt::format("lineup_probe_duration_seconds_sum{{{}}} {:.6f}\n", labels, p.sum_seconds);
    out += fmt::format("lineup_probe_duration_seconds_count{{{}}} {}\n", labels, p.count);
  }
  family("lineup_probe_failures_total", "counter", "Probe checks that failed.");
  for (const auto& p : stats)
    out += fmt::format("lineup_probe_failures_total{{service=\"{}\",kind=\"{}\"}} {}\n",
                       escape_label(p.service), p.kind, p.failures);
}

// Prometheus text exposition (version 0.0.4): one family per metric, a
// `service` label per service, label values escaped.
std::string metrics_text(const View& v) {
  auto label = escape_label;
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  auto per_service = [&](const char* name, const char* type, const char* help, auto value) {
    family(name, type, help);
    for (const auto& s : v.snapshot.services)
      if (shown(s)) out += fmt::format("{}{{service=\"{}\"}} {}\n", name, label(s.name), value(s));
  };
  per_service("lineup_service_up", "gauge", "1 while the service has a running process.",
              [](const engine::ServiceView& s) { return s.pid != 0 ? 1 : 0; });
  per_service("lineup_service_ready", "gauge", "1 while the service is ready (or a oneshot completed).",
              [](const engine::ServiceView& s) {
                return s.state == engine::State::ready || s.state == engine::State::completed ? 1 : 0;
              });
  per_service("lineup_service_restarts_total", "counter", "Restarts after failures.",
              [](const engine::ServiceView& s) { return s.restarts; });
  per_service("lineup_service_attempts_total", "counter", "Spawns, the first one included.",
              [](const engine::ServiceView& s) { return s.attempts; });
  per_service("lineup_service_startup_seconds", "gauge",
              "Spawn to ready of the last attempt that became ready.", [](const engine::ServiceView& s) {
                if (!s.spawned_at || !s.ready_at) return std::string("NaN");
                return fmt::format("{:.6f}",
                                   std::chrono::duration<double>(*s.ready_at - *s.spawned_at).count());
              });
  per_service(
      "lineup_service_breaker_open", "gauge", "Circuit breaker: 0 closed, 1 half-open, 2 open.",
      [](const engine::ServiceView& s) {
        return s.breaker == engine::Breaker::open ? 2 : s.breaker == engine::Breaker::half_open ? 1 : 0;
      });
  family("lineup_service_state", "gauge", "1 for the state the service is in.");
  for (const auto& s : v.snapshot.services)
    if (shown(s))
      out += fmt::format("lineup_service_state{{service=\"{}\",state=\"{}\"}} 1\n", label(s.name),
                         engine::name_of(s.state));
  if (v.probe_stats) probe_metrics(*v.probe_stats, out, family);
  family("lineup_stack_state", "gauge", "1 for the state the stack is in.");
  out += fmt::format("lineup_stack_state{{state=\"{}\"}} 1\n", engine::name_of(v.snapshot.phase));
  return out;
}

}  // namespace

std::string service_json(const engine::ServiceView& s) {
  std::string out;
  append_service(out, s);
  return out;
}

std::string services_json(const engine::Snapshot& snapshot) {
  std::string out = fmt::format("{{\"result\":\"{}\",\"services\":[", engine::name_of(snapshot.phase));
  out.reserve(out.size() + 160 * snapshot.services.size());
  bool first = true;
  for (const auto& s : snapshot.services) {
    if (!shown(s)) continue;
    if (!first) out += ',';
    first = false;
    append_service(out, s);
  }
  out += "]}\n";
  return out;
}

Routed route(const Request& r, const View& v) {
  std::string path = r.target.substr(0, r.target.find('?'));
  bool get = r.method == "GET" || r.method == "HEAD";
  bool post = r.method == "POST";

  if (path == "/health/live")
    return {get ? json_response(200, {{"status", "alive"}}) : error(405, "use GET"), {}};
  if (path == "/health/ready") return get ? ready(v) : Routed{error(405, "use GET"), {}};
  if (path == "/health/startup") {
    if (!get) return {error(405, "use GET"), {}};
    std::string report = v.last_run_json();
    if (report.empty()) return {error(404, "the startup has no result yet"), {}};
    return {{200, "application/json", std::move(report)}, {}};
  }
  if (path == "/v1/services") return get ? services(v) : Routed{error(405, "use GET"), {}};
  if (path == "/metrics") {
    if (!get) return {error(405, "use GET"), {}};
    return {{200, "text/plain; version=0.0.4", metrics_text(v)}, {}};
  }
  if (path == "/v1/down") {
    if (!post) return {error(405, "use POST"), {}};
    return {json_response(202, {{"status", "stopping"}}), Command{Command::Kind::down}};
  }
  constexpr std::string_view prefix = "/v1/services/";
  if (path.starts_with(prefix)) {
    std::string_view rest = std::string_view(path).substr(prefix.size());
    auto slash = rest.find('/');
    std::string name = percent_decode(rest.substr(0, slash));
    auto id = find(v, name);
    if (!id) return {error(404, fmt::format("no service named \"{}\"", name)), {}};
    const auto& s = v.snapshot.services[static_cast<size_t>(*id)];
    if (slash == std::string_view::npos) {
      if (!get) return {error(405, "use GET"), {}};
      return {{200, "application/json", service_json(s) + "\n"}, {}};
    }
    std::string_view action = rest.substr(slash + 1);
    if (!post) return {error(405, "use POST"), {}};
    static const std::pair<std::string_view, Command::Kind> actions[] = {
        {"start", Command::Kind::start}, {"stop", Command::Kind::stop}, {"restart", Command::Kind::restart}};
    for (auto [word, kind] : actions)
      if (action == word) return {{202, "application/json", service_json(s) + "\n"}, Command{kind, *id}};
    return {error(404, fmt::format("unknown action \"{}\" (start, stop or restart)", action)), {}};
  }
  return {error(404, fmt::format("no route for {}", path)), {}};
}

engine::Event Command::event() const {
  switch (kind) {
    case Kind::start:
      return engine::StartRequested{service};
    case Kind::stop:
      return engine::StopRequested{service};
    case Kind::restart:
      return engine::RestartRequested{service};
    case Kind::down:
      break;
  }
  return engine::Shutdown{false};
}

}  // namespace lineup::api
