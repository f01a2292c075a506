#include "config/dialects.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "config/keys.h"
#include "config/process_compose.h"
#include "config/scalars.h"
#include "util/strings.h"

namespace lineup::config {

namespace {

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

Node map_node(Location where) {
  Node n;
  n.kind = Node::Kind::map;
  n.where = where;
  return n;
}

// A number of seconds as lineup writes a duration ("2" -> "2s"); anything
// else stays as written, for decode to reject where the user wrote it.
Node seconds(const Node& n) {
  Node d = n;
  if (n.is_scalar() && !n.text.empty() && n.text.find_first_not_of("0123456789.") == std::string::npos)
    d.text += "s";
  return d;
}

// process-compose's availability: {restart, backoff_seconds, max_restarts}
// -> restart: {policy, backoff (fixed: process-compose waits the same time
// before every restart), max_attempts}.
void rewrite_availability(Node& service, bool strict, Diagnostics& diags) {
  auto availability = take(service, "availability");
  if (!availability) return;
  const Node& a = availability->value;
  Reader r(diags);
  if (!r.expect_map(a, "availability")) return;
  if (service.find("restart")) {
    diags.error(availability->key_at, "both `restart` and `availability` are given: use one");
    return;
  }
  check_keys(a, kAvailabilityKeys, {}, "in availability", strict, diags);
  Node restart = map_node(availability->key_at);
  Node policy = scalar("no", a.where);
  Node stops;  // -> stop_stack_on
  stops.kind = Node::Kind::sequence;
  stops.where = a.where;
  if (const Node* p = a.find("restart")) {
    policy = *p;
    if (p->is_scalar() && p->text == "exit_on_failure") {
      // Not restarted, and its failure stops the stack with its exit code.
      policy.text = "no";
      stops.items.push_back(scalar("failure", p->where));
    }
  }
  for (auto [key, word] : {std::pair{"exit_on_end", "end"}, std::pair{"exit_on_skipped", "skipped"}})
    if (const Node* v = a.find(key)) {
      if (auto b = r.boolean(*v, fmt::format("availability.{}", key)); b && *b)
        stops.items.push_back(scalar(word, v->where));
    }
  if (!stops.items.empty() && !service.find("stop_stack_on"))
    service.entries.push_back({"stop_stack_on", a.where, std::move(stops)});
  restart.entries.push_back({"policy", policy.where, policy});
  if (const Node* b = a.find("backoff_seconds")) {
    Node backoff = map_node(b->where);
    backoff.entries.push_back({"initial", b->where, seconds(*b)});
    backoff.entries.push_back({"max", b->where, seconds(*b)});
    backoff.entries.push_back({"multiplier", b->where, scalar("1", b->where)});
    backoff.entries.push_back({"jitter", b->where, scalar("0", b->where)});
    restart.entries.push_back({"backoff", b->where, std::move(backoff)});
  }
  if (const Node* m = a.find("max_restarts")) {
    // process-compose counts restarts (0 = no limit); max_attempts counts runs, the first included.
    if (auto n = r.integer(*m, "max_restarts", 0, 1000000); n && *n > 0)
      restart.entries.push_back({"max_attempts", m->where, scalar(std::to_string(*n + 1), m->where)});
  }
  service.entries.push_back({"restart", availability->key_at, std::move(restart)});
}

// process-compose's shutdown: {command, signal, timeout_seconds, parent_only}
// -> stop_command, stop_signal, stop_grace_period. (lineup sends the signal
// once the command has exited, where process-compose sends none; a process
// the command has stopped is gone by then.)
void rewrite_shutdown(Node& service, bool strict, Diagnostics& diags) {
  auto shutdown = take(service, "shutdown");
  if (!shutdown) return;
  const Node& s = shutdown->value;
  Reader r(diags);
  if (!r.expect_map(s, "shutdown")) return;
  check_keys(s, kShutdownKeys, {}, "in shutdown", strict, diags);
  auto move_to = [&](const char* from, const char* to, Node value) {
    if (service.find(to)) {
      diags.error(value.where, fmt::format("both `shutdown.{}` and `{}` are given: use one", from, to));
      return;
    }
    service.entries.push_back({to, value.where, std::move(value)});
  };
  if (const Node* c = s.find("command"); c && !(c->is_scalar() && c->text.empty()))
    move_to("command", "stop_command", *c);
  if (const Node* g = s.find("signal")) move_to("signal", "stop_signal", *g);
  if (const Node* t = s.find("timeout_seconds")) move_to("timeout_seconds", "stop_grace_period", seconds(*t));
  if (const Node* p = s.find("parent_only"); p && p->is_scalar() && p->text == "true")
    move_to("parent_only", "kill_mode", scalar("main", p->where));
}

// An entrypoint's or a command's words: a list as written, a string split
// as compose splits it (shell quoting, no shell). nullopt when wrong (said).
std::optional<std::vector<Node>> words(const Node& n, std::string_view what, Diagnostics& diags) {
  if (n.is_null()) return std::vector<Node>{};
  if (n.is_sequence()) {
    for (const auto& item : n.items)
      if (!item.is_scalar()) {
        Reader(diags).mismatch(item, what, "a string");
        return std::nullopt;
      }
    return n.items;
  }
  if (!n.is_scalar()) {
    Reader(diags).mismatch(n, what, "a string or a list");
    return std::nullopt;
  }
  auto split = shell_words(n.text);
  if (!split) {
    diags.error(n.where, fmt::format("{}: a quote is not closed", what));
    return std::nullopt;
  }
  std::vector<Node> out;
  for (auto& w : *split) out.push_back(scalar(std::move(w), n.where));
  return out;
}

// compose's entrypoint is the program and `command` its arguments: one argv
// (no shell, as compose runs them). An empty entrypoint leaves `command`
// alone, as it resets an image's entrypoint in compose.
void rewrite_entrypoint(Node& service, Diagnostics& diags) {
  auto entry = take(service, "entrypoint");
  if (!entry) return;
  auto program = words(entry->value, "entrypoint", diags);
  if (!program || program->empty()) return;
  Node argv;
  argv.kind = Node::Kind::sequence;
  argv.where = entry->value.where;
  argv.items = std::move(*program);
  argv.from_entrypoint = true;
  Node* command = service.find("command");
  if (!command) {
    service.entries.push_back({"command", entry->key_at, std::move(argv)});
    return;
  }
  auto args = words(*command, "command", diags);
  if (!args) return;
  argv.items.insert(argv.items.end(), args->begin(), args->end());
  *command = std::move(argv);
}

// compose's develop.watch: [{path, action, ignore, include, target}] -> watch:
// for restart and sync+restart (a process reads its files in place, so
// syncing is nothing to do); sync alone needs no restart, rebuild is an image's.
void rewrite_develop_watch(Node& service, Diagnostics& diags) {
  Node* develop = service.find("develop");
  if (!develop || !develop->is_map()) return;
  auto rules = take(*develop, "watch");
  if (!rules || !rules->value.is_sequence() || service.find("watch")) return;
  Node list;
  list.kind = Node::Kind::sequence;
  list.where = rules->value.where;
  for (auto& rule : rules->value.items) {
    if (!rule.is_map()) continue;
    const Node* action = rule.find("action");
    std::string a = action && action->is_scalar() ? action->text : "";
    if (a == "restart" || a == "sync+restart") {
      Node w = map_node(rule.where);
      for (auto& e : rule.entries)
        if (e.key == "path" || e.key == "include" || e.key == "ignore" || e.key == "action")
          w.entries.push_back({e.key, e.key_at, e.value});
      list.items.push_back(std::move(w));
    } else if (!a.empty() && a != "sync") {
      diags.warning(action->where, fmt::format("develop.watch action {}: not for processes (lineup builds no "
                                               "images); restart and sync+restart are",
                                               a));
    }
  }
  if (!list.items.empty()) service.entries.push_back({"watch", rules->key_at, std::move(list)});
}

// compose's resource keys -> `limits:` (a key `limits` itself sets wins):
// mem_limit, cpus, pids_limit, ulimits.{nofile, nproc} and
// deploy.resources.limits.{memory, cpus, pids}.
void rewrite_limits(Node& service, Diagnostics& diags) {
  std::vector<std::pair<std::string, Node>> found;
  if (auto e = take(service, "mem_limit")) found.emplace_back("memory", std::move(e->value));
  if (auto e = take(service, "cpus")) found.emplace_back("cpus", std::move(e->value));
  if (auto e = take(service, "pids_limit")) {
    // -1 (or 0) is compose's "no limit".
    if (!(e->value.is_scalar() && (e->value.text == "-1" || e->value.text == "0")))
      found.emplace_back("pids", std::move(e->value));
  }
  if (auto e = take(service, "ulimits"); e && e->value.is_map()) {
    for (auto& u : e->value.entries) {
      if (u.key == "nofile" || u.key == "nproc")
        found.emplace_back(u.key, std::move(u.value));
      else
        diags.warning(u.key_at,
                      fmt::format("ulimits.{}: not supported by lineup (nofile and nproc are)", u.key));
    }
  } else if (e) {
    diags.error(e->value.where,
                "ulimits: a mapping of limit names (nofile, nproc) to numbers or {soft, hard}");
  }
  if (Node* deploy = service.find("deploy"); deploy && deploy->is_map())
    if (Node* resources = deploy->find("resources"); resources && resources->is_map())
      if (auto e = take(*resources, "limits"); e && e->value.is_map())
        for (auto& l : e->value.entries)
          if (l.key == "memory" || l.key == "cpus" || l.key == "pids")
            found.emplace_back(l.key, std::move(l.value));
  if (found.empty()) return;
  Node* limits = service.find("limits");
  if (!limits) {
    service.entries.push_back({"limits", found.front().second.where, map_node(found.front().second.where)});
    limits = &service.entries.back().value;
  }
  if (!limits->is_map()) return;  // decode says what is wrong with it
  for (auto& [key, value] : found)
    if (!limits->find(key)) limits->entries.push_back({key, value.where, std::move(value)});
}

// compose's `scale: N` and `deploy.replicas: N` -> `replicas: N` (a key
// `replicas` itself wins; scale and deploy.replicas that differ are an
// error, as compose says).
void rewrite_replicas(Node& service, Diagnostics& diags) {
  auto scale = take(service, "scale");
  std::optional<Node::Entry> deployed;
  if (Node* deploy = service.find("deploy"); deploy && deploy->is_map()) deployed = take(*deploy, "replicas");
  if (scale && deployed && scale->value.is_scalar() && deployed->value.is_scalar() &&
      scale->value.text != deployed->value.text)
    diags.error(scale->key_at, fmt::format("scale: {} and deploy.replicas: {} disagree: give one of them",
                                           scale->value.text, deployed->value.text));
  auto& from = scale ? scale : deployed;
  if (from && !service.find("replicas")) service.entries.push_back({"replicas", from->key_at, from->value});
}

// A text as a regular expression that matches exactly it.
std::string literal_regex(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\.^$|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// process-compose's ready_log_line: the process is ready once a line of its
// output contains the text (its `process_log_ready` condition is lineup's
// `ready`): a log probe appended to ready:.
void rewrite_ready_log_line(Node& service) {
  auto line = take(service, "ready_log_line");
  if (!line) return;
  Node probe = map_node(line->key_at);
  Node regex = line->value;
  if (regex.is_scalar()) regex.text = literal_regex(regex.text);
  probe.entries.push_back({"log", line->key_at, std::move(regex)});
  if (Node* list = probe_list(service, "ready", line->key_at)) list->items.push_back(std::move(probe));
}

// The shell process-compose runs a command string with: `bash -c`, or the
// file's `shell: {shell_command, shell_argument}`.
struct Shell {
  std::string command = "bash";
  std::string argument = "-c";
};

// A command string as [shell, argument, string]; a list stays as it is.
void through_shell(Node* command, const Shell& shell) {
  if (!command || !command->is_scalar() || command->text.empty()) return;
  Node argv;
  argv.kind = Node::Kind::sequence;
  argv.where = command->where;
  argv.items = {scalar(shell.command, command->where), scalar(shell.argument, command->where), *command};
  *command = std::move(argv);
}

// What process-compose does with a process the file says nothing about: it
// is not restarted, its failure stops nothing else (`high`: the stack goes
// on, DEGRADED), unlike a compose service (on-failure, critical), and an
// exit, however early, is an end rather than a failed start.
void process_compose_defaults(Node& service) {
  // A process that exits has ended (Completed, with its code), however soon:
  // process-compose has no notion of staying up for a while to count as started.
  if (!service.find("min_uptime"))
    service.entries.push_back({"min_uptime", service.where, scalar("0s", service.where)});
  if (!service.find("restart"))
    service.entries.push_back({"restart", service.where, scalar("no", service.where)});
  if (!service.find("priority"))
    service.entries.push_back({"priority", service.where, scalar("high", service.where)});
}

void rewrite_service(Node& service, const Shell* process_compose, bool strict, Diagnostics& diags) {
  if (!service.is_map()) return;
  rewrite_entrypoint(service, diags);
  rewrite_hooks(service, diags);
  rewrite_availability(service, strict, diags);
  rewrite_shutdown(service, strict, diags);
  rewrite_ready_log_line(service);
  rewrite_limits(service, diags);
  rewrite_replicas(service, diags);
  rewrite_develop_watch(service, diags);
  if (process_compose) {
    process_compose_defaults(service);
    through_shell(service.find("command"), *process_compose);
    through_shell(service.find("stop_command"), *process_compose);
  }
  auto healthcheck = take(service, "healthcheck");
  for (auto [from, to] : {std::pair{"readiness_probe", "ready"}, std::pair{"liveness_probe", "live"}})
    if (auto e = take(service, from))
      if (Node* list = probe_list(service, to, e->key_at)) {
        Node probe = process_compose_probe(std::move(e->value));
        // An exec probe's command string runs with the file's shell too.
        if (Node* exec = probe.find("exec"); exec && process_compose)
          through_shell(exec->is_map() ? exec->find("command") : exec, *process_compose);
        list->items.push_back(std::move(probe));
      }
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
  // A file with `processes:` is process-compose's: its defaults and its shell apply.
  std::optional<Shell> process_compose;
  if (root.find("processes")) {
    rewrite_process_compose(root, diags);
    process_compose.emplace();
    if (auto shell = take(root, "shell"); shell && Reader(diags).expect_map(shell->value, "shell")) {
      check_keys(shell->value, kShellKeys, {}, "in shell", strict, diags);
      if (const Node* c = shell->value.find("shell_command"); c && c->is_scalar())
        process_compose->command = c->text;
      if (const Node* a = shell->value.find("shell_argument"); a && a->is_scalar())
        process_compose->argument = a->text;
    }
  } else if (auto shell = take(root, "shell")) {
    diags.warning(shell->key_at,
                  "shell: read only in a process-compose file (one with `processes:`); command "
                  "strings here run with /bin/sh -c");
  }
  const Shell* shell = process_compose ? &*process_compose : nullptr;
  for (const char* key : {"services", "processes"})
    if (Node* services = root.find(key); services && services->is_map())
      for (auto& e : services->entries) rewrite_service(e.value, shell, strict, diags);
  if (Node* defaults = root.find("defaults")) rewrite_service(*defaults, nullptr, strict, diags);
}

}  // namespace lineup::config
