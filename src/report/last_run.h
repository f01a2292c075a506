// The startup report, `.lineup/last-run.json` (SPEC §8): the result, when
// each service waited, spawned and became ready, and the critical chain of
// the run as it really happened. `plan` reads it back for expected
// durations; `report` (later) renders it.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "graph/graph.h"

namespace lineup::report {

// From the service that finished last, back through the dependency that
// finished last (systemd-analyze critical-chain), in start order.
std::vector<std::string> critical_chain(const graph::Graph& g, const engine::Snapshot& snap);

// `snap` must already have its secrets masked.
std::string last_run_json(engine::Phase result, const engine::Snapshot& snap, const graph::Graph& g,
                          engine::TimePoint started, std::time_t started_wall, engine::TimePoint now);

}  // namespace lineup::report
