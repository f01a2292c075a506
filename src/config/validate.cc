#include "config/validate.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "config/listen.h"
#include "util/strings.h"

namespace lineup::config {

namespace {

void check_dependencies(const Config& cfg, Diagnostics& diags) {
  std::unordered_map<std::string_view, const Service*> by_name;
  by_name.reserve(cfg.services.size());
  for (const auto& s : cfg.services) by_name.emplace(s.name, &s);
  std::vector<std::string> names;  // built only when a suggestion is needed
  for (const auto& s : cfg.services) {
    std::set<std::string_view> seen;
    for (const auto& d : s.depends_on) {
      if (!seen.insert(d.name).second) {
        diags.warning(d.where,
                      fmt::format("service \"{}\" lists \"{}\" twice in depends_on", s.name, d.name));
        continue;
      }
      if (d.name == s.name) {
        diags.error(d.where, fmt::format("service \"{}\" depends on itself", s.name));
        continue;
      }
      auto it = by_name.find(d.name);
      if (it == by_name.end()) {
        if (std::find(cfg.inactive_services.begin(), cfg.inactive_services.end(), d.name) !=
            cfg.inactive_services.end()) {
          if (d.required)
            diags.error(d.where, fmt::format("service \"{}\" depends on \"{}\", which is not active (its "
                                             "`profiles:` or `disabled:` leave it out); name it on the "
                                             "command line or use another profile",
                                             s.name, d.name));
          continue;
        }
        if (names.empty()) {
          for (const auto& o : cfg.services) names.push_back(o.name);
          names.insert(names.end(), cfg.inactive_services.begin(), cfg.inactive_services.end());
        }
        std::string msg =
            fmt::format("service \"{}\" depends on \"{}\", which does not exist", s.name, d.name);
        if (auto near = nearest(d.name, names)) msg += fmt::format(" (did you mean \"{}\"?)", *near);
        diags.error(d.where, msg);
        continue;
      }
      const Service& dep = *it->second;
      // (Without a `type:`, a service awaited this way is run as a oneshot; see decode.)
      bool to_end = d.condition == Condition::completed || d.condition == Condition::exited;
      if (to_end && dep.type != ServiceType::oneshot)
        diags.error(d.where,
                    fmt::format("\"{}\" waits for \"{}\" to {}, but \"{}\" has `type: service` "
                                "and would never count as {} (make it `type: oneshot`, or "
                                "wait for condition: ready)",
                                s.name, d.name, d.condition == Condition::exited ? "end" : "complete", d.name,
                                d.condition == Condition::exited ? "ended" : "completed"));
      if (d.condition == Condition::ready && d.condition_given && dep.ready.empty() && dep.runnable())
        diags.note(d.where,
                   fmt::format("\"{}\" has no readiness probe: it counts as ready once it has stayed up for "
                               "min_uptime ({})",
                               d.name, format_duration(dep.min_uptime)));
    }
  }
}

void check_probes(const Config& cfg, Diagnostics& diags) {
  for (const auto& s : cfg.services) {
    for (const auto& p : s.live) {
      // These watch the start-up itself; after READY there is nothing left for them to see.
      if (std::holds_alternative<NotifyProbe>(p.kind) || std::holds_alternative<NotifyFdProbe>(p.kind) ||
          std::holds_alternative<LogProbe>(p.kind))
        diags.error(p.where,
                    fmt::format("service \"{}\": a {} probe proves readiness; it cannot be a `live:` probe",
                                s.name, kind_name(p.kind)));
    }
    int notify_fds = 0;
    for (const auto& p : s.ready)
      if (std::holds_alternative<NotifyFdProbe>(p.kind)) ++notify_fds;
    if (notify_fds > 1)
      diags.error(s.where, fmt::format("service \"{}\" has more than one notify_fd probe", s.name));
    if (s.type == ServiceType::oneshot && !s.live.empty())
      diags.warning(s.live.front().where,
                    fmt::format("service \"{}\" is a oneshot: `live:` probes never run", s.name));
  }
}

void check_ports(const Config& cfg, Diagnostics& diags) {
  std::map<std::pair<int, std::string>, std::pair<const Service*, Location>> owner;
  for (const auto& s : cfg.services) {
    if (!s.runnable()) continue;  // container services bind inside their own network
    for (const auto& p : *s.ports) {
      auto [it, inserted] = owner.emplace(std::pair(p.port, p.protocol), std::pair(&s, p.where));
      if (inserted) continue;
      if (it->second.first == &s)
        diags.error(p.where,
                    fmt::format("service \"{}\" declares port {}/{} twice", s.name, p.port, p.protocol));
      else
        diags.error(p.where, fmt::format("port {}/{} is declared by both \"{}\" (line {}) and \"{}\"", p.port,
                                         p.protocol, it->second.first->name, it->second.second.line, s.name));
    }
  }
}

bool variable_set(const Config& cfg, const Variables& vars, std::string_view name) {
  const std::string* v = find_variable(cfg, vars, name);
  return v && !v->empty();
}

void check_required_env(const Config& cfg, const Variables& vars, uint32_t main_file, Diagnostics& diags) {
  std::vector<std::string> missing;
  for (const auto& name : cfg.require_env)
    if (!variable_set(cfg, vars, name)) missing.push_back(name);
  if (!missing.empty())
    diags.error({main_file, 0, 0}, fmt::format("missing required environment variables: {} (set them in the "
                                               "environment or in an env file)",
                                               join(missing, ", ")));
}

// A TCP API can start and stop every service: beyond loopback it needs a
// token, and a configured token must exist before anything starts.
void check_api(const Config& cfg, const Variables& vars, Diagnostics& diags) {
  const auto& addr = cfg.api.address;
  if (!addr) return;  // normalize() reported it
  if (!cfg.api.token_env.empty()) {
    if (!variable_set(cfg, vars, cfg.api.token_env))
      diags.error(cfg.api.where,
                  fmt::format("api.token_env names {}, which is not set (the API would have no "
                              "token); set it in the environment or in an env file",
                              cfg.api.token_env));
    if (addr->kind == ListenAddress::Kind::unix_socket)
      diags.warning(cfg.api.where, "api.token_env has no effect on a unix socket (its mode 0600 guards it)");
  } else if (!addr->loopback()) {
    diags.error(cfg.api.where,
                fmt::format("api.listen {} is not a loopback address: set api.token_env to require a bearer "
                            "token, or listen on 127.0.0.1",
                            cfg.api.listen));
  } else if (addr->kind == ListenAddress::Kind::tcp) {
    diags.warning(cfg.api.where,
                  fmt::format("api.listen {} has no api.token_env: any local user can stop this stack",
                              cfg.api.listen));
  }
  if (addr->kind == ListenAddress::Kind::unix_socket) {
    // `up` replaces a stale socket there; anything else (the config file itself) is refused.
    const std::string& path = addr->path;
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode))
      diags.error(cfg.api.where,
                  fmt::format("api.listen {}: {} exists and is not a socket; lineup will not replace it",
                              cfg.api.listen, path));
  }
}

void report_container_services(const Config& cfg, Diagnostics& diags) {
  for (const auto& s : cfg.services)
    if (s.container_only() && !s.provider->empty())
      diags.note(s.where,
                 fmt::format("service \"{}\" is a compose provider service (provider: {}): compose has a "
                             "plugin create it; lineup cannot run it",
                             s.name, *s.provider));
    else if (s.container_only())
      diags.note(s.where, fmt::format("service \"{}\" is a container service (image: {}, no command): not "
                                      "runnable by the process runtime",
                                      s.name, *s.image));
}

}  // namespace

const std::string* find_variable(const Config& cfg, const Variables& vars, std::string_view name) {
  if (const std::string* v = vars.get(name); v && !v->empty()) return v;
  for (const auto& [k, val] : cfg.environment)
    if (k == name) return &val;
  return nullptr;
}

void validate(const Config& cfg, const Variables& vars, uint32_t main_file, Diagnostics& diags) {
  check_dependencies(cfg, diags);
  check_probes(cfg, diags);
  check_ports(cfg, diags);
  check_required_env(cfg, vars, main_file, diags);
  check_api(cfg, vars, diags);
  report_container_services(cfg, diags);
}

}  // namespace lineup::config
