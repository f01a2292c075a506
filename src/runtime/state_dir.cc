#include "runtime/state_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace lineup::runtime {

std::string state_dir_of(const std::string& project_dir) {
  return project_dir + "/.lineup";
}

int take_lock(const SafeDir& state_dir) {
  int fd = state_dir.open_file("lock", O_RDWR | O_CREAT);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool is_running(const std::string& state_dir) {
  int fd = ::open((state_dir + "/lock").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);
  return locked;
}

void write_pids(const SafeDir& state_dir, Pids p) {
  state_dir.write_atomically("lineup.pid",
                             std::to_string(p.guardian) + " " + std::to_string(p.supervisor) + "\n");
}

std::optional<Pids> read_pids(const std::string& state_dir) {
  std::ifstream in(state_dir + "/lineup.pid");
  Pids p;
  if (!(in >> p.guardian >> p.supervisor)) return std::nullopt;
  return p;
}

}  // namespace lineup::runtime
