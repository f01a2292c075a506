// The supervisor: the one event loop that binds the pure engine to the OS.
//
// It executes the engine's actions (spawn, signal, probes, timers) and turns
// what the OS reports (SIGCHLD, pipe data, notify datagrams, timer expiry)
// back into engine events. All state lives on this one thread; nothing
// here blocks except short writes to log files and the terminal.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/reload.h"
#include "config/redact.h"
#include "config/spec.h"
#include "config/variables.h"
#include "engine/engine.h"
#include "graph/graph.h"

namespace lineup::loop {

// The file read again for a reload (api/reload.h), valid, or why not.
struct Reread {
  config::Config config;
  graph::Graph graph;
  config::Variables variables;
};
struct RereadError {
  std::string message;
  std::vector<std::string> diagnostics;
};
using RereadFn = std::function<Result<Reread, RereadError>(const api::ReloadRequest&)>;

struct SupervisorOptions {
  std::vector<engine::Id> targets;  // empty = every service
  std::string state_dir;            // <project>/.lineup
  bool print_output = true;         // service lines on stdout as `name | line`
  bool color = false;
  bool quiet = false;
  bool json_events = false;               // --log-format json
  bool live_progress = false;             // a terminal: redraw one line per service while starting
  std::optional<Millis> startup_timeout;  // up --timeout
  config::Redactor redactor;              // secrets never reach the terminal, logs of lineup, or state files
  std::string api_token;                  // bearer token of a TCP API listener (api.token_env)
  std::optional<std::string> cgroup;      // the stack's cgroup v2 directory, if usable
  RereadFn reread;                        // none: the stack cannot be reloaded
  bool hangup_reloads = false;            // detached: no terminal can hang up, SIGHUP is a reload
  // Called once, when the startup has a result (READY, DEGRADED or FAILED).
  std::function<void(engine::Phase)> on_result;
};

class Supervisor {
 public:
  // Takes the config and graph: `up` hands them over in the freshly forked
  // supervisor, where a copy would cost a copy-on-write fault per page.
  Supervisor(config::Config cfg, graph::Graph g, SupervisorOptions options);
  ~Supervisor();

  // Runs until every service is down; returns the exit code of `up`.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lineup::loop
