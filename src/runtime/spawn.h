// Starting one service process.
//
// clone3(CLONE_VM) (no page-table copy, as posix_spawn's vfork) with the
// child in its own process group, the signal mask cleared and the
// signals lineup handles reset to their defaults, stdin from /dev/null,
// stdout and stderr into one pipe (so their lines interleave as written),
// and any readiness fds placed at the numbers the service expects.
//
// With a cgroup, the child is created inside it by clone3(CLONE_INTO_CGROUP)
// rather than moved there after the spawn: a service that forks at once
// (`sh -c 'daemon & exec server'`) cannot leave a process outside it.
//
// start() does not wait for the program: the loop starts the next service
// while this one's exec runs on the other core (a vfork parent sleeps until
// the exec). Whether the program runs, or why it could not, comes later
// through a pipe (Started::exec). spawn() is start() and that wait.
//
// Failures carry the stage and the errno ("chdir ./api: No such file or
// directory"), found by checking the directory and resolving the executable
// before spawning: the user should never have to decode "exit 127".
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "util/fd.h"
#include "util/result.h"

namespace lineup::runtime {

// setrlimit(resource, {soft, hard}) in the child before it runs the program.
struct ResourceLimit {
  int resource;  // RLIMIT_NOFILE, RLIMIT_NPROC
  rlim_t soft, hard;
  const char* name;  // "nofile": what an error names
};

struct SpawnRequest {
  std::vector<std::string> argv;
  std::span<const std::string> env;            // "K=V"; not owned: the caller keeps it alive
  std::string working_dir;                     // "" = lineup's own
  int output_fd = -1;                          // becomes the child's stdout and stderr
  std::vector<std::pair<int, int>> extra_fds;  // {parent fd, child fd number}
  int cgroup_fd = -1;  // a cgroup v2 directory: the child is born in it (clone3 CLONE_INTO_CGROUP)
  std::vector<ResourceLimit> rlimits;
  // cgroup v1 `cgroup.procs` files (open for writing), each with its
  // controller's name: the child moves itself in before it runs anything
  // (where cgroup v2 has no memory, pids or cpu controller; runtime/cgroup.h).
  std::vector<std::pair<int, std::string>> join_cgroups;
};

// Why a spawn failed: the step and its errno, so a caller can tell a missing
// directory from a program that is not executable without reading text.
struct SpawnError {
  enum class Stage {
    command,  // the argv is empty
    chdir,    // the working directory: missing, not a directory, not searchable
    exec,     // the program: not found in PATH, not executable, exec refused
    output,   // /dev/null for a silent command's output could not be opened
    limit,    // a resource limit could not be set (a hard limit above lineup's own, without privilege)
    cgroup,   // the child could not join its cgroup v1 (subject: the controller)
    start,    // no process could be made (clone: out of memory or processes), or no pipe for its report
  };
  Stage stage;
  std::string subject;  // the directory or the program, as the user wrote it
  int err = 0;          // errno; 0 for "not found in PATH" and an empty command
  // What users read: "chdir ./api: No such file or directory".
  std::string message() const;
};

// A process whose program may still be to come.
struct Started {
  pid_t pid = 0;  // also its process group id
  // Readable once the outcome is in: end of file when the program runs, a
  // failure's report when it cannot (exec_outcome() reads either). Not open
  // when the outcome was known at the start (the program runs).
  Fd exec;
  // What a failure's message names: argv[0], the working directory, each
  // limit, each cgroup v1 controller.
  std::string program, working_dir;
  std::vector<std::string> limits, cgroups;
};

// Starts the process without waiting for its program. Before anyone waits
// on Started::exec, settle_starts() must have run (a start holds a copy of
// the pipe's write end until its child has a descriptor table of its own).
Result<Started, SpawnError> start(const SpawnRequest& r);

// Waits until every child started so far has its own descriptor table (at
// most the time a child takes to be scheduled), and gives back their slots.
void settle_starts();

// What Started::exec says, without waiting: true the program runs, false
// not known yet, or why it could not run (the process then exits with 127).
// Known once the pipe is readable, or when the caller knows the process is
// `past_exec` (it has exited, or its program wrote a line).
Result<bool, SpawnError> exec_outcome(const Started& s, bool past_exec);

// start(), then the wait for the exec: the pid of a process whose program runs.
Result<pid_t, SpawnError> spawn(const SpawnRequest& r);

// A command whose output nobody reads (an exec probe, a stop_command):
// stdout and stderr go to /dev/null.
Result<pid_t, SpawnError> spawn_silent(std::vector<std::string> argv, std::span<const std::string> env,
                                       std::string working_dir);

// Where PATH lookup finds `name`, with the PATH from `env` (or lineup's).
Result<std::string, SpawnError> resolve_executable(const std::string& name, std::span<const std::string> env);

}  // namespace lineup::runtime
