#include "runtime/takeover.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "runtime/cgroup.h"
#include "runtime/process_tree.h"

namespace lineup::runtime {

namespace {

// Whether `pid` exited within `ms` (a pidfd: no polling of /proc).
bool exits_within(pid_t pid, int ms) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, ms);
  } while (r < 0 && errno == EINTR);
  ::close(fd);
  return r > 0;
}

// Whether `pid` exits within `ms` by itself; a stopped process is not waited for.
bool exits_by_itself(pid_t pid, int ms) {
  auto entry = process_entry(pid);
  if (!entry || entry->zombie) return true;
  return !entry->stopped && exits_within(pid, ms);
}

// Kills what lives under `root` (not `root` itself, nor `spare`) until a
// look at /proc finds nothing alive: a process forked while we looked is
// found in the next round. `killed` collects whom we sent SIGKILL.
void kill_tree(pid_t root, pid_t spare, std::set<pid_t>& killed) {
  for (int round = 0; round < 100; ++round) {
    bool news = false;
    for (pid_t pid : live_descendants(process_table(), {root}))
      if (pid != spare && ::kill(pid, SIGKILL) == 0 && killed.insert(pid).second) news = true;
    if (!news) break;
  }
}

}  // namespace

TakeoverResult kill_stack_from_outside(const Pids& pids, const std::string& project_dir) {
  TakeoverResult r;
  auto cgroup = Cgroups::stack_dir(project_dir, false);
  if (cgroup) {
    auto killed = Cgroups::kill_stack(*cgroup);
    if (killed)
      r.killed += *killed;
    else
      r.error = killed.error();
  }
  // The tree, for what no cgroup holds (no cgroup v2 here, or no permission).
  std::set<pid_t> killed;
  kill_tree(pids.supervisor, 0, killed);
  kill_tree(pids.guardian, pids.supervisor, killed);
  // A supervisor that works sees every service gone and exits, and the
  // guardian after it; one that does not is killed, and its guardian then
  // reaps it, sweeps and exits, or is killed too.
  auto supervisor = process_entry(pids.supervisor);
  bool stopped = supervisor && supervisor->stopped;
  if (stopped || !exits_by_itself(pids.guardian, 3000)) {
    ::kill(pids.supervisor, SIGKILL);
    if (!exits_by_itself(pids.guardian, 3000)) {
      kill_tree(pids.guardian, pids.supervisor, killed);
      ::kill(pids.guardian, SIGKILL);
      exits_within(pids.guardian, 3000);
    }
  }
  r.killed += static_cast<int>(killed.size());
  if (cgroup) Cgroups::remove_stack(*cgroup);
  if (!r.error.empty() && cgroup && Cgroups::processes(project_dir).empty()) r.error.clear();
  return r;
}

}  // namespace lineup::runtime
