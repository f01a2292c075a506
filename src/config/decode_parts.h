// The parts of decoding a service that need only their own node: each reads
// one key's value into the spec and reports what is wrong with it. Private
// to config/: decode.cc calls them.
#pragma once

#include <fmt/format.h>

#include <span>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/keys.h"
#include "config/scalars.h"
#include "config/spec.h"
#include "config/tree.h"

namespace lineup::config {

struct DecodeScope {
  Reader& r;
  Diagnostics& diags;
  bool strict;  // unknown keys are errors
};

// The entries of a key written as a list of mappings, or as one mapping
// (a list of one). Each entry is a mapping whose keys are checked against
// `keys`; what is not is reported (`item`: what an entry should be).
inline std::vector<const Node*> list_of_maps(const Node& n, std::string_view what, std::string_view item,
                                             std::span<const std::string_view> keys, const DecodeScope& sc) {
  std::vector<const Node*> out;
  if (!n.is_map() && !n.is_sequence()) {
    sc.r.mismatch(n, what, fmt::format("a list of {}", item));
    return out;
  }
  auto add = [&](const Node& entry) {
    if (!entry.is_map()) return sc.r.mismatch(entry, what, item);
    check_keys(entry, keys, {}, fmt::format("in {}", what), sc.strict, sc.diags);
    out.push_back(&entry);
  };
  if (n.is_map())
    add(n);
  else
    for (const auto& entry : n.items) add(entry);
  return out;
}

// decode_policy.cc: when a service starts, restarts and gives up.
void decode_depends_on(const Node& n, Service& s, const DecodeScope& sc);
void decode_restart(const Node& n, Restart& r, const DecodeScope& sc);
void decode_breaker(const Node& n, CircuitBreaker& b, const DecodeScope& sc);

// decode_ports.cc: compose's `ports:`, the host side lineup checks.
void decode_ports(const Node& n, Service& s, const DecodeScope& sc);
// compose's `expose:`: container ports for other services (read by `lineup export`).
void decode_expose(const Node& n, Service& s, const DecodeScope& sc);

// decode_limits.cc: `limits:` (compose's spellings rewritten into it).
void decode_limits(const Node& n, Limits& l, const DecodeScope& sc);

// decode_schedule.cc: a oneshot's `schedule:` (process-compose's spelling too).
void decode_schedule(const Node& n, std::optional<Schedule>& out, const DecodeScope& sc);

// decode_watch.cc: `watch:` (compose's develop.watch rewritten into it).
void decode_watch(const Node& n, std::vector<WatchRule>& rules, const DecodeScope& sc);

// decode_hooks.cc: `on_state:` (top level or a service's).
void decode_on_state(const Node& n, std::vector<StateHook>& hooks, const DecodeScope& sc);

// decode_kubernetes.cc: a service's `x-kubernetes:` hints for `lineup export`.
void decode_kubernetes(const Node& n, KubernetesHints& k, const DecodeScope& sc);

}  // namespace lineup::config
