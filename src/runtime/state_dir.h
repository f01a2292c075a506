// The project's state directory, `.lineup/` beside the config: logs, the
// lock that makes a second `up` fail, the pid file, the live state file
// that `ps` reads, and last-run.json.
//
// The lock is an flock(2) on `.lineup/lock`, held (through inherited file
// descriptions) by the guardian and the supervisor for their whole life.
// The kernel drops it when they die, however they die: a stale pid file or
// socket left by a SIGKILL never blocks the next `up`.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "runtime/safe_dir.h"

namespace lineup::runtime {

std::string state_dir_of(const std::string& project_dir);

// Takes the lock; -1 when another lineup holds it. The fd is close-on-exec.
int take_lock(const SafeDir& state_dir);
bool is_running(const std::string& state_dir);

struct Pids {
  pid_t guardian = 0;
  pid_t supervisor = 0;
};

void write_pids(const SafeDir& state_dir, Pids p);
std::optional<Pids> read_pids(const std::string& state_dir);

}  // namespace lineup::runtime
