// Decoding of the top level and of each service. See decode.h.
#include "config/decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/envfile.h"
#include "config/keys.h"
#include "config/scalars.h"
#include "util/read_file.h"
#include "util/regex.h"

namespace lineup::config {

namespace {

constexpr std::array<std::string_view, 16> kTopKeys = {"name",
                                                       "services",
                                                       "processes",
                                                       "env_file",
                                                       "environment",
                                                       "require_env",
                                                       "default_profile",
                                                       "profiles",
                                                       "defaults",
                                                       "api",
                                                       "max_parallel_starts",
                                                       "version",
                                                       "networks",
                                                       "volumes",
                                                       "configs",
                                                       "secrets"};
// Compose top-level keys that mean nothing to a process runtime.
constexpr std::array<std::string_view, 2> kTopIgnored = {"include", "models"};

constexpr std::array<std::string_view, 26> kServiceKeys = {"command",
                                                           "type",
                                                           "working_dir",
                                                           "environment",
                                                           "env_file",
                                                           "depends_on",
                                                           "priority",
                                                           "ready",
                                                           "live",
                                                           "startup_timeout",
                                                           "min_uptime",
                                                           "restart",
                                                           "circuit_breaker",
                                                           "stop_signal",
                                                           "stop_grace_period",
                                                           "stop_command",
                                                           "ports",
                                                           "profiles",
                                                           "disabled",
                                                           "expected_startup",
                                                           "fail_on_log",
                                                           "success_exit_codes",
                                                           "image",
                                                           "healthcheck",
                                                           "readiness_probe",
                                                           "liveness_probe"};
// Compose service keys that a process runtime accepts and does not use.
constexpr std::array<std::string_view, 72> kServiceIgnored = {"build",
                                                              "volumes",
                                                              "networks",
                                                              "secrets",
                                                              "container_name",
                                                              "expose",
                                                              "hostname",
                                                              "user",
                                                              "runtime",
                                                              "platform",
                                                              "cap_add",
                                                              "cap_drop",
                                                              "deploy",
                                                              "labels",
                                                              "logging",
                                                              "entrypoint",
                                                              "configs",
                                                              "devices",
                                                              "dns",
                                                              "dns_opt",
                                                              "dns_search",
                                                              "extra_hosts",
                                                              "init",
                                                              "ipc",
                                                              "links",
                                                              "mem_limit",
                                                              "mem_reservation",
                                                              "memswap_limit",
                                                              "mem_swappiness",
                                                              "pid",
                                                              "pids_limit",
                                                              "privileged",
                                                              "read_only",
                                                              "security_opt",
                                                              "shm_size",
                                                              "stdin_open",
                                                              "tty",
                                                              "ulimits",
                                                              "userns_mode",
                                                              "volumes_from",
                                                              "domainname",
                                                              "extends",
                                                              "external_links",
                                                              "group_add",
                                                              "isolation",
                                                              "mac_address",
                                                              "network_mode",
                                                              "oom_score_adj",
                                                              "oom_kill_disable",
                                                              "pull_policy",
                                                              "scale",
                                                              "sysctls",
                                                              "tmpfs",
                                                              "cpus",
                                                              "cpu_shares",
                                                              "cpu_count",
                                                              "cpu_percent",
                                                              "cpu_period",
                                                              "cpu_quota",
                                                              "cpuset",
                                                              "develop",
                                                              "attach",
                                                              "annotations",
                                                              "blkio_config",
                                                              "cgroup",
                                                              "cgroup_parent",
                                                              "credential_spec",
                                                              "device_cgroup_rules",
                                                              "gpus",
                                                              "storage_opt",
                                                              "uts",
                                                              "post_start"};

constexpr std::array<std::string_view, 3> kDependencyKeys = {"condition", "required", "restart"};
constexpr std::array<std::string_view, 3> kRestartKeys = {"policy", "backoff", "max_attempts"};
constexpr std::array<std::string_view, 5> kBackoffKeys = {"initial", "max", "multiplier", "jitter",
                                                          "reset_after"};
constexpr std::array<std::string_view, 3> kBreakerKeys = {"threshold", "window", "cooldown"};
constexpr std::array<std::string_view, 2> kProfileKeys = {"timeout_multiplier", "probe_interval"};
constexpr std::array<std::string_view, 2> kApiKeys = {"listen", "token_env"};
constexpr std::array<std::string_view, 8> kHealthcheckKeys = {"test",    "interval",         "timeout",
                                                              "retries", "start_period",     "start_interval",
                                                              "disable", "success_threshold"};

std::string resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) return path;
  return (std::filesystem::path(dir) / path).lexically_normal().string();
}

