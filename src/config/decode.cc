// Decoding of the top level and of each service. See decode.h.
#include "config/decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/decode_parts.h"
#include "config/envfile.h"
#include "config/keys.h"
#include "config/normalize.h"
#include "config/replicas.h"
#include "config/scalars.h"

namespace lineup::config {

namespace {

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

  void run(Node& root, Config& cfg) {
    if (!root.is_map()) {
      r_.mismatch(root, "the config file", "a mapping with a `services:` key");
      return;
    }
    check_keys(root, kTopKeys, kTopIgnored, "at the top level", ctx_.strict, diags_);
    cfg.project_dir = ctx_.project_dir;
    cfg.namespaces = ctx_.namespaces;
    cfg.name = std::filesystem::path(ctx_.project_dir).filename().string();
    if (const Node* n = root.find("name")) {
      if (n->is_scalar() && !n->quoted && !plain_scalar_is_string(n->text))
        diags_.error(n->where,
                     fmt::format("name: {} is not a string (write \"{}\" in quotes)", n->text, n->text));
      else if (auto s = r_.string(*n, "name"))
        cfg.name = *s;
    }

    // The top-level env_file is read by the loader: it is needed before interpolation.
    if (const Node* n = root.find("environment")) append_environment(*n, cfg.environment);
    if (const Node* n = root.find("require_env"))
      if (auto list = r_.string_list(*n, "require_env")) cfg.require_env = *list;
    if (const Node* n = root.find("log_location"))
      if (auto v = r_.string(*n, "log_location")) cfg.log_location = *v;
    if (const Node* n = root.find("max_parallel_starts"))
      if (auto v = r_.integer(*n, "max_parallel_starts", 0, 100000))
        cfg.max_parallel_starts = static_cast<int>(*v);
    if (const Node* n = root.find("api")) api(*n, cfg.api);
    if (const Node* n = root.find("on_state")) decode_on_state(*n, cfg.on_state, scope());
    if (const Node* n = root.find("profiles")) profiles(*n, cfg);

    Node* services = root.find("services");
    Node* processes = root.find("processes");
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
    // Services at the top level are compose's version-1 format, which compose no longer reads.
    if (!services) {
      for (const auto& e : root.entries)
        if (e.value.is_map() && (e.value.find("image") || e.value.find("build") || e.value.find("command"))) {
          diags_.error(e.key_at,
                       fmt::format("\"{}\" is a service at the top level: the version-1 compose format, "
                                   "which compose no longer reads; put the services under `services:`",
                                   e.key));
          return;
        }
    }
    if (!services || services->is_null()) {
      diags_.error(root.where, root.entries.empty()
                                   ? "the file is empty: no services defined (add a `services:` mapping)"
                                   : "no services defined (add a `services:` mapping)");
      return;
    }
    if (!r_.expect_map(*services, "services")) return;
    cfg.services.reserve(services->entries.size());
    // Each service's node is freed once decoded: the tree and the config of a
    // 10,000-service file need not both be whole in memory at once.
    for (auto& e : services->entries) {
      service(e, defaults, cfg);
      e.value = Node{};
    }
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
        if (d.condition == Condition::completed || d.condition == Condition::exited) awaited.insert(d.name);
    for (auto& s : cfg.services)
      if (awaited.count(s.name) && !typed_.count(s.name)) s.type = ServiceType::oneshot;
  }

  // --- top level -------------------------------------------------------------------------------

