// Stopping a stack from outside, when its supervisor does not answer (it is
// stopped with SIGSTOP, hung, or too slow for `down --timeout`): what the
// kernel says about the stack is enough. The stack's cgroup holds every
// service process; the process tree under the guardian holds them too
// (both lineup processes are subreapers). Nothing here asks the supervisor
// anything, so it works however the supervisor is stuck.
#pragma once

#include <string>

#include "runtime/state_dir.h"

namespace lineup::runtime {

struct TakeoverResult {
  int killed = 0;     // service processes that were alive and got SIGKILL from us
  std::string error;  // what could not be done (empty: everything is gone)
};

// SIGKILL to every service process, then to the supervisor, then (if it has
// not gone by itself) to the guardian; removes the stack's cgroups.
TakeoverResult kill_stack_from_outside(const Pids& pids, const std::string& project_dir);

}  // namespace lineup::runtime