bool valid_service_name(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '.'))
      return false;
  return n != "." && n != "..";
}

class Decoder {
 public:
  Decoder(const DecodeContext& ctx, Diagnostics& diags) : ctx_(ctx), diags_(diags), r_(diags) {}

  void run(const Node& root, Config& cfg) {
    if (!root.is_map()) {
      r_.mismatch(root, "the config file", "a mapping with a `services:` key");
      return;
    }
    check_keys(root, kTopKeys, kTopIgnored, "at the top level", ctx_.strict, diags_);
    cfg.project_dir = ctx_.project_dir;
    cfg.name = std::filesystem::path(ctx_.project_dir).filename().string();
    if (const Node* n = root.find("name"))
      if (auto s = r_.string(*n, "name")) cfg.name = *s;

    // The top-level env_file is read by the loader: it is needed before interpolation.
    if (const Node* n = root.find("environment")) append_environment(*n, cfg.environment);
    if (const Node* n = root.find("require_env"))
      if (auto list = r_.string_list(*n, "require_env")) cfg.require_env = *list;
    if (const Node* n = root.find("max_parallel_starts"))
      if (auto v = r_.integer(*n, "max_parallel_starts", 0, 100000))
        cfg.max_parallel_starts = static_cast<int>(*v);
    if (const Node* n = root.find("api")) api(*n, cfg.api);
    if (const Node* n = root.find("profiles")) profiles(*n, cfg);

    const Node* services = root.find("services");
    const Node* processes = root.find("processes");
    if (services && processes) {
      diags_.error(root.find("processes") ? processes->where : root.where,
                   "both `services:` and `processes:` are present; they are aliases, use one");
    }
    if (!services) services = processes;

    select_profile(root, services, cfg);

    const Node* defaults = root.find("defaults");
    if (defaults && r_.expect_map(*defaults, "defaults"))
      check_keys(*defaults, kServiceKeys, kServiceIgnored, "in defaults", ctx_.strict, diags_);
    else
      defaults = nullptr;

    // As compose: a file that defines no service is a mistake (the wrong file, or one not saved).
    if (!services || services->is_null()) {
      diags_.error(root.where, root.entries.empty()
                                   ? "the file is empty: no services defined (add a `services:` mapping)"
                                   : "no services defined (add a `services:` mapping)");
      return;
    }
    if (!r_.expect_map(*services, "services")) return;
    cfg.services.reserve(services->entries.size());
    for (const auto& e : services->entries) service(e, defaults, cfg);
    run_to_completion(cfg);
  }

 private:
  // compose's `service_completed_successfully` names a service that is
  // expected to exit 0 (a migration), with no `type` to say so: a service
  // some other service waits to complete, and without a `type:` of its own,
  // is run as a oneshot.
  void run_to_completion(Config& cfg) {
    std::set<std::string_view> awaited;
    for (const auto& s : cfg.services)
      for (const auto& d : s.depends_on)
        if (d.condition == Condition::completed) awaited.insert(d.name);
    for (auto& s : cfg.services)
      if (awaited.count(s.name) && !typed_.count(s.name)) s.type = ServiceType::oneshot;
  }

  // --- top level -------------------------------------------------------------------------------

  std::vector<std::pair<std::string, std::string>> env_files(const Node& n, std::string_view what) {
    std::vector<std::pair<std::string, std::string>> out;
    std::vector<const Node*> items;
    if (n.is_sequence()) {
      for (const auto& i : n.items) items.push_back(&i);
    } else {
      items.push_back(&n);
    }
    for (const Node* item : items) {
      std::string path;
      bool required = true;
      if (item->is_map()) {  // compose: {path, required}
        if (const Node* p = item->find("path"))
          if (auto s = r_.string(*p, what)) path = *s;
        if (const Node* q = item->find("required"))
          if (auto b = r_.boolean(*q, "required")) required = *b;
      } else if (auto s = r_.string(*item, what)) {
        path = *s;
      }
      if (path.empty()) continue;
      std::string full = resolve(ctx_.project_dir, path);
      auto text = read_file(full);
      if (!text) {
        if (required && text.error().missing())
          diags_.error(item->where, fmt::format("env file \"{}\" not found ({})", path, full));
        else if (!text.error().missing())  // there, but not usable: even when optional
          diags_.error(item->where,
                       fmt::format("env file \"{}\" ({}): {}", path, full, text.error().message));
        continue;
      }
      Variables none;
      auto list = parse_env_text(*text, intern_file(full), ctx_.variables ? *ctx_.variables : none, diags_);
      out.insert(out.end(), list.begin(), list.end());
    }
    return out;
  }

