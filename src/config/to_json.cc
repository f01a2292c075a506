#include "config/to_json.h"

#include <fmt/format.h>

#include "util/url.h"

#include <type_traits>

namespace lineup::config {

using json = nlohmann::ordered_json;

namespace {

json command_json(const Command& c, const Redactor& redact) {
  if (c.shell && c.argv.size() == 3) return redact(c.argv[2]);
  json a = json::array();
  for (const auto& s : c.argv) a.push_back(redact(s));
  return a;
}

json env_json(const std::vector<std::pair<std::string, std::string>>& env, const Redactor& redact) {
  json o = json::object();
  for (const auto& [k, v] : env)
    o[k] = is_secret_name(k) && !redact.is_verbatim() ? std::string("***") : redact(v);
  return o;
}

// A probe's request headers; credentials shown as ***.
json headers_json(const std::vector<std::pair<std::string, std::string>>& headers, const Redactor& redact) {
  json o = json::object();
  for (const auto& [n, v] : headers)
    o[n] = (is_secret_name(n) || n == "Authorization") && !redact.is_verbatim() ? "***" : redact(v);
  return o;
}

std::string dur(Millis d) {
  return format_duration(d);
}

}  // namespace

json to_json(const Probe& p, const Redactor& redact) {
  json o = json::object();
  std::visit(
      [&](const auto& k) {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ExecProbe>) {
          o["exec"] = command_json(k.command, redact);
        } else if constexpr (std::is_same_v<K, TcpProbe>) {
          o["tcp"] = (k.host.find(':') != std::string::npos ? "[" + k.host + "]" : k.host) + ":" +
                     std::to_string(k.port);
        } else if constexpr (std::is_same_v<K, HttpProbe>) {
          json h = {{"url", redact(k.url)}, {"method", k.method}};
          if (!k.headers.empty()) h["headers"] = headers_json(k.headers, redact);
          if (k.status_class) {
            h["status"] = std::to_string(k.status_class) + "xx";
          } else {
            h["status"] = k.status;
          }
          if (!k.body.empty()) h["body"] = redact(k.body);
          if (!k.body_contains.empty()) h["body_contains"] = redact(k.body_contains);
          if (!k.body_regex.empty()) h["body_regex"] = redact(k.body_regex.text);
          if (!k.json.empty()) {
            json j = json::object();
            for (const auto& [path, v] : k.json) j[path] = redact(v);
            h["json"] = j;
          }
          o["http"] = h;
        } else if constexpr (std::is_same_v<K, GrpcProbe>) {
          json g = {{"target", (k.host.find(':') != std::string::npos ? "[" + k.host + "]" : k.host) + ":" +
                                   std::to_string(k.port)}};
          if (!k.service.empty()) g["service"] = redact(k.service);
          if (k.tls) g["tls"] = true;
          o["grpc"] = g;
        } else if constexpr (std::is_same_v<K, KubernetesProbe>) {
          o["kubernetes"] = {{"resource", k.resource}, {"namespace", k.ns}, {"name", k.name}};
        } else if constexpr (std::is_same_v<K, WebSocketProbe>) {
          json w = {{"url", redact(k.url)}};
          if (!k.headers.empty()) w["headers"] = headers_json(k.headers, redact);
          if (!k.send.empty()) w["send"] = redact(k.send);
          if (!k.expect.empty()) w["expect"] = redact(k.expect.text);
          o["websocket"] = w;
        } else if constexpr (std::is_same_v<K, PostgresProbe> || std::is_same_v<K, MysqlProbe>) {
          json sql = {{"url", redact(k.url)}, {"query", redact(k.query)}};
          if (k.expect_rows) sql["expect"] = "rows";
          o[std::is_same_v<K, MysqlProbe> ? "mysql" : "postgres"] = sql;
        } else if constexpr (std::is_same_v<K, RedisProbe>) {
          json checks = json::array({"ping"});
          if (k.roundtrip) checks.push_back("roundtrip");
          if (k.loaded) checks.push_back("loaded");
          o["redis"] = {{"url", redact(k.url)}, {"checks", checks}};
        } else if constexpr (std::is_same_v<K, LogProbe>) {
          o["log"] = redact(k.regex.text);
        } else if constexpr (std::is_same_v<K, NotifyProbe>) {
          o["notify"] = true;
        } else if constexpr (std::is_same_v<K, NotifyFdProbe>) {
          o["notify_fd"] = k.fd;
        } else if constexpr (std::is_same_v<K, FileProbe>) {
          o["file"] = redact(k.path);
        }
      },
      p.kind);
  const auto& t = p.timing;
  o["initial_delay"] = dur(t.initial_delay);
  o["interval"] = dur(t.interval);
  o["start_interval"] = dur(t.start_interval);
  o["timeout"] = dur(t.timeout);
  if (t.grace.count()) o["grace"] = dur(t.grace);
  o["success_threshold"] = t.success_threshold;
  o["failure_threshold"] = t.failure_threshold;
  return o;
}

