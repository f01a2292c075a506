// Decoding of one readiness / liveness probe.
//
// A probe is a mapping with exactly one kind key (exec, tcp, http,
// websocket, grpc, postgres, mysql, redis, log, notify, notify_fd, file) and optional timing keys. Timing may
// sit beside the kind key or inside the kind's own mapping, as the SPEC's
// examples write it; Kubernetes / process-compose spellings are accepted.
#include <fmt/format.h>

#include <array>

#include <nlohmann/json.hpp>

#include "config/decode.h"
#include "config/keys.h"
#include "config/scalars.h"
#include "util/regex.h"

namespace lineup::config {

namespace {

constexpr std::array<std::string_view, 12> kKinds = {"exec",      "tcp",  "http",      "postgres",
                                                     "redis",     "log",  "mysql",     "notify",
                                                     "notify_fd", "file", "websocket", "grpc"};
constexpr std::array<std::string_view, 12> kTimingKeys = {"initial_delay",         "interval",
                                                          "start_interval",        "timeout",
                                                          "success_threshold",     "failure_threshold",
                                                          "initial_delay_seconds", "period_seconds",
                                                          "timeout_seconds",       "grace",
                                                          "start_period",          "retries"};

bool is_timing_key(std::string_view k) {
  for (auto t : kTimingKeys)
    if (t == k) return true;
  return false;
}

void read_timing_key(const Node::Entry& e, ProbeTiming& t, Reader& r) {
  const Node& v = e.value;
  const std::string& k = e.key;
  auto set_ms = [&](Millis& field, std::optional<Millis> d) {
    if (d) field = *d;
  };
  // Must be positive: said at the key itself, where the user wrote it.
  auto set_positive = [&](Millis& field, std::optional<Millis> d, std::string_view name) {
    if (!d) return;
    if (d->count() <= 0)
      r.diags().error(v.where, fmt::format("probe {} must be greater than zero", name));
    else
      field = *d;
  };
  if (k == "initial_delay")
    set_ms(t.initial_delay, r.duration(v, k));
  else if (k == "initial_delay_seconds")
    set_ms(t.initial_delay, r.seconds(v, k));
  else if (k == "interval") {
    set_positive(t.interval, r.duration(v, k), "interval");
    t.interval_given = !v.supplied;
  } else if (k == "period_seconds") {
    set_positive(t.interval, r.seconds(v, k), "interval");
    t.interval_given = true;
  } else if (k == "start_interval")
    set_positive(t.start_interval, r.duration(v, k), "start_interval");
  else if (k == "timeout")
    set_positive(t.timeout, r.duration(v, k), "timeout");
  else if (k == "timeout_seconds")
    set_positive(t.timeout, r.seconds(v, k), "timeout");
  else if (k == "grace" || k == "start_period")
    set_ms(t.grace, r.duration(v, k));
  else if (k == "success_threshold") {
    if (auto n = r.integer(v, k, 1, 1000)) t.success_threshold = static_cast<int>(*n);
  } else if (k == "failure_threshold" || k == "retries") {
    if (auto n = r.integer(v, k, 1, 1000)) t.failure_threshold = static_cast<int>(*n);
  }
}

// `host:port`, `[::1]:port`, `tcp://host:port`, or a bare port (loopback).
std::optional<TcpProbe> parse_tcp(std::string_view s) {
  if (s.starts_with("tcp://")) s.remove_prefix(6);
  std::string host = "127.0.0.1";
  std::string_view port = s;
  if (auto colon = s.rfind(':'); colon != std::string_view::npos) {
    host = std::string(s.substr(0, colon));
    port = s.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "127.0.0.1";
  }
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    p = p * 10 + (c - '0');
    if (p > 65535) return std::nullopt;
  }
  if (port.empty() || p == 0) return std::nullopt;
  return TcpProbe{host, p};
}

void read_status(const Node& n, HttpProbe& h, Reader& r) {
  auto one = [&](const Node& item) {
    if (item.is_scalar() && item.text.size() == 3 && item.text[1] == 'x' && item.text[2] == 'x' &&
        item.text[0] >= '1' && item.text[0] <= '5') {
      h.status_class = item.text[0] - '0';
      return;
    }
    if (auto code = r.integer(item, "status", 100, 599)) {
      h.status.push_back(static_cast<int>(*code));
      h.status_class = 0;
    }
  };
  if (n.is_sequence()) {
    for (const auto& item : n.items) one(item);
  } else {
    one(n);
  }
}

std::optional<Pattern> pattern(const Node& n, std::string_view what, Reader& r) {
  auto s = r.string(n, what);
  if (!s) return std::nullopt;
  Pattern p(*s);
  if (!p.empty() && !p.valid()) {
    r.diags().error(n.where, fmt::format("{}: invalid regular expression \"{}\": {}", what, p.text, p.error));
    return std::nullopt;
  }
  return p;
}

// A request body written as YAML, as JSON: keys in the file's order, an
// unquoted scalar as the JSON value it spells (true, 3, 2.5, null), anything
// else a string.
nlohmann::ordered_json as_json(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null:
      return nullptr;
    case Node::Kind::scalar: {
      if (n.quoted) return n.text;
      if (n.text == "true" || n.text == "false") return n.text == "true";
      if (n.text == "null" || n.text == "~") return nullptr;
      auto number = nlohmann::ordered_json::parse(n.text, nullptr, false);
      if (number.is_number()) return number;
      return n.text;
    }
    case Node::Kind::sequence: {
      auto out = nlohmann::ordered_json::array();
      for (const auto& item : n.items) out.push_back(as_json(item));
      return out;
    }
    case Node::Kind::map: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& e : n.entries) out[e.key] = as_json(e.value);
      return out;
    }
  }
  return nullptr;
}