  void append_environment(const Node& n, std::vector<std::pair<std::string, std::string>>& env) {
    auto put = [&](std::string key, std::string value) {
      for (auto& kv : env)
        if (kv.first == key) {
          kv.second = std::move(value);
          return;
        }
      env.emplace_back(std::move(key), std::move(value));
    };
    auto from_host = [&](const std::string& key) {
      // compose: a name without a value is taken from the environment, or left out.
      if (ctx_.variables)
        if (const std::string* v = ctx_.variables->get(key)) put(key, *v);
    };
    if (n.is_map()) {
      for (const auto& e : n.entries) {
        if (e.value.is_null()) {
          from_host(e.key);
        } else if (e.value.is_scalar()) {
          put(e.key, e.value.text);
        } else {
          r_.mismatch(e.value, fmt::format("environment variable {}", e.key), "a string");
        }
      }
    } else if (n.is_sequence()) {
      for (const auto& item : n.items) {
        auto s = r_.string(item, "environment entry");
        if (!s) continue;
        auto eq = s->find('=');
        if (eq == std::string::npos) {
          from_host(*s);
        } else if (eq == 0) {
          diags_.error(item.where, fmt::format("environment entry \"{}\" has no name", *s));
        } else {
          put(s->substr(0, eq), s->substr(eq + 1));
        }
      }
    } else if (!n.is_null()) {
      r_.mismatch(n, "environment", "a mapping or a list of KEY=VALUE");
    }
  }

  void api(const Node& n, Api& api) {
    if (!r_.expect_map(n, "api")) return;
    check_keys(n, kApiKeys, {}, "in api", ctx_.strict, diags_);
    api.where = n.where;
    if (const Node* l = n.find("listen")) {
      api.where = l->where;
      if (auto s = r_.string(*l, "api.listen")) api.listen = *s;
    }
    if (const Node* t = n.find("token_env"))
      if (auto s = r_.string(*t, "api.token_env")) api.token_env = *s;
  }

  void profiles(const Node& n, Config& cfg) {
    if (!r_.expect_map(n, "profiles")) return;
    for (const auto& e : n.entries) {
      ProfileSettings p;
      p.where = e.key_at;
      if (e.value.is_map()) {
        check_keys(e.value, kProfileKeys, {}, fmt::format("in profile \"{}\"", e.key), ctx_.strict, diags_);
        if (const Node* m = e.value.find("timeout_multiplier"))
          if (auto v = r_.number(*m, "timeout_multiplier", 0.01, 1000)) p.timeout_multiplier = *v;
        if (const Node* i = e.value.find("probe_interval"))
          if (auto d = r_.duration(*i, "probe_interval")) {
            if (d->count() <= 0)
              diags_.error(i->where, "probe_interval must be greater than zero");
            else
              p.probe_interval = *d;
          }
      } else if (!e.value.is_null()) {
        r_.mismatch(e.value, fmt::format("profile \"{}\"", e.key), "a mapping");
      }
      cfg.profiles[e.key] = p;
    }
  }

  void select_profile(const Node& root, const Node* services, Config& cfg) {
    std::string requested = ctx_.requested_profile;
    Location where = root.where;
    if (requested.empty()) {
      if (const Node* d = root.find("default_profile")) {
        if (auto s = r_.string(*d, "default_profile")) requested = *s;
        where = d->where;
      }
    }
    cfg.profile = requested;
    if (requested.empty()) return;
    if (cfg.profiles.count(requested)) return;
    // A profile may also exist only as a compose service profile.
    if (services && services->is_map())
      for (const auto& e : services->entries)
        if (const Node* p = e.value.is_map() ? e.value.find("profiles") : nullptr)
          for (const auto& item : p->items)
            if (item.is_scalar() && item.text == requested) return;
    if (cfg.profiles.empty() && !root.find("default_profile")) return;  // nothing to check against
    std::vector<std::string> known;
    for (const auto& [name, _] : cfg.profiles) known.push_back(name);
    std::string msg = fmt::format("unknown profile \"{}\"", requested);
    if (!known.empty()) msg += fmt::format(" (known: {})", fmt::join(known, ", "));
    diags_.error(where, msg);
  }