namespace {

// A webhook's address carries its credential in the path (Slack's, Discord's): shown as origin/***.
std::string webhook_url(const std::string& url, const Redactor& redact) {
  auto parts = split_url(url);
  if (redact.is_verbatim() || !parts || parts->rest.empty() || parts->rest == "/") return redact(url);
  return fmt::format("{}://{}{}/***", parts->scheme, parts->host,
                     parts->port.empty() ? "" : ":" + parts->port);
}

json hooks_json(const std::vector<StateHook>& hooks, const Redactor& redact) {
  json list = json::array();
  for (const auto& h : hooks) {
    json j = json::object();
    if (!h.when.empty()) {
      j["when"] = json::array();
      for (auto e : h.when) j["when"].push_back(std::string(name_of(e)));
    }
    if (h.exec) j["exec"] = command_json(*h.exec, redact);
    if (!h.url.empty()) {
      j["http"] = {{"url", webhook_url(h.url, redact)}};
      if (!h.headers.empty()) j["http"]["headers"] = headers_json(h.headers, redact);
    }
    list.push_back(j);
  }
  return list;
}

}  // namespace

json to_json(const Config& cfg, const Redactor& redact) {
  json o = json::object();
  o["name"] = redact(cfg.name);
  o["project_dir"] = cfg.project_dir;
  o["files"] = cfg.files;
  o["profile"] = cfg.profile;
  if (!cfg.namespaces.empty()) o["namespaces"] = cfg.namespaces;
  if (!cfg.environment.empty()) o["environment"] = env_json(cfg.environment, redact);
  if (!cfg.require_env.empty()) o["require_env"] = cfg.require_env;
  if (!cfg.profiles.empty()) {
    json ps = json::object();
    for (const auto& [name, p] : cfg.profiles) {
      json j = {{"timeout_multiplier", p.timeout_multiplier}};
      if (p.probe_interval) j["probe_interval"] = dur(*p.probe_interval);
      ps[name] = j;
    }
    o["profiles"] = ps;
  }
  o["api"] = {{"listen", redact(cfg.api.listen)}};
  if (!cfg.api.token_env.empty()) o["api"]["token_env"] = cfg.api.token_env;
  o["max_parallel_starts"] = cfg.max_parallel_starts;
  if (!cfg.log_location.empty()) o["log_location"] = cfg.log_location;
  if (!cfg.on_state.empty()) o["on_state"] = hooks_json(cfg.on_state, redact);

  json services = json::object();
  for (const auto& s : cfg.services) {
    json j = json::object();
    if (s.command) j["command"] = command_json(*s.command, redact);
    if (!s.image->empty()) j["image"] = redact(*s.image);
    j["type"] = std::string(name_of(s.type));
    if (s.replica) {  // one of `replicas: N` copies (config/replicas.h)
      j["replica_of"] = *s.replica_of;
      j["replica"] = s.replica;
    }
    // Normalised to an absolute path; the project directory is the default, not shown.
    if (!s.working_dir.empty() && s.working_dir != cfg.project_dir) j["working_dir"] = redact(s.working_dir);
    if (!s.environment.empty()) j["environment"] = env_json(s.environment, redact);
    if (!s.depends_on.empty()) {
      json deps = json::object();
      for (const auto& d : s.depends_on)
        deps[d.name] = {{"condition", std::string(name_of(d.condition))},
                        {"required", d.required},
                        {"restart", d.restart}};
      j["depends_on"] = deps;
    }
    j["priority"] = std::string(name_of(s.priority));
    if (!s.ready.empty()) {
      j["ready"] = json::array();
      for (const auto& p : s.ready) j["ready"].push_back(to_json(p, redact));
    }
    if (!s.live.empty()) {
      j["live"] = json::array();
      for (const auto& p : s.live) j["live"].push_back(to_json(p, redact));
    }
    j["startup_timeout"] = dur(s.startup_timeout);
    if (s.ready.empty() && s.type == ServiceType::service) j["min_uptime"] = dur(s.min_uptime);
    const auto& b = s.restart.backoff;
    j["restart"] = {{"policy", std::string(name_of(s.restart.policy))},
                    {"backoff",
                     {{"initial", dur(b.initial)},
                      {"max", dur(b.max)},
                      {"multiplier", b.multiplier},
                      {"jitter", b.jitter},
                      {"reset_after", dur(b.reset_after)}}},
                    {"max_attempts", s.restart.max_attempts}};
    j["circuit_breaker"] = {{"threshold", s.circuit_breaker.threshold},
                            {"window", dur(s.circuit_breaker.window)},
                            {"cooldown", dur(s.circuit_breaker.cooldown)}};
    j["stop_signal"] = s.stop_signal;
    if (s.kill_mode != KillMode::group) j["kill_mode"] = std::string(name_of(s.kill_mode));
    j["stop_grace_period"] = dur(s.stop_grace_period);
    if (s.stop_command) j["stop_command"] = command_json(*s.stop_command, redact);
    if (!s.post_start->empty()) {
      j["post_start"] = json::array();
      for (const auto& c : *s.post_start) j["post_start"].push_back(command_json(c, redact));
    }
    if (!s.on_state->empty()) j["on_state"] = hooks_json(*s.on_state, redact);
    if (!s.stop_stack_on->empty()) {
      j["stop_stack_on"] = json::array();
      for (auto w : *s.stop_stack_on) j["stop_stack_on"].push_back(std::string(name_of(w)));
    }
    if (s.schedule) {
      json sch = json::object();
      if (s.schedule->cron) sch["cron"] = s.schedule->cron->text();
      if (s.schedule->interval) sch["interval"] = dur(*s.schedule->interval);
      if (s.schedule->utc) sch["timezone"] = "UTC";
      if (s.schedule->run_on_start) sch["run_on_start"] = true;
      j["schedule"] = sch;
    }
    if (!s.watch->empty()) {
      json rules = json::array();
      for (const auto& w : *s.watch) {
        json r = {{"path", redact(w.path)}};
        if (!w.include.empty()) r["include"] = w.include;
        if (!w.exclude.empty()) r["exclude"] = w.exclude;
        r["debounce"] = dur(w.debounce);
        rules.push_back(r);
      }
      j["watch"] = rules;
    }
    if (!s.limits->empty()) {
      json l = json::object();
      if (s.limits->memory) l["memory"] = format_bytes(*s.limits->memory);
      if (s.limits->cpus) l["cpus"] = *s.limits->cpus;
      if (s.limits->pids) l["pids"] = *s.limits->pids;
      for (auto [key, r] : {std::pair{"nofile", s.limits->nofile}, std::pair{"nproc", s.limits->nproc}})
        if (r) l[key] = r->soft == r->hard ? json(r->soft) : json{{"soft", r->soft}, {"hard", r->hard}};
      j["limits"] = l;
    }
    if (!s.ports->empty()) {
      json ports = json::array();
      for (const auto& p : *s.ports)
        ports.push_back(p.protocol == "tcp" ? std::to_string(p.port)
                                            : std::to_string(p.port) + "/" + p.protocol);
      j["ports"] = ports;
    }
    if (!s.expose->empty()) j["expose"] = *s.expose;
    if (!s.profiles->empty()) j["profiles"] = *s.profiles;
    if (!s.namespaces->empty()) j["namespace"] = *s.namespaces;
    if (s.expected_startup) j["expected_startup"] = dur(*s.expected_startup);
    if (!s.fail_on_log->empty()) j["fail_on_log"] = redact(s.fail_on_log->text);
    if (!s.mask_output) j["mask_output"] = false;
    if (!s.log_location->empty()) j["log_location"] = redact(*s.log_location);
    if (s.success_exit_codes != std::vector<int>{0}) j["success_exit_codes"] = s.success_exit_codes;
    services[s.name] = j;
  }
  o["services"] = services;
  if (!cfg.inactive_services.empty()) o["inactive_services"] = cfg.inactive_services;
  return o;
}

}  // namespace lineup::config
