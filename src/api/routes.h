// The HTTP API as pure functions: (request, snapshot) -> response, plus the
// command (start/stop/restart/down) the supervisor should carry out. All
// routes are in one table in routes.cc; nothing here touches the engine,
// a socket or a clock, so every route is unit-testable with plain values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/probe_stats.h"

namespace lineup::api {

struct Request {
  std::string method;
  std::string target;  // path and query
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct Command {
  enum class Kind { start, stop, restart, down };
  Kind kind;
  engine::Id service = -1;

  // What the engine is told: StartRequested, ..., Shutdown (graceful) for `down`.
  engine::Event event() const;
};

// What the handlers may read: an immutable picture of the stack.
struct View {
  const engine::Snapshot& snapshot;
  // The startup report, "" before it exists; asked for by the one route that
  // shows it (at thousands of services it is megabytes, read from its file).
  const std::function<std::string()>& last_run_json;
  const std::vector<engine::ProbeStats>* probe_stats = nullptr;
};

struct Routed {
  Response response;
  std::optional<Command> command;
};

Routed route(const Request& request, const View& view);
// The body of GET /v1/services: what `.lineup/state.json` holds too, for
// `ps` when the API cannot be reached.
std::string services_json(const engine::Snapshot& snapshot);

// One service as the API and `ps --format json` show it.
std::string service_json(const engine::ServiceView& s);

}  // namespace lineup::api