  double multiplier(const Config& cfg) const {
    auto it = cfg.profiles.find(cfg.profile);
    return it == cfg.profiles.end() ? 1.0 : it->second.timeout_multiplier;
  }

  // --- services --------------------------------------------------------------------------------

  void service(const Node::Entry& e, const Node* defaults, Config& cfg) {
    if (!valid_service_name(e.key)) {
      diags_.error(e.key_at,
                   fmt::format("invalid service name \"{}\": use letters, digits, '.', '_' and '-'", e.key));
      return;
    }
    if (!e.value.is_map()) {
      if (e.value.is_null())
        diags_.error(e.key_at, fmt::format("service \"{}\" is empty: give it a `command:`", e.key));
      else
        r_.mismatch(e.value, fmt::format("service \"{}\"", e.key), "a mapping");
      return;
    }
    check_keys(e.value, kServiceKeys, kServiceIgnored, fmt::format("in service \"{}\"", e.key), ctx_.strict,
               diags_);

    // `defaults:` first, the service's own keys on top.
    const Node* node = &e.value;
    Node merged;
    if (defaults) {
      merged = *defaults;
      merge_into(merged, e.value);
      merged.where = e.value.where;
      node = &merged;
    }
    const Node& n = *node;

    Service s;
    s.name = e.key;
    s.where = e.key_at;
    std::string what = fmt::format("service \"{}\"", s.name);

    if (const Node* p = n.find("profiles"))
      if (auto list = r_.string_list(*p, "profiles")) s.profiles = *list;
    if (const Node* d = n.find("disabled"))
      if (auto b = r_.boolean(*d, "disabled")) s.disabled = *b;
    bool named = std::find(ctx_.named_services.begin(), ctx_.named_services.end(), s.name) !=
                 ctx_.named_services.end();
    bool in_profile = s.profiles.empty() ||
                      std::find(s.profiles.begin(), s.profiles.end(), cfg.profile) != s.profiles.end();
    if (!named && (!in_profile || s.disabled)) {
      cfg.inactive_services.push_back(s.name);
      return;
    }

    if (const Node* c = n.find("command")) s.command = r_.command(*c, "command");
    if (const Node* i = n.find("image"))
      if (auto v = r_.string(*i, "image")) s.image = *v;
    if (const Node* b = n.find("build"); b && s.image.empty()) {
      // A service built from a Dockerfile is a container service as well.
      const Node* context = b->is_map() ? b->find("context") : b;
      s.image =
          fmt::format("built from {}", context && context->is_scalar() ? context->text : "a Dockerfile");
    }
    if (const Node* t = n.find("type")) {
      typed_.insert(s.name);
      if (auto v = r_.string(*t, "type")) {
        if (*v == "service" || *v == "process")
          s.type = ServiceType::service;
        else if (*v == "oneshot")
          s.type = ServiceType::oneshot;
        else
          diags_.error(t->where,
                       fmt::format("type: \"{}\" is not a service type (use service or oneshot)", *v));
      }
    }
    if (const Node* w = n.find("working_dir"))
      if (auto v = r_.string(*w, "working_dir")) s.working_dir = *v;
    if (const Node* f = n.find("env_file")) s.environment = env_files(*f, "env_file");
    if (const Node* env = n.find("environment")) append_environment(*env, s.environment);
    if (const Node* d = n.find("depends_on")) depends_on(*d, s);
    if (const Node* p = n.find("priority")) {
      if (auto v = r_.string(*p, "priority")) {
        if (*v == "critical")
          s.priority = Priority::critical;
        else if (*v == "high")
          s.priority = Priority::high;
        else if (*v == "medium")
          s.priority = Priority::medium;
        else if (*v == "low")
          s.priority = Priority::low;
        else
          diags_.error(
              p->where,
              fmt::format("priority: \"{}\" is not a priority (use critical, high, medium or low)", *v));
      }
    }
    if (const Node* rd = n.find("ready")) s.ready = probes(*rd, "ready");
    if (const Node* lv = n.find("live")) s.live = probes(*lv, "live");
    if (const Node* rp = n.find("readiness_probe")) append_single_probe(*rp, s.ready);
    if (const Node* lp = n.find("liveness_probe")) append_single_probe(*lp, s.live);
    if (const Node* hc = n.find("healthcheck")) healthcheck(*hc, s);

    double mult = multiplier(cfg);
    if (const Node* t = n.find("startup_timeout"))
      if (auto d = r_.duration(*t, "startup_timeout")) {
        if (d->count() <= 0) diags_.error(t->where, "startup_timeout must be greater than zero");
        s.startup_timeout = *d;
      }
    s.startup_timeout = Millis(static_cast<long long>(static_cast<double>(s.startup_timeout.count()) * mult));
    if (const Node* m = n.find("min_uptime"))
      if (auto d = r_.duration(*m, "min_uptime")) s.min_uptime = *d;
    auto it = cfg.profiles.find(cfg.profile);
    for (auto* list : {&s.ready, &s.live})
      for (auto& p : *list) {
        p.timing.timeout =
            Millis(static_cast<long long>(static_cast<double>(p.timing.timeout.count()) * mult));
        if (it != cfg.profiles.end() && it->second.probe_interval && !p.timing.interval_given)
          p.timing.interval = *it->second.probe_interval;
      }

    if (const Node* r = n.find("restart")) restart(*r, s.restart);
    if (const Node* b = n.find("circuit_breaker")) breaker(*b, s.circuit_breaker);
    if (const Node* sig = n.find("stop_signal")) {
      if (auto v = r_.string(*sig, "stop_signal")) {
        s.stop_signal = signal_number(*v);
        if (!s.stop_signal)
          diags_.error(sig->where,
                       fmt::format("stop_signal: \"{}\" is not a signal (e.g. SIGTERM, SIGINT)", *v));
      }
    }
    if (const Node* g = n.find("stop_grace_period"))
      if (auto d = r_.duration(*g, "stop_grace_period")) s.stop_grace_period = *d;
    if (const Node* c = n.find("stop_command")) s.stop_command = r_.command(*c, "stop_command");
    if (const Node* p = n.find("ports")) ports(*p, s);
    if (const Node* x = n.find("expected_startup"))
      if (auto d = r_.duration(*x, "expected_startup")) s.expected_startup = *d;
    if (const Node* f = n.find("fail_on_log"))
      if (auto v = r_.string(*f, "fail_on_log")) {
        s.fail_on_log = *v;
        if (auto re = Regex::compile(*v); !re)  // as the supervisor will compile it
          diags_.error(f->where,
                       fmt::format("fail_on_log: invalid regular expression \"{}\": {}", *v, re.error()));
      }
    if (const Node* c = n.find("success_exit_codes")) {
      s.success_exit_codes.clear();
      std::vector<const Node*> items;
      if (c->is_sequence()) {
        for (const auto& i : c->items) items.push_back(&i);
      } else {
        items.push_back(c);
      }
      for (const Node* i : items)
        if (auto v = r_.integer(*i, "success_exit_codes", 0, 255))
          s.success_exit_codes.push_back(static_cast<int>(*v));
    }

    if (!s.command && s.image.empty())
      diags_.error(e.key_at, fmt::format("{} has no command: add `command:` (what to run)", what));
    cfg.services.push_back(std::move(s));
  }

