#include "export/targets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "config/redact.h"

#include "util/strings.h"
#include "util/url.h"

namespace lineup::exporter {

namespace {

std::string with_port(std::string_view host, int port) {
  return host.find(':') != std::string_view::npos ? fmt::format("[{}]:{}", host, port)
                                                  : fmt::format("{}:{}", host, port);
}

// A URL with its host replaced when it points at the service's own machine.
std::string rehost(const std::string& url, std::string_view host) {
  auto u = split_url(url);
  if (!u || host.empty() || !is_local_host(u->host)) return url;
  u->host = std::string(host);
  return u->text();
}

}  // namespace

bool is_local_host(std::string_view h) {
  return h.empty() || h == "localhost" || h == "0.0.0.0" || h == "::" || h == "::1" || h.starts_with("127.");
}

std::optional<std::string> wait_target(const config::Probe& p, std::string_view host) {
  using namespace config;
  bool remote = !host.empty();
  return std::visit(
      [&](const auto& k) -> std::optional<std::string> {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ExecProbe>) {
          if (remote) return std::nullopt;
          return "exec:" + (k.command.shell ? k.command.argv.back() : k.command.display());
        } else if constexpr (std::is_same_v<K, FileProbe>) {
          if (remote) return std::nullopt;
          return "file:" + k.path;
        } else if constexpr (std::is_same_v<K, TcpProbe>) {
          return "tcp://" +
                 with_port(remote && is_local_host(k.host) ? host : std::string_view(k.host), k.port);
        } else if constexpr (std::is_same_v<K, GrpcProbe>) {
          std::string h = remote && is_local_host(k.host) ? std::string(host) : k.host;
          return fmt::format("{}://{}{}", k.tls ? "grpcs" : "grpc", with_port(h, k.port),
                             k.service.empty() ? "" : "/" + k.service);
        } else if constexpr (std::is_same_v<K, HttpProbe>) {
          // `lineup wait` sends a GET: a probe that POSTs (a body, another method) has no target.
          if (k.method != "GET" || !k.body.empty()) return std::nullopt;
          return rehost(k.url, host);
        } else if constexpr (std::is_same_v<K, PostgresProbe> || std::is_same_v<K, RedisProbe> ||
                             std::is_same_v<K, MysqlProbe> || std::is_same_v<K, WebSocketProbe>) {
          return rehost(k.url, host);
        } else {
          return std::nullopt;  // log, notify, notify_fd
        }
      },
      p.kind);
}

int probe_port(const config::Probe& p) {
  using namespace config;
  if (auto* t = std::get_if<TcpProbe>(&p.kind)) return t->port;
  if (auto* g = std::get_if<GrpcProbe>(&p.kind)) return g->port;
  auto target = wait_target(p);
  if (!target) return 0;
  auto u = split_url(*target);
  if (!u) return 0;
  if (u->port.empty()) return default_port(u->scheme);
  int port = 0;
  for (char c : u->port) {
    if (c < '0' || c > '9' || port > 65535) return 0;
    port = port * 10 + (c - '0');
  }
  return port <= 65535 ? port : 0;
}

std::vector<std::pair<std::string, std::string>> service_environment(const config::Config& cfg,
                                                                     const config::Service& s) {
  std::vector<std::pair<std::string, std::string>> out;
  auto put = [&](const std::string& k, const std::string& v) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == k; });
    if (it != out.end())
      it->second = v;
    else
      out.emplace_back(k, v);
  };
  for (const auto& [k, v] : cfg.environment) put(k, v);
  for (const auto& [k, v] : s.environment) put(k, v);
  return out;
}

std::string refer_to_secrets(std::string text, const std::vector<std::pair<std::string, std::string>>& env,
                             std::string (*ref)(const std::string&), std::vector<std::string>* used) {
  // Longest value first, so a secret that contains another is replaced whole.
  std::vector<const std::pair<std::string, std::string>*> secrets;
  for (const auto& e : env)
    if (is_secret_variable(e.first) && e.second.size() >= 3) secrets.push_back(&e);
  std::sort(secrets.begin(), secrets.end(),
            [](auto* a, auto* b) { return a->second.size() > b->second.size(); });
  for (const auto* e : secrets) {
    std::string with = ref(e->first);
    bool found = false;
    for (size_t at = text.find(e->second); at != std::string::npos;
         at = text.find(e->second, at + with.size())) {
      text.replace(at, e->second.size(), with);
      found = true;
    }
    if (found && used && std::find(used->begin(), used->end(), e->first) == used->end())
      used->push_back(e->first);
  }
  return text;
}

bool is_secret_variable(std::string_view name) {
  return config::is_secret_name(name) && !name.ends_with("_FILE");
}

std::string secret_holding(std::string_view password, const Env& env, const Env& more) {
  std::string decoded = percent_decode(password);
  for (const auto* list : {&env, &more})
    for (const auto& [k, v] : *list)
      if (is_secret_variable(k) && !v.empty() && (v == password || v == decoded)) return k;
  return "";
}

std::string refer_to_password(const std::string& target, std::string_view service, const Env& env,
                              const Env& more, std::string (*ref)(const std::string&), std::string& key) {
  key.clear();
  auto u = split_url(target);
  if (!u || !u->has_password || u->password.empty()) return target;
  key = secret_holding(u->password, env, more);
  if (key.empty()) {
    key = "LINEUP_";
    for (char c : service)
      key += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
    key += "_PASSWORD";
  }
  u->password = ref(key);
  return u->text();
}

long long ceil_seconds(Millis d, long long min) {
  long long s = (d.count() + 999) / 1000;
  return s < min ? min : s;
}

std::string duration_text(Millis d) {
  if (d.count() % 1000 == 0) return fmt::format("{}s", d.count() / 1000);
  return fmt::format("{}ms", d.count());
}

}  // namespace lineup::exporter
