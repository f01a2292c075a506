// `up` against a stack that runs already, and `lineup reload`: the file is
// read and validated here, then the supervisor reads it again and applies it
// (POST /v1/reload); this side prints what changes and waits for the result.
// Also what the supervisor reads the file with (the same passes as `up`).
#pragma once

#include <string>
#include <vector>

#include "cli/cli.h"
#include "loop/supervisor.h"
#include "project/load.h"

namespace lineup::cli {

struct ApplyOptions {
  std::vector<std::string> services;
  bool force_restart = false;
  bool no_restart = false;
  bool dry_run = false;
};

// Exit code as of a startup: 0 READY, 3 DEGRADED, 1 a critical service failed
// (or the stack went away), 2 the supervisor refused the file.
int apply_to_running(const GlobalOptions& g, const ApplyOptions& o, const project::Project& p);

// For the supervisor: reads the files of a reload request, or, without
// inputs (SIGHUP), those it was started with (`started`), in its own environment.
loop::RereadFn reread_function(const GlobalOptions& g, const config::Config& started);

}  // namespace lineup::cli
