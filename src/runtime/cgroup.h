// One cgroup v2 per service, when the machine lets us make them.
//
// A process group is left by `setsid()`; a subreaper sweep needs lineup
// alive. A cgroup is neither: every process a service creates stays in its
// cgroup, and `cgroup.kill` ends them all at once, even after lineup itself
// was SIGKILLed (the next `up` or `down` finds the stack's cgroup and
// empties it). Layout, under the cgroup lineup runs in:
//
//   <own cgroup>/lineup-<stack key>/<service>/
//
// Where cgroup v2 is absent or not writable (no delegation), everything here
// is a no-op and the process groups + subreapers carry the guarantee alone.
// On a hybrid machine, whose memory, pids and cpu controllers are mounted as
// cgroup v1 hierarchies and not given to cgroup v2, the limits are set in a
// cgroup of the same name in each of those (the process joins them itself
// before it runs; spawn.h); cgroup v2 still tracks and kills.
// A service is born in its cgroup (clone3 with CLONE_INTO_CGROUP, see
// spawn.h), so not even a process it forks at once can be outside it.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/spec.h"
#include "util/rare.h"
#include "util/result.h"

namespace lineup::runtime {

class Cgroups {
 public:
  // The stack's cgroup directory for a project, or nullopt when cgroup v2
  // cannot be used here (or, with create = false, when it does not exist).
  static std::optional<std::string> stack_dir(const std::string& project_dir, bool create);
  // Kills what a lineup killed with SIGKILL left in the project's cgroup
  // (nothing is running it any more) and removes it: how many processes it
  // killed, or why it could not (they are then still there).
  static Result<int> sweep_stale(const std::string& project_dir);
  // The processes in the project's cgroup, each with the service whose
  // cgroup holds it: what `ps` reports when no lineup runs the stack.
  struct Process {
    std::string service;
    pid_t pid;
  };
  static std::vector<Process> processes(const std::string& project_dir);

  // Which of limits.memory, cpus and pids this machine lets lineup enforce:
  // the cgroup v2 controllers lineup's own cgroup hands to its children.
  struct LimitSupport {
    bool memory = false, cpu = false, pids = false;
    // Set where the controller is a cgroup v1 hierarchy instead: lineup's own cgroup in it.
    std::string memory_v1, cpu_v1, pids_v1;
    std::string why;  // what is missing, for the warning: "cgroup v2 has no memory, pids controller here"
    bool covers(const config::Limits& l) const {
      return (!l.memory || memory) && (!l.cpus || cpu) && (!l.pids || pids);
    }
  };
  static LimitSupport limit_support();
  // "limits.memory, limits.pids of api cannot be enforced here: ...", per service that has such limits
  // (this machine's support is read only if one does).
  struct Unenforceable {
    const config::Service* service;
    std::string why;
  };
  static std::vector<Unenforceable> unenforceable(const std::vector<config::Service>& services);

  explicit Cgroups(std::optional<std::string> stack) : stack_(std::move(stack)) {}
  ~Cgroups();
  Cgroups(const Cgroups&) = delete;
  Cgroups& operator=(const Cgroups&) = delete;
  bool enabled() const { return stack_.has_value(); }

  // A fresh cgroup for the service's next process, opened for spawning into
  // it; -1 when cgroups are not in use or it cannot be made. Fresh for every
  // attempt: after a cgroup.kill, some kernels (seen on 6.18) kill every
  // later child cloned into that same cgroup.
  int attempt_fd(const std::string& service, const config::Limits& limits = {});
  // The cgroup v1 `cgroup.procs` files the attempt's process joins (open for
  // writing, with their controller), after attempt_fd; owned here.
  std::vector<std::pair<int, std::string>> attempt_joins(const std::string& service) const;
  // The attempt's process is born: the descriptors above are closed (a
  // supervisor of 10,000 services would otherwise hold 10,000 more, and
  // every later spawn copies and closes the whole table).
  void spawned(const std::string& service);
  // The last attempt's cgroup counted an OOM kill (memory.events oom_kill).
  bool oom_killed(const std::string& service) const;
  // SIGKILL to every process of the service (cgroup.kill).
  void kill(const std::string& service);
  // `sig` to every process of the service outside process group `group`:
  // the stop signal reaches a process that left the group with setsid() too
  // (systemd's control-group mode). The group's members had it from
  // kill(-group); a second copy would run a shell's TERM trap twice.
  void signal_outside_group(const std::string& service, pid_t group, int sig);
  // After the attempt's main process exited: whether no process is left in
  // its cgroup, which is then removed at once (while the stack runs or
  // stops, not with the whole stack's at exit, where 1,000 of them would
  // delay the exit). True when cgroups are not in use.
  bool release_if_empty(const std::string& service);

  // The whole stack: kill everything in it. Returns how many processes it
  // killed (were there, and are gone), or why it could not.
  static Result<int> kill_stack(const std::string& stack_dir);
  static void remove_stack(const std::string& stack_dir);

 private:
  // Its namesakes in the cgroup v1 hierarchies of a hybrid machine, for a limit v2 cannot set.
  struct V1 {
    std::vector<std::string> dirs;
    std::vector<std::pair<int, std::string>> procs;  // their cgroup.procs, open
    std::string memory;                              // of dirs, the memory one (its OOM count)
  };
  // One per service, kept small (a stack may have 10,000): the directory's
  // name is made from the service's and the number when it is needed.
  struct Attempt {
    int fd = -1;          // open from attempt_fd() until spawned()
    bool active = false;  // the cgroup exists and is this service's current one
    int number = 0;       // svc-NAME.<number>
    Rare<V1> v1;
  };
  std::string dir_of(const std::string& service, const Attempt& a) const;
  void v1_attempt(Attempt& a, const std::string& service, const config::Limits& limits);
  void release(const std::string& service, Attempt& a);
  std::optional<std::string> stack_;
  std::map<std::string, Attempt> current_;
  std::optional<LimitSupport> enabled_;  // the controllers turned on for the stack's children, once
};

}  // namespace lineup::runtime