  std::vector<std::pair<std::string, std::string>> env_files(const Node& n, std::string_view what) {
    std::vector<std::pair<std::string, std::string>> out;
    std::vector<const Node*> items = one_or_many(n);
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
      Variables none;
      auto list = read_env_file(path, absolute_in(ctx_.project_dir, path), item->where, required,
                                ctx_.variables ? *ctx_.variables : none, diags_);
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

  // Consumes the service's node when `defaults:` are merged under it.
  void service(Node::Entry& e, const Node* defaults, Config& cfg) {
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
      Location where = e.value.where;
      merged = *defaults;
      merge_into(merged, std::move(e.value));
      merged.where = where;
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
    if (const Node* ns = n.find("namespace"))
      if (auto list = r_.string_list(*ns, "namespace")) s.namespaces = *list;
    if (const Node* r = n.find("replicas"))
      if (auto v = r_.integer(*r, "replicas", 0, kMaxReplicas)) s.replicas = static_cast<int>(*v);
    bool named = std::find(ctx_.named_services.begin(), ctx_.named_services.end(), s.name) !=
                 ctx_.named_services.end();
    bool in_profile = s.profiles->empty() ||
                      std::find(s.profiles->begin(), s.profiles->end(), cfg.profile) != s.profiles->end();
    // -n (process-compose's namespaces): a service with none is in "default".
    auto in = [&](const std::string& ns) {
      return std::find(ctx_.namespaces.begin(), ctx_.namespaces.end(), ns) != ctx_.namespaces.end();
    };
    bool in_namespace =
        ctx_.namespaces.empty() ||
        (s.namespaces->empty() ? in("default") : std::any_of(s.namespaces->begin(), s.namespaces->end(), in));
    // `replicas: 0` (compose's `scale: 0`) leaves it out, as `disabled:` does; named, it runs once.
    if (!named && (!in_profile || !in_namespace || s.disabled || s.replicas == 0)) {
      cfg.inactive_services.push_back(s.name);
      return;
    }
    s.replicas = std::max(s.replicas, 1);

    if (const Node* c = n.find("command")) s.command = r_.command(*c, "command");
    if (const Node* i = n.find("image"))
      if (auto v = r_.string(*i, "image")) s.image = *v;
    if (const Node* b = n.find("build"); b && s.image->empty()) {
      // A service built from a Dockerfile is a container service as well.
      const Node* context = b->is_map() ? b->find("context") : b;
      s.image =
          fmt::format("built from {}", context && context->is_scalar() ? context->text : "a Dockerfile");
    }
    if (const Node* t = n.find("type")) {
      typed_.insert(s.name);
      if (auto v = r_.word(*t, "type", "a service type", kServiceTypeNames)) s.type = *v;
    }
    if (const Node* w = n.find("working_dir"))
      if (auto v = r_.string(*w, "working_dir")) s.working_dir = *v;
    if (const Node* f = n.find("env_file")) s.environment = env_files(*f, "env_file");
    if (const Node* env = n.find("environment")) append_environment(*env, s.environment);
    if (const Node* d = n.find("depends_on")) decode_depends_on(*d, s, scope());
    if (const Node* p = n.find("priority"))
      if (auto v = r_.word(*p, "priority", "a priority", kPriorityNames)) s.priority = *v;
    if (const Node* rd = n.find("ready")) s.ready = probes(*rd, "ready");
    if (const Node* lv = n.find("live")) s.live = probes(*lv, "live");

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

    if (const Node* r = n.find("restart")) decode_restart(*r, s.restart, scope());
    if (const Node* b = n.find("circuit_breaker")) decode_breaker(*b, s.circuit_breaker, scope());
    if (const Node* sig = n.find("stop_signal")) {
      if (auto v = r_.string(*sig, "stop_signal")) {
        s.stop_signal = signal_number(*v);
        if (!s.stop_signal)
          diags_.error(sig->where,
                       fmt::format("stop_signal: \"{}\" is not a signal (e.g. SIGTERM, SIGINT)", *v));
      }
    }
    if (const Node* k = n.find("kill_mode"))
      if (auto v = r_.word(*k, "kill_mode", "a kill mode", kKillModeNames)) s.kill_mode = *v;
    if (const Node* g = n.find("stop_grace_period"))
      if (auto d = r_.duration(*g, "stop_grace_period")) s.stop_grace_period = *d;
    if (const Node* c = n.find("stop_command"))
      if (auto v = r_.command(*c, "stop_command")) s.stop_command = std::move(*v);
    if (const Node* c = n.find("pre_stop")) {
      if (s.stop_command)
        diags_.error(c->where, "pre_stop is another name for stop_command: give one of them");
      else if (auto v = r_.command(*c, "pre_stop"))
        s.stop_command = std::move(*v);
    }
    if (const Node* h = n.find("post_start")) {
      if (h->is_sequence()) {
        for (const auto& item : h->items)
          if (auto c = r_.command(item, "post_start command"))
            s.post_start.emplace().push_back(std::move(*c));
      } else if (auto c = r_.command(*h, "post_start")) {
        s.post_start.emplace().push_back(std::move(*c));
      }
    }
    if (const Node* p = n.find("ports")) decode_ports(*p, s, scope());
    if (const Node* x = n.find("expose")) decode_expose(*x, s, scope());
    if (const Node* x = n.find("expected_startup"))
      if (auto d = r_.duration(*x, "expected_startup")) s.expected_startup = *d;
    if (const Node* l = n.find("log_location"))
      if (auto v = r_.string(*l, "log_location")) s.log_location = *v;
    if (const Node* m = n.find("mask_output"))
      if (auto b = r_.boolean(*m, "mask_output")) s.mask_output = *b;
    if (const Node* f = n.find("fail_on_log"))
      if (auto v = r_.string(*f, "fail_on_log")) {
        s.fail_on_log = Pattern(*v);
        if (!s.fail_on_log->empty() && !s.fail_on_log->valid())
          diags_.error(f->where, fmt::format("fail_on_log: invalid regular expression \"{}\": {}", *v,
                                             s.fail_on_log->error));
      }
    if (const Node* c = n.find("success_exit_codes")) {
      s.success_exit_codes.clear();
      for (const Node* i : one_or_many(*c))
        if (auto v = r_.integer(*i, "success_exit_codes", 0, 255))
          s.success_exit_codes.push_back(static_cast<int>(*v));
    }

    if (const Node* st = n.find("stop_stack_on")) {
      for (const Node* i : one_or_many(*st))
        if (auto v = r_.word(*i, "stop_stack_on", "end, failure or skipped", kStackStopNames))
          s.stop_stack_on.emplace().push_back(*v);
    }
    if (const Node* k = n.find("x-kubernetes")) decode_kubernetes(*k, s.kubernetes.emplace(), scope());
    if (const Node* h = n.find("on_state")) decode_on_state(*h, s.on_state.emplace(), scope());
    if (const Node* l = n.find("limits")) decode_limits(*l, s.limits.emplace(), scope());
    if (const Node* w = n.find("watch")) decode_watch(*w, s.watch.emplace(), scope());
    if (const Node* sch = n.find("schedule")) {
      std::optional<Schedule> schedule;
      decode_schedule(*sch, schedule, scope());
      if (schedule) s.schedule = std::move(*schedule);
      // A schedule runs something to its end: a oneshot, unless the file says otherwise.
      if (s.schedule && n.find("type") && s.type != ServiceType::oneshot)
        diags_.error(sch->where, fmt::format("schedule: only a oneshot runs on a schedule (\"{}\" is type: "
                                             "service)",
                                             s.name));
      else if (s.schedule)
        s.type = ServiceType::oneshot;
    }
    if (const Node* pv = n.find("provider")) {
      const Node* type = pv->is_map() ? pv->find("type") : nullptr;
      if (!type)
        diags_.error(pv->where, "provider: give its `type` (compose's provider services)");
      else if (auto v = r_.string(*type, "provider.type"))
        s.provider = *v;
    }

    if (!s.command && s.image->empty() && s.provider->empty())
      diags_.error(e.key_at, fmt::format("{} has no command: add `command:` (what to run)", what));
    cfg.services.push_back(std::move(s));
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

  DecodeScope scope() { return {r_, diags_, ctx_.strict}; }

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

void decode(Node root, const DecodeContext& ctx, Config& cfg, Diagnostics& diags) {
  Decoder(ctx, diags).run(root, cfg);
}

}  // namespace lineup::config
