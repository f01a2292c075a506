// compose's and process-compose's spellings of what lineup reads: a compose
// `healthcheck:` (one exec probe for readiness and liveness), a
// process-compose `readiness_probe:` / `liveness_probe:`, compose `ports:`.
// See decode_parts.h.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/decode.h"
#include "config/decode_parts.h"
#include "config/keys.h"
#include "config/ports.h"

namespace lineup::config {

// process-compose: readiness_probe: {exec: {command}, http_get: {host, port, path, scheme}, ...timing}
void decode_single_probe(const Node& n, std::vector<Probe>& out, const DecodeScope& sc) {
  if (!sc.r.expect_map(n, "probe")) return;
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
  if (auto p = decode_probe(copy, sc.diags, sc.strict)) out.push_back(std::move(*p));
}

// compose healthcheck -> one exec probe used for both ready and live.
void decode_healthcheck(const Node& n, Service& s, const DecodeScope& sc) {
  if (!sc.r.expect_map(n, "healthcheck")) return;
  check_keys(n, kHealthcheckKeys, {}, "in healthcheck", sc.strict, sc.diags);
  if (const Node* d = n.find("disable"))
    if (auto b = sc.r.boolean(*d, "disable"); b && *b) return;
  const Node* test = n.find("test");
  if (!test) return;
  Command cmd;
  if (test->is_scalar()) {
    cmd = {{"/bin/sh", "-c", test->text}, true};
  } else if (test->is_sequence()) {
    auto list = sc.r.string_list(*test, "healthcheck test");
    if (!list || list->empty()) return;
    std::string head = list->front();
    if (head == "NONE") return;
    if (head == "CMD-SHELL") {
      if (list->size() < 2) {
        sc.diags.error(test->where, "healthcheck test: CMD-SHELL needs a command");
        return;
      }
      std::vector<std::string> rest(list->begin() + 1, list->end());
      cmd = {{"/bin/sh", "-c", fmt::format("{}", fmt::join(rest, " "))}, true};
    } else if (head == "CMD") {
      if (list->size() < 2) {
        sc.diags.error(test->where, "healthcheck test: CMD needs a command");
        return;
      }
      cmd = {std::vector<std::string>(list->begin() + 1, list->end()), false};
    } else {
      cmd = {*list, false};
    }
  } else {
    sc.r.mismatch(*test, "healthcheck test", "a string or a list");
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
      if (auto d = sc.r.duration(*v, fmt::format("healthcheck {}", key))) field = *d;
  };
  dur("interval", p.timing.interval);
  if (n.find("interval")) p.timing.interval_given = true;
  dur("timeout", p.timing.timeout);
  dur("start_period", p.timing.grace);
  dur("start_interval", p.timing.start_interval);
  if (const Node* v = n.find("retries"))
    if (auto i = sc.r.integer(*v, "healthcheck retries", 1, 1000))
      p.timing.failure_threshold = static_cast<int>(*i);
  if (p.timing.timeout.count() <= 0) sc.diags.error(p.where, "healthcheck timeout must be greater than zero");
  if (p.timing.interval.count() <= 0)
    sc.diags.error(p.where, "healthcheck interval must be greater than zero");
  if (s.ready.empty()) s.ready.push_back(p);
  if (s.live.empty()) s.live.push_back(p);
}

// Compose `ports:`, short or long syntax (config/ports.h): lineup checks the host side.
void decode_ports(const Node& n, Service& s, const DecodeScope& sc) {
  if (!n.is_sequence()) {
    sc.r.mismatch(n, "ports", "a list");
    return;
  }
  for (const auto& item : n.items) {
    Result<std::optional<HostPorts>> ports = std::optional<HostPorts>{};
    if (item.is_map()) {
      const Node* pub = item.find("published");
      if (!pub) pub = item.find("target");
      if (!pub || !pub->is_scalar()) {
        sc.diags.error(item.where, "ports: the long syntax needs `published`");
        continue;
      }
      const Node* p = item.find("protocol");
      auto published = parse_published_port(pub->text, p && p->is_scalar() ? p->text : "tcp");
      if (published)
        ports = std::optional<HostPorts>{*published};
      else
        ports = unexpected(published.error());
    } else if (item.is_scalar()) {
      ports = parse_port_mapping(item.text);
    } else {
      sc.r.mismatch(item, "ports entry", "a port like \"8000\" or \"8000:80\"");
      continue;
    }
    if (!ports) {
      sc.diags.error(item.where, ports.error());
      continue;
    }
    if (!*ports) continue;  // a random host port: nothing to check
    for (int p = (*ports)->first; p <= (*ports)->last; ++p)
      s.ports.push_back({p, (*ports)->protocol, item.where});
  }
}

}  // namespace lineup::config
