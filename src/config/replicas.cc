#include "config/replicas.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

namespace lineup::config {

namespace {

void set_variable(std::vector<std::pair<std::string, std::string>>& env, const std::string& key,
                  std::string value) {
  for (auto& kv : env)
    if (kv.first == key) {
      kv.second = std::move(value);
      return;
    }
  env.emplace_back(key, std::move(value));
}

// A replicated service that listens on a fixed port, or is checked at a
// fixed address, does the same in every copy: the second copy cannot bind
// it, and every copy's probe would see the first one.
void check_shared_addresses(const Service& s, Diagnostics& diags) {
  if (!s.runnable()) return;
  if (!s.ports->empty())
    diags.error(s.ports->front().where,
                fmt::format("service \"{}\" has replicas: {} and ports: {}: every replica would listen on "
                            "port {}; leave `ports:` out and give each replica its own port from "
                            "$LINEUP_REPLICA",
                            s.name, s.replicas, s.ports->front().port, s.ports->front().port));
  for (const auto* list : {&s.ready, &s.live})
    for (const auto& p : *list)
      if (std::holds_alternative<TcpProbe>(p.kind) || std::holds_alternative<HttpProbe>(p.kind) ||
          std::holds_alternative<GrpcProbe>(p.kind)) {
        diags.warning(p.where, fmt::format("service \"{}\" has replicas: {}: every replica runs this {} "
                                           "probe against the same address (an exec probe can use "
                                           "$LINEUP_REPLICA)",
                                           s.name, s.replicas, kind_name(p.kind)));
        return;
      }
}

// A replica's own log_location: `{PC_REPLICA_NUM}` is its number from 0 (as
// process-compose), `{LINEUP_REPLICA}` from 1; with neither, "-N" before the
// extension (app.log -> app-2.log), so two replicas never share a file.
std::string replica_log(const std::string& path, int i) {
  if (path.empty()) return path;
  std::string out = path;
  bool placed = false;
  for (auto [token, value] : {std::pair{std::string_view("{PC_REPLICA_NUM}"), i - 1},
                              std::pair{std::string_view("{LINEUP_REPLICA}"), i}})
    for (size_t at; (at = out.find(token)) != std::string::npos; placed = true)
      out.replace(at, token.size(), std::to_string(value));
  if (placed) return out;
  size_t slash = out.rfind('/');
  size_t dot = out.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == slash + 1)
    return fmt::format("{}-{}", out, i);
  return fmt::format("{}-{}{}", out.substr(0, dot), i, out.substr(dot));
}

}  // namespace

void expand_replicas(Config& cfg, Diagnostics& diags) {
  std::map<std::string, int, std::less<>> count;  // base name -> N, for N >= 2
  for (const auto& s : cfg.services)
    if (s.replicas >= 2) count.emplace(s.name, s.replicas);
  if (count.empty()) return;
  size_t total = cfg.services.size();
  for (const auto& [name, n] : count) total += static_cast<size_t>(n) - 1;
  if (total > kMaxServicesAfterReplicas) {
    const Service* first = cfg.find(count.begin()->first);
    diags.error(first ? first->where : Location{},
                fmt::format("replicas would make {} services; lineup runs at most {} from one file", total,
                            kMaxServicesAfterReplicas));
    return;
  }

  std::set<std::string, std::less<>> plain;  // names written in the file
  for (const auto& s : cfg.services) plain.insert(s.name);

  std::vector<Service> out;
  out.reserve(cfg.services.size());
  for (auto& s : cfg.services) {
    if (s.replicas < 2) {
      out.push_back(std::move(s));
      continue;
    }
    check_shared_addresses(s, diags);
    for (int i = 1; i <= s.replicas; ++i) {
      Service copy = s;
      copy.name = fmt::format("{}-{}", s.name, i);
      if (plain.count(copy.name))
        diags.error(s.where, fmt::format("service \"{}\" has replicas: {}, whose replica \"{}\" has the name "
                                         "of another service; rename one of them",
                                         s.name, s.replicas, copy.name));
      copy.replica_of = s.name;
      copy.replica = i;
      if (s.log_location) copy.log_location = replica_log(*s.log_location, i);
      set_variable(copy.environment, "LINEUP_REPLICA", std::to_string(i));
      set_variable(copy.environment, "PC_REPLICA_NUM", std::to_string(i - 1));
      out.push_back(std::move(copy));
    }
  }
  cfg.services = std::move(out);

  // A dependency on the base name waits for every replica.
  for (auto& s : cfg.services) {
    std::vector<Dependency> deps;
    deps.reserve(s.depends_on.size());
    for (auto& d : s.depends_on) {
      auto it = count.find(d.name);
      if (it == count.end()) {
        deps.push_back(std::move(d));
        continue;
      }
      for (int i = 1; i <= it->second; ++i) {
        Dependency copy = d;
        copy.name = fmt::format("{}-{}", d.name, i);
        deps.push_back(std::move(copy));
      }
    }
    s.depends_on = std::move(deps);
  }
}

Config fold_replicas(const Config& cfg) {
  Config out = cfg;
  out.services.clear();
  std::map<std::string, std::string, std::less<>> base_of;  // replica name -> base name
  for (const auto& s : cfg.services)
    if (s.replica) base_of.emplace(s.name, *s.replica_of);
  for (const auto& s : cfg.services) {
    if (s.replica > 1) continue;
    Service one = s;
    if (s.replica) {
      one.name = *s.replica_of;
      one.replica_of.reset();
      one.replica = 0;
      std::erase_if(one.environment, [](const auto& kv) {
        return kv.first == "LINEUP_REPLICA" || kv.first == "PC_REPLICA_NUM";
      });
    }
    std::set<std::string, std::less<>> seen;
    std::vector<Dependency> deps;
    for (auto d : one.depends_on) {
      if (auto it = base_of.find(d.name); it != base_of.end()) d.name = it->second;
      if (seen.insert(d.name).second) deps.push_back(std::move(d));
    }
    one.depends_on = std::move(deps);
    out.services.push_back(std::move(one));
  }
  return out;
}

std::vector<size_t> services_named(const Config& cfg, std::string_view name) {
  std::vector<size_t> out;
  for (size_t i = 0; i < cfg.services.size(); ++i)
    if (cfg.services[i].name == name) return {i};
  for (size_t i = 0; i < cfg.services.size(); ++i)
    if (*cfg.services[i].replica_of == name) out.push_back(i);
  return out;
}

}  // namespace lineup::config
