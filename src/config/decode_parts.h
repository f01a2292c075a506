// The parts of decoding a service that need only their own node: each reads
// one key's value into the spec and reports what is wrong with it. Private
// to config/: decode.cc calls them.
#pragma once

#include <vector>

#include "config/diagnostic.h"
#include "config/scalars.h"
#include "config/spec.h"
#include "config/tree.h"

namespace lineup::config {

struct DecodeScope {
  Reader& r;
  Diagnostics& diags;
  bool strict;  // unknown keys are errors
};

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

// decode_hooks.cc: `on_state:` (top level or a service's).
void decode_on_state(const Node& n, std::vector<StateHook>& hooks, const DecodeScope& sc);

// decode_kubernetes.cc: a service's `x-kubernetes:` hints for `lineup export`.
void decode_kubernetes(const Node& n, KubernetesHints& k, const DecodeScope& sc);

}  // namespace lineup::config
