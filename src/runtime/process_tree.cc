#include "runtime/process_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

namespace lineup::runtime {

namespace {

std::optional<ProcessEntry> read_entry(const char* pid) {
  std::string path = std::string("/proc/") + pid + "/stat";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  buf[n] = '\0';
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const char* close = std::strrchr(buf, ')');
  if (!close || close + 4 >= buf + n) return std::nullopt;
  char state = close[2];
  return ProcessEntry{static_cast<pid_t>(std::atol(pid)), static_cast<pid_t>(std::atol(close + 4)),
                      state == 'Z', state == 'T' || state == 't'};
}

}  // namespace

std::vector<ProcessEntry> process_table() {
  std::vector<ProcessEntry> out;
  DIR* proc = ::opendir("/proc");
  if (!proc) return out;
  while (dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (auto entry = read_entry(e->d_name)) out.push_back(*entry);
  }
  ::closedir(proc);
  return out;
}

std::optional<ProcessEntry> process_entry(pid_t pid) {
  return read_entry(std::to_string(pid).c_str());
}

std::vector<pid_t> live_descendants(const std::vector<ProcessEntry>& table, const std::vector<pid_t>& roots) {
  std::unordered_multimap<pid_t, const ProcessEntry*> children;
  for (const auto& e : table) children.emplace(e.ppid, &e);
  std::vector<pid_t> out;
  std::vector<pid_t> frontier = roots;
  while (!frontier.empty()) {
    pid_t parent = frontier.back();
    frontier.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      frontier.push_back(it->second->pid);
      if (!it->second->zombie) out.push_back(it->second->pid);
    }
  }
  return out;
}

void kill_all_descendants() {
  // Kill our children; theirs are then reparented to us (we are a
  // subreaper) and found in the next round.
  for (int round = 0; round < 1000; ++round) {
    std::vector<pid_t> children;
    for (const auto& p : process_table())
      if (p.ppid == ::getpid()) children.push_back(p.pid);
    if (children.empty()) break;
    for (pid_t pid : children) {
      ::kill(-pid, SIGKILL);  // its group, if it leads one
      ::kill(pid, SIGKILL);
    }
    for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
  }
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

}  // namespace lineup::runtime