  void depends_on(const Node& n, Service& s) {
    auto condition = [&](const Node& c, Dependency& d) {
      auto v = r_.string(c, "condition");
      if (!v) return;
      d.condition_given = true;
      if (*v == "started" || *v == "service_started" || *v == "process_started")
        d.condition = Condition::started;
      else if (*v == "ready" || *v == "healthy" || *v == "service_healthy" || *v == "process_healthy")
        d.condition = Condition::ready;
      else if (*v == "completed" || *v == "service_completed_successfully" ||
               *v == "process_completed_successfully")
        d.condition = Condition::completed;
      else
        diags_.error(
            c.where,
            fmt::format("condition: \"{}\" is not a condition (use started, ready or completed)", *v));
    };
    if (n.is_sequence()) {
      for (const auto& item : n.items) {
        auto name = r_.string(item, "depends_on entry");
        if (name) s.depends_on.push_back({*name, Condition::ready, false, true, false, item.where});
      }
    } else if (n.is_map()) {
      for (const auto& e : n.entries) {
        Dependency d{e.key, Condition::ready, false, true, false, e.key_at};
        if (e.value.is_map()) {
          check_keys(e.value, kDependencyKeys, {}, fmt::format("in depends_on \"{}\"", e.key), ctx_.strict,
                     diags_);
          if (const Node* c = e.value.find("condition")) condition(*c, d);
          if (const Node* r = e.value.find("required"))
            if (auto b = r_.boolean(*r, "required")) d.required = *b;
          if (const Node* r = e.value.find("restart"))
            if (auto b = r_.boolean(*r, "restart")) d.restart = *b;
        } else if (e.value.is_scalar()) {  // shorthand: `db: ready`
          condition(e.value, d);
        } else if (!e.value.is_null()) {
          r_.mismatch(e.value, fmt::format("depends_on \"{}\"", e.key),
                      "a mapping {condition, required, restart}");
        }
        s.depends_on.push_back(std::move(d));
      }
    } else if (n.is_scalar()) {
      s.depends_on.push_back({n.text, Condition::ready, false, true, false, n.where});
    } else if (!n.is_null()) {
      r_.mismatch(n, "depends_on", "a list of service names or a mapping");
    }
  }

