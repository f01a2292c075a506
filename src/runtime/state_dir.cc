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

int take_lock(const std::string& state_dir) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  int fd = ::open((state_dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
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

bool write_file_atomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  std::string_view rest = content;
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rest.remove_prefix(static_cast<size_t>(n));
  }
  int saved = errno;
  ::close(fd);
  // A full disk: keep the last complete file rather than an empty one.
  if (!rest.empty()) {
    std::remove(tmp.c_str());
    errno = saved;
    return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

void write_pids(const std::string& state_dir, Pids p) {
  std::ofstream out(state_dir + "/lineup.pid", std::ios::trunc);
  out << p.guardian << " " << p.supervisor << "\n";
}

std::optional<Pids> read_pids(const std::string& state_dir) {
  std::ifstream in(state_dir + "/lineup.pid");
  Pids p;
  if (!(in >> p.guardian >> p.supervisor)) return std::nullopt;
  return p;
}

}  // namespace lineup::runtime
