// `replicas: N`: one service in the file, N services to run.
//
// After decode, a service with N >= 2 becomes NAME-1..NAME-N, each with
// LINEUP_REPLICA (1..N) and process-compose's PC_REPLICA_NUM (0..N-1) in its
// environment, and a dependency on NAME becomes one on every copy, so a
// dependent waits for all of them. Everything after this (validation, the
// graph, the engine, reload) sees plain services; what shows the file's view
// (the CLI's base names, `lineup export`) reads `replica_of`.
#pragma once

#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/spec.h"

namespace lineup::config {

inline constexpr int kMaxReplicas = 1000;
// Bounded input: replicas may not make a file of more services than this.
inline constexpr size_t kMaxServicesAfterReplicas = 100'000;

void expand_replicas(Config& cfg, Diagnostics& diags);

// The file's view back: each group of replicas one service NAME with
// `replicas: N` (without the variables expansion added), a dependency on any
// of them one on NAME. What `lineup export kubernetes` and `export compose`
// write, since both engines have replicas of their own.
Config fold_replicas(const Config& cfg);

// The services a name on the command line means: the one with that name,
// or every replica of it. Empty when there is none.
std::vector<size_t> services_named(const Config& cfg, std::string_view name);

}  // namespace lineup::config