  std::vector<Probe> probes(const Node& n, std::string_view what) {
    std::vector<Probe> out;
    if (n.is_null()) return out;
    if (n.is_map()) {  // a single probe written without the list dash
      if (auto p = decode_probe(n, diags_, ctx_.strict)) out.push_back(std::move(*p));
      return out;
    }
    if (!n.is_sequence()) {
      r_.mismatch(n, what, "a list of probes");
      return out;
    }
    for (const auto& item : n.items)
      if (auto p = decode_probe(item, diags_, ctx_.strict)) out.push_back(std::move(*p));
    return out;
  }

  // process-compose: readiness_probe: {exec: {command}, http_get: {host, port, path, scheme}, ...timing}
  void append_single_probe(const Node& n, std::vector<Probe>& out) {
    if (!r_.expect_map(n, "probe")) return;
    Node copy = n;
    if (Node* hg = copy.find("http_get"); hg && hg->is_map()) {
      std::string scheme = "http", host = "127.0.0.1", path = "/", port = "80";
      if (const Node* v = hg->find("scheme")) scheme = v->text;
      if (const Node* v = hg->find("host")) host = v->text;
      if (const Node* v = hg->find("path")) path = v->text;
      if (const Node* v = hg->find("port")) port = v->text;
      Node url;
      url.kind = Node::Kind::scalar;
      url.text = fmt::format("{}://{}:{}{}", scheme, host, port, path);
      url.where = hg->where;
      for (auto& e : copy.entries)
        if (e.key == "http_get") {
          e.key = "http";
          e.value = std::move(url);
        }
    }
    if (auto p = decode_probe(copy, diags_, ctx_.strict)) out.push_back(std::move(*p));
  }

