#include "runtime/state_dir.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "runtime/process_tree.h"

namespace lineup::runtime {

std::string state_dir_of(const std::string& project_dir) {
  return project_dir + "/.lineup";
}

namespace {

std::string project_of(const std::string& state_dir) {
  auto slash = state_dir.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : state_dir.substr(0, slash);
}

// An exclusive flock. A `ps` or `logs -f` testing the lock holds it shared
// for a few microseconds; that is no reason to refuse an `up`.
bool lock_exclusive(int fd) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno != EWOULDBLOCK) return false;
    ::usleep(2000);
  }
  return false;
}

// Held by someone: a shared lock cannot be had. (Released at once.)
bool held(int fd) {
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) return errno == EWOULDBLOCK;
  ::flock(fd, LOCK_UN);
  return false;
}

// "PATH: Permission denied (it belongs to root)", from errno.
std::string denied(const std::string& path) {
  int err = errno;
  std::string owner;
  if (struct stat st; err == EACCES && ::stat(path.c_str(), &st) == 0)
    if (const passwd* pw = ::getpwuid(st.st_uid)) owner = fmt::format(" (it belongs to {})", pw->pw_name);
  return fmt::format("{}: {}{}", path, std::strerror(err), owner);
}

std::string cannot_open(const std::string& path) {
  return "cannot tell whether lineup runs here: " + denied(path);
}

}  // namespace

Result<StackLock, LockRefused> take_lock(const std::string& project_dir, const SafeDir& state_dir) {
  StackLock lock;
  lock.project_fd = ::open(project_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  lock.state_fd = state_dir.open_file("lock", O_RDWR | O_CREAT);
  auto refuse = [&](std::string path) -> Result<StackLock, LockRefused> {
    bool busy = errno == EWOULDBLOCK;
    std::string why = busy ? "" : fmt::format("{}: {}", path, std::strerror(errno));
    if (lock.project_fd >= 0) ::close(lock.project_fd);
    if (lock.state_fd >= 0) ::close(lock.state_fd);
    return unexpected(LockRefused{busy, why});
  };
  if (lock.project_fd < 0) return refuse(project_dir);
  if (lock.state_fd < 0) return refuse(state_dir.path() + "/lock");
  if (!lock_exclusive(lock.project_fd)) return refuse(project_dir);
  if (!lock_exclusive(lock.state_fd)) return refuse(state_dir.path() + "/lock");
  return lock;
}

Result<bool> is_running(const std::string& state_dir) {
  if (auto ok = readable(state_dir); !ok) return unexpected(ok.error());
  std::string project = project_of(state_dir);
  int dir = ::open(project.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return unexpected(cannot_open(project));
  bool running = held(dir);
  ::close(dir);
  if (running) return true;
  std::string path = state_dir + "/lock";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    return unexpected(cannot_open(path));
  }
  running = held(fd);
  ::close(fd);
  return running;
}

Result<Ok> readable(const std::string& state_dir) {
  if (::access(state_dir.c_str(), R_OK | X_OK) == 0 || errno == ENOENT) return Ok{};
  return unexpected(denied(state_dir));
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

std::optional<Pids> find_lock_holders(const std::string& project_dir) {
  struct stat project;
  if (::stat(project_dir.c_str(), &project) != 0) return std::nullopt;
  std::vector<pid_t> holders;
  std::error_code ec;
  for (const auto& proc : std::filesystem::directory_iterator("/proc", ec)) {
    std::string pid = proc.path().filename().string();
    if (pid.empty() || pid[0] < '0' || pid[0] > '9') continue;
    std::error_code fd_ec;
    for (const auto& fd : std::filesystem::directory_iterator(proc.path() / "fd", fd_ec)) {
      struct stat target;
      if (::stat(fd.path().c_str(), &target) != 0 || !S_ISDIR(target.st_mode) ||
          target.st_ino != project.st_ino || target.st_dev != project.st_dev)
        continue;
      std::ifstream info(proc.path() / "fdinfo" / fd.path().filename());
      std::string line;
      bool locked = false;
      while (std::getline(info, line))
        if (line.starts_with("lock:") && line.find("FLOCK") != std::string::npos &&
            line.find("WRITE") != std::string::npos)
          locked = true;
      if (locked) {
        holders.push_back(static_cast<pid_t>(std::stol(pid)));
        break;
      }
    }
  }
  // The guardian is the holder whose parent is none of them; the supervisor is its child.
  auto parent_of = [](pid_t pid) {
    auto e = process_entry(pid);
    return e ? e->ppid : 0;
  };
  Pids p;
  for (pid_t h : holders)
    if (std::find(holders.begin(), holders.end(), parent_of(h)) == holders.end()) p.guardian = h;
  for (pid_t h : holders)
    if (parent_of(h) == p.guardian && p.guardian != 0) p.supervisor = h;
  if (p.guardian == 0 || p.supervisor == 0) return std::nullopt;
  return p;
}

namespace asio = boost::asio;

Result<std::unique_ptr<StateDirWatch>> StateDirWatch::start(asio::io_context& io,
                                                            const std::string& project_dir,
                                                            const SafeDir& state_dir,
                                                            std::function<void()> on_gone) {
  int project_fd = ::open(project_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (project_fd < 0)
    return unexpected(fmt::format("cannot watch {}: {}", project_dir, std::strerror(errno)));
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  std::string watched = fmt::format("/proc/self/fd/{}", project_fd);
  if (fd < 0 ||
      ::inotify_add_watch(fd, watched.c_str(), IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR) < 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    ::close(project_fd);
    return unexpected(fmt::format("cannot watch {}: {}", state_dir.path(), std::strerror(err)));
  }
  return std::unique_ptr<StateDirWatch>(new StateDirWatch(io, fd, project_fd, state_dir, std::move(on_gone)));
}

StateDirWatch::StateDirWatch(asio::io_context& io, int inotify_fd, int project_fd, const SafeDir& state_dir,
                             std::function<void()> on_gone)
    : events_(io, inotify_fd),
      project_fd_(project_fd),
      state_dir_(state_dir),
      name_(std::filesystem::path(state_dir.path()).filename().string()),
      on_gone_(std::move(on_gone)) {
  wait();
}

StateDirWatch::~StateDirWatch() {
  ::close(project_fd_);
}

void StateDirWatch::wait() {
  events_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;
    bool about_state_dir = false;
    alignas(inotify_event) char events[4096];
    ssize_t n;
    while ((n = ::read(events_.native_handle(), events, sizeof events)) > 0)
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(events + at);
        if (e->len > 0 && name_ == e->name) about_state_dir = true;
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    if (about_state_dir && gone()) {
      auto on_gone = on_gone_;  // the owner may destroy this watch in it
      on_gone();
      return;
    }
    wait();
  });
}

bool StateDirWatch::gone() const {
  struct stat held, now;
  if (::fstat(state_dir_.fd(), &held) != 0) return false;
  if (::fstatat(project_fd_, name_.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0) return true;
  return held.st_ino != now.st_ino || held.st_dev != now.st_dev;
}

}  // namespace lineup::runtime
