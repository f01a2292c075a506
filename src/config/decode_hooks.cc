// `on_state:` (top level and per service): what to run, or where to POST,
// when a service or the stack reaches a state someone wants to hear about.
//
//   on_state:
//     - when: [failed, blocked]
//       exec: ./page-me.sh              # a command (string: sh -c; list: argv)
//     - when: failed
//       http: https://hooks.example/T0  # or {url, headers}
//
// A single mapping is read as a list of one; `when` left out means every event.
#include <fmt/format.h>

#include <array>

#include "config/decode_parts.h"
#include "config/keys.h"

namespace lineup::config {

namespace {

constexpr std::array<std::string_view, 3> kHookKeys = {"when", "exec", "http"};
constexpr std::array<std::string_view, 2> kHttpKeys = {"url", "headers"};

void decode_http(const Node& n, StateHook& h, const DecodeScope& sc) {
  const Node* url = &n;
  if (n.is_map()) {
    check_keys(n, kHttpKeys, {}, "in on_state.http", sc.strict, sc.diags);
    url = n.find("url");
    if (!url) {
      sc.diags.error(n.where, "on_state.http: needs a url");
      return;
    }
    if (const Node* headers = n.find("headers")) {
      if (!headers->is_map()) {
        sc.r.mismatch(*headers, "on_state.http.headers", "a mapping of header names to values");
      } else {
        for (const auto& e : headers->entries)
          if (auto v = sc.r.string(e.value, "on_state.http.headers")) h.headers.emplace_back(e.key, *v);
      }
    }
  }
  auto text = sc.r.string(*url, "on_state.http.url");
  if (!text) return;
  if (!text->starts_with("http://") && !text->starts_with("https://")) {
    sc.diags.error(url->where,
                   fmt::format("on_state.http.url: \"{}\" is not an http:// or https:// URL", *text));
    return;
  }
  h.url = *text;
}

}  // namespace

void decode_on_state(const Node& n, std::vector<StateHook>& hooks, const DecodeScope& sc) {
  for (const Node* item : list_of_maps(n, "on_state", "{when, exec} or {when, http}", kHookKeys, sc)) {
    StateHook h;
    h.where = item->where;
    bool ok = true;
    if (const Node* when = item->find("when")) {
      std::vector<const Node*> words;
      if (when->is_sequence())
        for (const auto& w : when->items) words.push_back(&w);
      else
        words.push_back(when);
      for (const Node* w : words) {
        if (auto e = sc.r.word(*w, "on_state.when", "an event", kHookEventNames))
          h.when.push_back(*e);
        else
          ok = false;
      }
    }
    const Node* exec = item->find("exec");
    const Node* http = item->find("http");
    if (exec && http) {
      sc.diags.error(item->where, "on_state: give `exec` or `http`, not both (two entries do both)");
      continue;
    }
    if (!exec && !http) {
      sc.diags.error(item->where, "on_state: needs `exec` (a command) or `http` (a webhook URL)");
      continue;
    }
    if (exec) {
      h.exec = sc.r.command(*exec, "on_state.exec");
      ok = ok && h.exec.has_value();
    } else {
      decode_http(*http, h, sc);
      ok = ok && !h.url.empty();
    }
    if (ok) hooks.push_back(std::move(h));
  }
}

}  // namespace lineup::config