  // compose healthcheck -> one exec probe used for both ready and live.
  void healthcheck(const Node& n, Service& s) {
    if (!r_.expect_map(n, "healthcheck")) return;
    check_keys(n, kHealthcheckKeys, {}, "in healthcheck", ctx_.strict, diags_);
    if (const Node* d = n.find("disable"))
      if (auto b = r_.boolean(*d, "disable"); b && *b) return;
    const Node* test = n.find("test");
    if (!test) return;
    Command cmd;
    if (test->is_scalar()) {
      cmd = {{"/bin/sh", "-c", test->text}, true};
    } else if (test->is_sequence()) {
      auto list = r_.string_list(*test, "healthcheck test");
      if (!list || list->empty()) return;
      std::string head = list->front();
      if (head == "NONE") return;
      if (head == "CMD-SHELL") {
        if (list->size() < 2) {
          diags_.error(test->where, "healthcheck test: CMD-SHELL needs a command");
          return;
        }
        std::vector<std::string> rest(list->begin() + 1, list->end());
        cmd = {{"/bin/sh", "-c", fmt::format("{}", fmt::join(rest, " "))}, true};
      } else if (head == "CMD") {
        if (list->size() < 2) {
          diags_.error(test->where, "healthcheck test: CMD needs a command");
          return;
        }
        cmd = {std::vector<std::string>(list->begin() + 1, list->end()), false};
      } else {
        cmd = {*list, false};
      }
    } else {
      r_.mismatch(*test, "healthcheck test", "a string or a list");
      return;
    }
    Probe p;
    p.kind = ExecProbe{cmd};
    p.where = test->where;
    // compose defaults: interval 30s, timeout 30s, retries 3
    p.timing.interval = Millis(30'000);
    p.timing.timeout = Millis(30'000);
    auto dur = [&](const char* key, Millis& field) {
      if (const Node* v = n.find(key))
        if (auto d = r_.duration(*v, fmt::format("healthcheck {}", key))) field = *d;
    };
    dur("interval", p.timing.interval);
    if (n.find("interval")) p.timing.interval_given = true;
    dur("timeout", p.timing.timeout);
    dur("start_period", p.timing.grace);
    dur("start_interval", p.timing.start_interval);
    if (const Node* v = n.find("retries"))
      if (auto i = r_.integer(*v, "healthcheck retries", 1, 1000))
        p.timing.failure_threshold = static_cast<int>(*i);
    if (p.timing.timeout.count() <= 0) diags_.error(p.where, "healthcheck timeout must be greater than zero");
    if (p.timing.interval.count() <= 0)
      diags_.error(p.where, "healthcheck interval must be greater than zero");
    if (s.ready.empty()) s.ready.push_back(p);
    if (s.live.empty()) s.live.push_back(p);
  }

  void restart(const Node& n, Restart& r) {
    auto policy = [&](const Node& v) {
      if (v.is_scalar() && v.text.starts_with("on-failure:")) {  // compose: on-failure:N
        r.policy = RestartPolicy::on_failure;
        Node count = v;
        count.text = v.text.substr(11);
        // compose counts restarts; max_attempts counts spawns, the first one included.
        if (auto i = r_.integer(count, "restart on-failure count", 0, 1000000))
          r.max_attempts = static_cast<int>(*i) + 1;
        return;
      }
      auto s = r_.string(v, "restart");
      if (!s) return;
      if (*s == "no" || *s == "false" || *s == "never")
        r.policy = RestartPolicy::no;
      else if (*s == "on-failure" || *s == "on_failure")
        r.policy = RestartPolicy::on_failure;
      else if (*s == "always")
        r.policy = RestartPolicy::always;
      else if (*s == "unless-stopped")
        r.policy = RestartPolicy::unless_stopped;
      else
        diags_.error(
            v.where,
            fmt::format("restart: \"{}\" is not a policy (use no, on-failure, always or unless-stopped)",
                        *s));
    };
    if (!n.is_map()) {
      policy(n);
      return;
    }
    check_keys(n, kRestartKeys, {}, "in restart", ctx_.strict, diags_);
    if (const Node* p = n.find("policy")) policy(*p);
    if (const Node* m = n.find("max_attempts"))
      if (auto i = r_.integer(*m, "max_attempts", 0, 1000000)) r.max_attempts = static_cast<int>(*i);
    if (const Node* b = n.find("backoff"); b && r_.expect_map(*b, "backoff")) {
      check_keys(*b, kBackoffKeys, {}, "in backoff", ctx_.strict, diags_);
      auto positive = [&](const char* key, Millis& field) {
        if (const Node* v = b->find(key))
          if (auto d = r_.duration(*v, key)) {
            if (d->count() <= 0 && std::string_view(key) != "initial")
              diags_.error(v->where, fmt::format("backoff {} must be greater than zero", key));
            field = *d;
          }
      };
      positive("initial", r.backoff.initial);
      positive("max", r.backoff.max);
      positive("reset_after", r.backoff.reset_after);
      if (const Node* v = b->find("multiplier"))
        if (auto d = r_.number(*v, "multiplier", 1.0, 100.0)) r.backoff.multiplier = *d;
      if (const Node* v = b->find("jitter"))
        if (auto d = r_.number(*v, "jitter", 0.0, 1.0)) r.backoff.jitter = *d;
      if (r.backoff.max < r.backoff.initial)
        diags_.error(b->where, "backoff max must not be smaller than initial");
    }
  }

  void breaker(const Node& n, CircuitBreaker& b) {
    if (!r_.expect_map(n, "circuit_breaker")) return;
    check_keys(n, kBreakerKeys, {}, "in circuit_breaker", ctx_.strict, diags_);
    if (const Node* v = n.find("threshold"))
      if (auto i = r_.integer(*v, "threshold", 1, 1000000)) b.threshold = static_cast<int>(*i);
    if (const Node* v = n.find("window"))
      if (auto d = r_.duration(*v, "window")) {
        if (d->count() <= 0) diags_.error(v->where, "circuit_breaker window must be greater than zero");
        b.window = *d;
      }
    if (const Node* v = n.find("cooldown"))
      if (auto d = r_.duration(*v, "cooldown")) b.cooldown = *d;
  }

  // Compose short syntax: "8000", "8000:80", "127.0.0.1:8000:80", "8000-8002:80-82",
  // "5000:5000/udp"; long syntax: {target, published, protocol}. lineup checks the host side.
  void ports(const Node& n, Service& s) {
    if (!n.is_sequence()) {
      r_.mismatch(n, "ports", "a list");
      return;
    }
    for (const auto& item : n.items) {
      std::string spec, proto = "tcp";
      if (item.is_map()) {
        const Node* pub = item.find("published");
        if (!pub) pub = item.find("target");
        if (!pub || !pub->is_scalar()) {
          diags_.error(item.where, "ports: the long syntax needs `published`");
          continue;
        }
        spec = pub->text;
        if (const Node* p = item.find("protocol"); p && p->is_scalar()) proto = p->text;
      } else if (item.is_scalar()) {
        spec = item.text;
        if (auto slash = spec.find('/'); slash != std::string::npos) {
          proto = spec.substr(slash + 1);
          spec.resize(slash);
        }
        // host side: drop the container part and any host ip.
        std::vector<std::string> parts;
        size_t start = 0;
        // Strip an IPv6 host in brackets first.
        if (!spec.empty() && spec.front() == '[') {
          auto close = spec.find(']');
          if (close != std::string::npos) start = close + 2;
        }
        for (size_t i = start; i <= spec.size(); ++i)
          if (i == spec.size() || spec[i] == ':') {
            parts.push_back(spec.substr(start, i - start));
            start = i + 1;
          }
        if (parts.size() == 3)
          spec = parts[1];  // ip:host:container
        else if (parts.size() == 2)
          spec = parts[0];  // host:container
        else if (parts.size() == 1)
          spec = parts[0];
        else {
          diags_.error(item.where, fmt::format("ports: \"{}\" is not a port mapping", item.text));
          continue;
        }
        if (spec.empty()) continue;  // "127.0.0.1::80": a random host port
      } else {
        r_.mismatch(item, "ports entry", "a port like \"8000\" or \"8000:80\"");
        continue;
      }
      if (proto != "tcp" && proto != "udp" && proto != "sctp") {
        diags_.error(item.where, fmt::format("ports: unknown protocol \"{}\"", proto));
        continue;
      }
      int lo = 0, hi = 0;
      auto dash = spec.find('-');
      auto num = [](std::string_view t, int& out) {
        if (t.empty() || t.size() > 5) return false;
        out = 0;
        for (char c : t) {
          if (c < '0' || c > '9') return false;
          out = out * 10 + (c - '0');
        }
        return out >= 1 && out <= 65535;
      };
      bool ok = dash == std::string::npos ? num(spec, lo) && num(spec, hi)
                                          : num(std::string_view(spec).substr(0, dash), lo) &&
                                                num(std::string_view(spec).substr(dash + 1), hi) && lo <= hi;
      if (!ok) {
        diags_.error(item.where, fmt::format("ports: \"{}\" is not a port or port range (1-65535)", spec));
        continue;
      }
      if (hi - lo > 1000) {
        diags_.error(item.where, "ports: a range of more than 1000 ports");
        continue;
      }
      for (int p = lo; p <= hi; ++p) s.ports.push_back({p, proto, item.where});
    }
  }

  const DecodeContext& ctx_;
  Diagnostics& diags_;
  Reader r_;
  std::set<std::string> typed_;  // services with an explicit `type:`
};

}  // namespace

int signal_number(std::string_view name) {
  static constexpr std::pair<std::string_view, int> table[] = {
      {"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ABRT", 6},   {"KILL", 9},
      {"USR1", 10}, {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14},  {"TERM", 15},
      {"CONT", 18}, {"STOP", 19}, {"TSTP", 20}, {"WINCH", 28}, {"PWR", 30}};
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (auto [n, v] : table)
    if (n == name) return v;
  int v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
    if (v > 64) return 0;
  }
  return name.empty() ? 0 : v;
}

void decode(const Node& root, const DecodeContext& ctx, Config& cfg, Diagnostics& diags) {
  Decoder(ctx, diags).run(root, cfg);
}

}  // namespace lineup::config
