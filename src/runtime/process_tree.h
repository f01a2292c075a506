// The machine's processes as /proc shows them: who is whose parent, and who
// is already a zombie. For stopping a stack from outside its supervisor
// (`down` when the supervisor does not answer) and for the final sweep of
// a subreaper. Read from /proc/PID/stat: kernels built without
// CONFIG_PROC_CHILDREN have no /proc/PID/task/*/children.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace lineup::runtime {

struct ProcessEntry {
  pid_t pid;
  pid_t ppid;
  bool zombie;   // dead, waiting for its parent to reap it: nothing left to kill
  bool stopped;  // SIGSTOP, or stopped by a debugger: it will not act on anything
};

std::vector<ProcessEntry> process_table();
// One process's entry; nullopt when it is gone.
std::optional<ProcessEntry> process_entry(pid_t pid);

// Every live (not zombie) descendant of `roots`, roots excluded, parents before children.
std::vector<pid_t> live_descendants(const std::vector<ProcessEntry>& table, const std::vector<pid_t>& roots);

// Kills (SIGKILL) every descendant of this process and reaps them; needs
// PR_SET_CHILD_SUBREAPER so that orphans of orphans come back to us.
void kill_all_descendants();

}  // namespace lineup::runtime
