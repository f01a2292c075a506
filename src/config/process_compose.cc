#include "config/process_compose.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "config/normalize.h"

namespace lineup::config {

namespace {

struct NoEquivalent {
  std::string_view key;
  std::string_view instead;  // what lineup does in its place
};

constexpr NoEquivalent kTopLevel[] = {
    {"log_level", "lineup's own messages: -v for more, -q for fewer"},
    {"log_length", "the log files keep the whole output (`lineup logs --tail N`)"},
    {"log_configuration",
     "the log files are plain text, a line per line of output (`lineup logs -t` adds times)"},
    {"log_format", "the log files are plain text (`--log-format json` for lineup's own events)"},
    {"is_tui_disabled", "lineup has no TUI: `up` prints progress and output, `ps` the state"},
    {"env_cmds", "lineup runs no command to set variables: put them in .env or the environment"},
    {"extends", "lineup merges files given in order: -f BASE.yaml -f THIS.yaml"},
    {"mcp_server", "lineup has no MCP server: its HTTP API (api.listen) gives the state and the actions"},
    {"ordered_shutdown", "lineup always stops in reverse dependency order"},
    {"is_strict", ""},
    {"disable_env_expansion", ""},
};

constexpr NoEquivalent kPerProcess[] = {
    {"is_tty", "output goes through pipes, not a terminal, and is captured line by line"},
    {"is_elevated", "processes run as lineup's own user: run lineup with the rights they need"},
    {"is_foreground", "lineup has no foreground processes: run it in a terminal of its own"},
    {"is_interactive", "processes get no terminal input"},
    {"disable_ansi_colors", "the output is passed through as written"},
    {"log_configuration", "the log files are plain text, a line per line of output"},
    {"launch_timeout_seconds", "startup_timeout bounds the start"},
    {"description", ""},
};

bool is_true(const Node* n) {
  return n && n->is_scalar() && (n->text == "true" || n->text == "True" || n->text == "yes");
}

// Removes the keys of `table` from `map`; the first place each was seen and how often, for one warning each.
struct Seen {
  Location first;
  int times = 0;
};
void take_keys(Node& map, std::span<const NoEquivalent> table, std::map<std::string_view, Seen>& seen) {
  for (const auto& k : table) {
    auto it = std::find_if(map.entries.begin(), map.entries.end(),
                           [&](const Node::Entry& e) { return e.key == k.key; });
    if (it == map.entries.end()) continue;
    auto& s = seen[k.key];
    if (s.times++ == 0) s.first = it->key_at;
    map.entries.erase(it);
  }
}

void warn(std::span<const NoEquivalent> table, const std::map<std::string_view, Seen>& seen,
          std::string_view where, Diagnostics& diags) {
  for (const auto& k : table) {
    auto it = seen.find(k.key);
    if (it == seen.end() || k.instead.empty()) continue;
    std::string more =
        it->second.times > 1 ? fmt::format(" (and in {} more {})", it->second.times - 1, where) : "";
    diags.warning(it->second.first, fmt::format("{}: process-compose's, with no lineup equivalent{}: {}",
                                                k.key, more, k.instead));
  }
}

using Vars = std::map<std::string, std::string, std::less<>>;

Vars read_vars(const Node* n, Diagnostics& diags) {
  Vars out;
  if (!n || n->is_null()) return out;
  if (!n->is_map()) {
    diags.error(n->where, "vars: a mapping of names to values");
    return out;
  }
  for (const auto& e : n->entries) {
    if (!e.value.is_scalar() && !e.value.is_null()) {
      diags.error(e.value.where, fmt::format("vars.{}: a single value", e.key));
      continue;
    }
    out[e.key] = e.value.text;
  }
  return out;
}

// `{{.NAME}}` and `{{ .NAME }}` replaced by the var's value; anything else
// in braces left as written, with a warning (lineup is not a Go template engine).
void substitute(Node& n, const Vars& vars, Diagnostics& diags) {
  std::vector<Node*> stack{&n};
  while (!stack.empty()) {
    Node* cur = stack.back();
    stack.pop_back();
    for (auto& i : cur->items) stack.push_back(&i);
    for (auto& e : cur->entries) stack.push_back(&e.value);
    if (!cur->is_scalar() || cur->text.find("{{") == std::string::npos) continue;
    std::string out;
    size_t pos = 0;
    while (true) {
      size_t open = cur->text.find("{{", pos);
      size_t close = open == std::string::npos ? open : cur->text.find("}}", open + 2);
      if (close == std::string::npos) {
        out += cur->text.substr(pos);
        break;
      }
      std::string_view inner = std::string_view(cur->text).substr(open + 2, close - open - 2);
      while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
      while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
      out += cur->text.substr(pos, open - pos);
      auto it = inner.starts_with('.') ? vars.find(inner.substr(1)) : vars.end();
      if (it != vars.end()) {
        out += it->second;
      } else {
        out += cur->text.substr(open, close + 2 - open);
        diags.warning(
            cur->where,
            inner.starts_with('.')
                ? fmt::format("{{{{{}}}}}: no var \"{}\" (vars:); left as written", inner, inner.substr(1))
                : fmt::format("{{{{{}}}}}: lineup replaces only {{{{.NAME}}}} from vars:; "
                              "left as written",
                              inner));
      }
      pos = close + 2;
    }
    cur->text = std::move(out);
  }
}

// process-compose reads a process's env_file from its working_dir.
void env_file_from_working_dir(Node& process) {
  const Node* dir = process.find("working_dir");
  Node* files = process.find("env_file");
  if (!dir || !dir->is_scalar() || dir->text.empty() || !files) return;
  auto join = [&](Node* n) {
    if (n && n->is_scalar() && !n->text.empty() && n->text.front() != '/')
      n->text = absolute_in(dir->text, n->text);
  };
  if (files->is_scalar()) return join(files);
  for (auto& i : files->items) join(i.is_map() ? i.find("path") : &i);
}

// is_daemon: the command launches a daemon and exits: lineup's `type: forking`.
void daemon_to_forking(Node& process) {
  auto daemon = take(process, "is_daemon");
  if (!daemon || !is_true(&daemon->value) || process.find("type")) return;
  process.entries.push_back({"type", daemon->key_at, scalar("forking", daemon->value.where)});
}

}  // namespace

bool process_compose_strict(const Node& root) {
  return root.find("processes") && is_true(root.find("is_strict"));
}

bool process_compose_no_interpolation(const Node& root) {
  return root.find("processes") && is_true(root.find("disable_env_expansion"));
}

void rewrite_process_compose(Node& root, Diagnostics& diags) {
  if (!root.find("processes")) return;
  Vars global = read_vars(root.find("vars"), diags);
  std::erase_if(root.entries, [](const Node::Entry& e) { return e.key == "vars"; });
  std::map<std::string_view, Seen> top, each;
  take_keys(root, kTopLevel, top);
  warn(kTopLevel, top, "", diags);
  // Found after the top-level keys went: erasing them moved the entries.
  Node* processes = root.find("processes");
  if (!processes || !processes->is_map()) return;
  for (auto& e : processes->entries) {
    Node& p = e.value;
    if (!p.is_map()) continue;
    Vars vars = global;
    if (const Node* own = p.find("vars"))
      for (auto& [k, v] : read_vars(own, diags)) vars[k] = v;
    std::erase_if(p.entries, [](const Node::Entry& x) { return x.key == "vars"; });
    if (!vars.empty()) substitute(p, vars, diags);
    take_keys(p, kPerProcess, each);
    env_file_from_working_dir(p);
    daemon_to_forking(p);
  }
  warn(kPerProcess, each, "processes", diags);
}

}  // namespace lineup::config