// A message or request body: a string as written, a mapping or list as JSON.
std::optional<std::string> body_text(const Node& n, std::string_view what, Reader& r) {
  if (n.is_map() || n.is_sequence()) return as_json(n).dump();
  return r.string(n, what);
}

void read_headers(const Node& n, std::string_view what,
                  std::vector<std::pair<std::string, std::string>>& headers, Reader& r) {
  if (!r.expect_map(n, what)) return;
  for (const auto& e : n.entries)
    if (auto s = r.string(e.value, "header")) headers.emplace_back(e.key, *s);
}

// Reads the kind's value; a mapping may also carry timing keys.
std::optional<ProbeKind> read_kind(std::string_view kind, const Node& v, ProbeTiming& t, Reader& r,
                                   bool strict) {
  std::string what = fmt::format("{} probe", kind);
  auto timing_in_map = [&](const Node& m) {
    for (const auto& e : m.entries)
      if (is_timing_key(e.key)) read_timing_key(e, t, r);
  };
  auto keys = [&](const Node& m, std::initializer_list<std::string_view> known) {
    std::vector<std::string_view> all(known);
    all.insert(all.end(), kTimingKeys.begin(), kTimingKeys.end());
    check_keys(m, all, {}, fmt::format("in {}", what), strict, r.diags());
    timing_in_map(m);
  };

  if (kind == "exec") {
    if (v.is_map()) {
      keys(v, {"command"});
      const Node* c = v.find("command");
      if (!c) {
        r.diags().error(v.where, "exec probe: missing \"command\"");
        return std::nullopt;
      }
      auto cmd = r.command(*c, what);
      if (!cmd) return std::nullopt;
      return ExecProbe{std::move(*cmd)};
    }
    auto cmd = r.command(v, what);
    if (!cmd) return std::nullopt;
    return ExecProbe{std::move(*cmd)};
  }
  if (kind == "tcp") {
    if (v.is_map()) {
      keys(v, {"host", "port"});
      TcpProbe p;
      if (const Node* h = v.find("host"))
        if (auto s = r.string(*h, "tcp probe host")) p.host = *s;
      const Node* port = v.find("port");
      if (!port) {
        r.diags().error(v.where, "tcp probe: missing \"port\"");
        return std::nullopt;
      }
      auto n = r.integer(*port, "tcp probe port", 1, 65535);
      if (!n) return std::nullopt;
      p.port = static_cast<int>(*n);
      return p;
    }
    auto s = r.string(v, what);
    if (!s) return std::nullopt;
    auto p = parse_tcp(*s);
    if (!p) {
      r.diags().error(v.where, fmt::format("tcp probe: \"{}\" is not host:port", *s));
      return std::nullopt;
    }
    return *p;
  }
  if (kind == "http") {
    HttpProbe h;
    const Node* url = &v;
    if (v.is_map()) {
      keys(v, {"url", "method", "headers", "body", "status", "body_contains", "body_regex", "json"});
      url = v.find("url");
      if (!url) {
        r.diags().error(v.where, "http probe: missing \"url\"");
        return std::nullopt;
      }
      if (const Node* m = v.find("method"))
        if (auto s = r.string(*m, "http probe method")) h.method = *s;
      if (const Node* hs = v.find("headers")) read_headers(*hs, "http probe headers", h.headers, r);
      if (const Node* b = v.find("body"))
        if (auto s = body_text(*b, "http probe body", r)) h.body = *s;
      if (const Node* s = v.find("status")) read_status(*s, h, r);
      if (const Node* b = v.find("body_contains"))
        if (auto s = r.string(*b, "body_contains")) h.body_contains = *s;
      if (const Node* b = v.find("body_regex"))
        if (auto p = pattern(*b, "body_regex", r)) h.body_regex = std::move(*p);
      if (const Node* j = v.find("json"); j && r.expect_map(*j, "http probe json"))
        for (const auto& e : j->entries) {
          if (!e.value.is_scalar() && !e.value.is_null()) {
            r.mismatch(e.value, "json value", "a scalar");
            continue;
          }
          h.json.emplace_back(e.key, e.value.is_null() ? "null" : e.value.text);
        }
    }
    auto s = r.string(*url, "http probe url");
    if (!s) return std::nullopt;
    if (!s->starts_with("http://") && !s->starts_with("https://")) {
      // Without its scheme a URL's password is not found by redaction: mask `user:pw@` here.
      std::string shown = *s;
      size_t at = shown.find('@'), colon = shown.find(':');
      if (at != std::string::npos && at < shown.find('/') && colon < at)
        shown = shown.substr(0, colon + 1) + "***" + shown.substr(at);
      r.diags().error(url->where, fmt::format("http probe: \"{}\" is not an http:// or https:// URL", shown));
      return std::nullopt;
    }
    h.url = *s;
    return h;
  }
  if (kind == "grpc") {
    GrpcProbe g;
    const Node* target = &v;
    if (v.is_map()) {
      keys(v, {"target", "port", "service", "tls"});
      target = v.find("target");
      if (const Node* port = v.find("port"); port && !target) {  // Kubernetes' spelling: a port on loopback
        auto n = r.integer(*port, "grpc probe port", 1, 65535);
        if (!n) return std::nullopt;
        g.port = static_cast<int>(*n);
      } else if (!target) {
        r.diags().error(v.where, "grpc probe: missing \"target\" (host:port)");
        return std::nullopt;
      }
      if (const Node* s = v.find("service"))
        if (auto name = r.string(*s, "grpc probe service")) g.service = *name;
      if (const Node* t = v.find("tls"))
        if (auto b = r.boolean(*t, "grpc probe tls")) g.tls = *b;
    }
    if (target) {
      auto s = r.string(*target, "grpc probe target");
      if (!s) return std::nullopt;
      std::string_view text = *s;
      if (text.starts_with("grpc://")) text.remove_prefix(7);
      auto hp = parse_tcp(text);
      if (!hp) {
        r.diags().error(target->where, fmt::format("grpc probe: \"{}\" is not host:port", *s));
        return std::nullopt;
      }
      g.host = hp->host;
      g.port = hp->port;
    }
    return g;
  }
  if (kind == "websocket") {
    WebSocketProbe w;
    const Node* url = &v;
    if (v.is_map()) {
      keys(v, {"url", "headers", "send", "expect"});
      url = v.find("url");
      if (!url) {
        r.diags().error(v.where, "websocket probe: missing \"url\"");
        return std::nullopt;
      }
      if (const Node* hs = v.find("headers")) read_headers(*hs, "websocket probe headers", w.headers, r);
      if (const Node* s = v.find("send"))
        if (auto text = body_text(*s, "websocket probe send", r)) w.send = *text;
      if (const Node* e = v.find("expect"))
        if (auto p = pattern(*e, "websocket probe expect", r)) w.expect = std::move(*p);
    }
    auto s = r.string(*url, "websocket probe url");
    if (!s) return std::nullopt;
    if (!s->starts_with("ws://") && !s->starts_with("wss://")) {
      r.diags().error(url->where, "websocket probe: the url must start with ws:// or wss://");
      return std::nullopt;
    }
    w.url = *s;
    return w;
  }
  // A database login and query: `URL` or {url, query, expect: rows}.
  auto sql = [&](auto p, std::string_view scheme, std::string_view other) -> std::optional<ProbeKind> {
    const Node* url = &v;
    if (v.is_map()) {
      keys(v, {"url", "query", "expect"});
      url = v.find("url");
      if (!url) {
        r.diags().error(v.where, fmt::format("{}: missing \"url\"", what));
        return std::nullopt;
      }
      if (const Node* q = v.find("query"))
        if (auto s = r.string(*q, what + " query")) p.query = *s;
      if (const Node* e = v.find("expect")) {
        if (e->is_scalar() && e->text == "rows") {
          p.expect_rows = true;
        } else {
          r.mismatch(*e, what + " expect", "\"rows\"");
        }
      }
    }
    auto s = r.string(*url, what + " url");
    if (!s) return std::nullopt;
    if (!s->starts_with(fmt::format("{}://", scheme)) && !s->starts_with(fmt::format("{}://", other))) {
      r.diags().error(url->where,
                      fmt::format("{}: the url must start with {}:// or {}://", what, scheme, other));
      return std::nullopt;
    }
    p.url = *s;
    return p;
  };
  if (kind == "postgres") return sql(PostgresProbe{}, "postgres", "postgresql");
  if (kind == "mysql") return sql(MysqlProbe{}, "mysql", "mariadb");
  if (kind == "redis") {
    RedisProbe p;
    const Node* url = &v;
    if (v.is_map()) {
      keys(v, {"url", "checks"});
      url = v.find("url");
      if (!url) {
        r.diags().error(v.where, "redis probe: missing \"url\"");
        return std::nullopt;
      }
      if (const Node* c = v.find("checks")) {
        if (auto list = r.string_list(*c, "redis probe checks")) {
          for (const auto& check : *list) {
            if (check == "roundtrip")
              p.roundtrip = true;
            else if (check == "loaded")
              p.loaded = true;
            else if (check != "ping")
              r.diags().error(
                  c->where,
                  fmt::format("redis probe: unknown check \"{}\" (known: ping, roundtrip, loaded)", check));
          }
        }
      }
    }
    auto s = r.string(*url, "redis probe url");
    if (!s) return std::nullopt;
    if (!s->starts_with("redis://") && !s->starts_with("rediss://")) {
      r.diags().error(url->where, "redis probe: the url must start with redis://");
      return std::nullopt;
    }
    p.url = *s;
    return p;
  }
  if (kind == "log") {
    const Node* re = &v;
    if (v.is_map()) {
      keys(v, {"regex"});
      re = v.find("regex");
      if (!re) {
        r.diags().error(v.where, "log probe: missing \"regex\"");
        return std::nullopt;
      }
    }
    auto p = pattern(*re, what, r);
    if (!p) return std::nullopt;
    return LogProbe{std::move(*p)};
  }
  if (kind == "notify") {
    auto b = r.boolean(v, what);
    if (!b) return std::nullopt;
    if (!*b) return std::nullopt;  // `notify: false` = no probe
    return NotifyProbe{};
  }
  if (kind == "notify_fd") {
    auto n = r.integer(v, "notify_fd", 3, 1023);
    if (!n) return std::nullopt;
    return NotifyFdProbe{static_cast<int>(*n)};
  }
  if (kind == "file") {
    auto s = r.string(v, what);
    if (!s) return std::nullopt;
    return FileProbe{*s};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Probe> decode_probe(const Node& n, Diagnostics& diags, bool strict) {
  Reader r(diags);
  if (!n.is_map()) {
    r.mismatch(n, "probe", "a mapping such as {tcp: 127.0.0.1:5432}");
    return std::nullopt;
  }
  std::vector<std::string_view> known(kKinds.begin(), kKinds.end());
  known.insert(known.end(), kTimingKeys.begin(), kTimingKeys.end());
  check_keys(n, known, {}, "in probe", strict, diags);

  const Node::Entry* kind_entry = nullptr;
  for (const auto& e : n.entries) {
    bool is_kind = false;
    for (auto k : kKinds) is_kind = is_kind || k == e.key;
    if (!is_kind) continue;
    if (kind_entry) {
      diags.error(e.key_at, fmt::format("a probe has one kind, but this one has both \"{}\" and \"{}\": "
                                        "write them as two list items",
                                        kind_entry->key, e.key));
      return std::nullopt;
    }
    kind_entry = &e;
  }
  if (!kind_entry) {
    diags.error(
        n.where,
        "probe has no kind: use one of exec, tcp, http, websocket, grpc, postgres, mysql, redis, log, "
        "notify, notify_fd, file");
    return std::nullopt;
  }
  Probe p;
  p.where = kind_entry->key_at;
  for (const auto& e : n.entries)
    if (is_timing_key(e.key)) read_timing_key(e, p.timing, r);
  auto kind = read_kind(kind_entry->key, kind_entry->value, p.timing, r, strict);
  if (!kind) return std::nullopt;
  p.kind = std::move(*kind);
  return p;
}

}  // namespace lineup::config
