// The project's state directory, `.lineup/` beside the config: logs, the
// lock that makes a second `up` fail, the pid file, the live state file
// that `ps` reads, and last-run.json.
//
// A running stack holds two flock(2) locks, through descriptors the guardian
// and the supervisor inherit and keep for their whole life: one on
// `.lineup/lock`, one on the project directory itself. The kernel drops them
// when those processes die, however they die, so a stale pid file or socket
// left by a SIGKILL never blocks the next `up`; and the second lock is not a
// file in `.lineup/`, so deleting that directory under a running stack does
// not let a second supervisor start beside the first.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>

#include <optional>
#include <string>

#include "runtime/safe_dir.h"

namespace lineup::runtime {

std::string state_dir_of(const std::string& project_dir);

struct StackLock {
  int project_fd = -1;  // close-on-exec
  int state_fd = -1;
};
struct LockRefused {
  bool busy = false;  // another lineup holds it (else: it could not be taken; `message` says why)
  std::string message;
};
Result<StackLock, LockRefused> take_lock(const std::string& project_dir, const SafeDir& state_dir);

// Whether a lineup runs the project of this state directory. An error when
// this user cannot tell (the state directory or the lock cannot be read):
// a stack someone else runs is never reported as "nothing is running".
Result<bool> is_running(const std::string& state_dir);

// Whether this user can read the state directory (a missing one is fine:
// nothing ran here); the error names the directory's owner.
Result<Ok> readable(const std::string& state_dir);

struct Pids {
  pid_t guardian = 0;
  pid_t supervisor = 0;
};

void write_pids(const SafeDir& state_dir, Pids p);
std::optional<Pids> read_pids(const std::string& state_dir);
// The lineup processes that hold the project directory's lock, found in
// /proc (their descriptors and the locks on them) when the pid file is gone
// with its directory; nullopt when none is found.
std::optional<Pids> find_lock_holders(const std::string& project_dir);

// Calls `on_gone` (once) when the state directory is removed or replaced
// under a running stack. Watched through the project directory: an inotify
// watch on the state directory itself reports its deletion only once every
// descriptor of it is closed, and the supervisor holds one.
class StateDirWatch {
 public:
  // An error when the watch cannot be set up (no inotify instance left).
  static Result<std::unique_ptr<StateDirWatch>> start(boost::asio::io_context& io,
                                                      const std::string& project_dir,
                                                      const SafeDir& state_dir,
                                                      std::function<void()> on_gone);
  ~StateDirWatch();

 private:
  StateDirWatch(boost::asio::io_context& io, int inotify_fd, int project_fd, const SafeDir& state_dir,
                std::function<void()> on_gone);
  void wait();
  bool gone() const;
  boost::asio::posix::stream_descriptor events_;
  int project_fd_;
  const SafeDir& state_dir_;
  std::string name_;
  std::function<void()> on_gone_;
};

}  // namespace lineup::runtime
