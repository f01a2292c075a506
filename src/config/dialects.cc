#include "config/dialects.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "config/keys.h"
#include "config/scalars.h"

namespace lineup::config {

namespace {

Node scalar(std::string text, Location where) {
  Node n;
  n.kind = Node::Kind::scalar;
  n.text = std::move(text);
  n.where = where;
  return n;
}

// Removes `key` from the map and returns its entry, if it was there.
std::optional<Node::Entry> take(Node& map, std::string_view key) {
  for (auto it = map.entries.begin(); it != map.entries.end(); ++it)
    if (it->key == key) {
      Node::Entry e = std::move(*it);
      map.entries.erase(it);
      return e;
    }
  return std::nullopt;
}

// The probe list under `key`: made when missing, a single probe (a mapping)
// made a list of one. nullptr when it holds something else: decode says so.
Node* probe_list(Node& service, std::string_view key, Location where) {
  Node* list = service.find(key);
  if (!list) {
    Node empty;
    empty.kind = Node::Kind::sequence;
    empty.where = where;
    service.entries.push_back({std::string(key), where, std::move(empty)});
    return &service.entries.back().value;
  }
  if (list->is_null()) {
    list->kind = Node::Kind::sequence;
  } else if (list->is_map()) {
    Node one = std::move(*list);
    *list = Node{};
    list->kind = Node::Kind::sequence;
    list->where = one.where;
    list->items.push_back(std::move(one));
  }
  return list->is_sequence() ? list : nullptr;
}

bool has_probes(const Node& service, std::string_view key) {
  const Node* list = service.find(key);
  return list && !list->is_null() && !(list->is_sequence() && list->items.empty());
}

// process-compose's http_get: {scheme, host, port, path} is an http: URL.
Node process_compose_probe(Node probe) {
  Node::Entry* get = nullptr;
  for (auto& e : probe.entries)
    if (e.key == "http_get" && e.value.is_map()) get = &e;
  if (!get) return probe;
  auto part = [&](const char* key, const char* otherwise) {
    const Node* v = get->value.find(key);
    return v ? v->text : std::string(otherwise);
  };
  get->key = "http";
  get->value = scalar(fmt::format("{}://{}:{}{}", part("scheme", "http"), part("host", "127.0.0.1"),
                                  part("port", "80"), part("path", "/")),
                      get->value.where);
  return probe;
}

// compose's healthcheck as a lineup probe; nullopt when it checks nothing
// (disabled, no test, NONE) or is wrong (said in `diags`).
std::optional<Node> healthcheck_probe(const Node& hc, bool strict, Diagnostics& diags) {
  Reader r(diags);
  if (!r.expect_map(hc, "healthcheck")) return std::nullopt;
  check_keys(hc, kHealthcheckKeys, {}, "in healthcheck", strict, diags);
  if (const Node* d = hc.find("disable"))
    if (auto b = r.boolean(*d, "disable"); b && *b) return std::nullopt;
  const Node* test = hc.find("test");
  if (!test) return std::nullopt;
  // What exec: gets: a string runs through /bin/sh -c, a list is argv.
  Node command = *test;
  if (test->is_sequence()) {
    auto list = r.string_list(*test, "healthcheck test");
    if (!list || list->empty() || list->front() == "NONE") return std::nullopt;
    const std::string& head = list->front();
    if ((head == "CMD-SHELL" || head == "CMD") && list->size() < 2) {
      diags.error(test->where, fmt::format("healthcheck test: {} needs a command", head));
      return std::nullopt;
    }
    if (head == "CMD-SHELL")
      command = scalar(fmt::format("{}", fmt::join(list->begin() + 1, list->end(), " ")), test->where);
    else if (head == "CMD")
      command.items.erase(command.items.begin());
  } else if (!test->is_scalar()) {
    r.mismatch(*test, "healthcheck test", "a string or a list");
    return std::nullopt;
  }
  Node probe;
  probe.kind = Node::Kind::map;
  probe.where = hc.where;
  probe.entries.push_back({"exec", test->where, std::move(command)});
  for (const char* key : {"interval", "timeout", "start_period", "start_interval", "retries"}) {
    if (const Node* v = hc.find(key)) {
      probe.entries.push_back({key, v->where, *v});
    } else if (std::string_view(key) == "interval" || std::string_view(key) == "timeout") {
      Node fallback = scalar("30s", hc.where);  // compose's default, not the user's choice
      fallback.supplied = true;
      probe.entries.push_back({key, hc.where, std::move(fallback)});
    }
  }
  return probe;
}

// compose's hook, {command, user, privileged, working_dir, environment}, is
// its command: lineup runs a hook as it runs the service's own stop_command.
Node hook_command(const Node& hook, std::string_view key, Diagnostics& diags) {
  for (const auto& e : hook.entries)
    if (e.key != "command")
      diags.warning(e.key_at, fmt::format("{}: `{}` is not read by lineup: the command runs as the service "
                                          "does, in its working_dir and environment",
                                          key, e.key));
  if (const Node* c = hook.find("command")) return *c;
  diags.error(hook.where, fmt::format("{}: a hook needs a `command`", key));
  return Node{};
}

bool all_maps(const Node& list) {
  if (!list.is_sequence() || list.items.empty()) return false;
  for (const auto& item : list.items)
    if (!item.is_map()) return false;
  return true;
}

// post_start: [{command: X}, ...] -> [X, ...]; pre_stop: [{command: X}] -> X.
void rewrite_hooks(Node& service, Diagnostics& diags) {
  if (Node* post = service.find("post_start"); post && post->is_sequence())
    for (auto& item : post->items)
      if (item.is_map()) item = hook_command(item, "post_start", diags);
  if (Node* pre = service.find("pre_stop"); pre && all_maps(*pre)) {
    if (pre->items.size() > 1) {
      diags.error(pre->where, fmt::format("pre_stop: lineup runs one command before the stop signal, "
                                          "not {}: put them in one script",
                                          pre->items.size()));
      return;
    }
    Node command = hook_command(pre->items.front(), "pre_stop", diags);
    *pre = std::move(command);
  }
}

void rewrite_service(Node& service, bool strict, Diagnostics& diags) {
  if (!service.is_map()) return;
  rewrite_hooks(service, diags);
  auto healthcheck = take(service, "healthcheck");
  for (auto [from, to] : {std::pair{"readiness_probe", "ready"}, std::pair{"liveness_probe", "live"}})
    if (auto e = take(service, from))
      if (Node* list = probe_list(service, to, e->key_at))
        list->items.push_back(process_compose_probe(std::move(e->value)));
  if (!healthcheck) return;
  auto probe = healthcheck_probe(healthcheck->value, strict, diags);
  if (!probe) return;
  for (const char* to : {"ready", "live"})
    if (!has_probes(service, to))
      if (Node* list = probe_list(service, to, healthcheck->key_at)) list->items.push_back(*probe);
}

}  // namespace

void rewrite_dialects(Node& root, bool strict, Diagnostics& diags) {
  if (!root.is_map()) return;
  for (const char* key : {"services", "processes"})
    if (Node* services = root.find(key); services && services->is_map())
      for (auto& e : services->entries) rewrite_service(e.value, strict, diags);
  if (Node* defaults = root.find("defaults")) rewrite_service(*defaults, strict, diags);
}

}  // namespace lineup::config
