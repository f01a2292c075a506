#include "runtime/daemon.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lineup::runtime {

Result<Detached> detach(const SafeDir& state_dir) {
  int result_pipe[2];
  if (::pipe2(result_pipe, O_CLOEXEC) != 0) return unexpected(fmt::format("pipe: {}", std::strerror(errno)));
  std::fflush(stdout);
  pid_t child = ::fork();
  if (child < 0) {
    int err = errno;
    ::close(result_pipe[0]);
    ::close(result_pipe[1]);
    return unexpected(fmt::format("cannot start the supervisor: fork: {}", std::strerror(err)));
  }
  if (child > 0) {
    ::close(result_pipe[1]);
    return Detached{false, result_pipe[0]};
  }
  ::close(result_pipe[0]);
  ::setsid();
  // A fresh file each run: whatever is there under that name (a symlink
  // included) is removed, not followed.
  ::unlinkat(state_dir.fd(), "lineup.log", 0);
  int log = state_dir.open_file("lineup.log", O_WRONLY | O_CREAT | O_EXCL);
  if (log < 0) log = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) ::dup2(null, 0);
  if (log >= 0) {
    ::dup2(log, 1);
    ::dup2(log, 2);
  }
  return Detached{true, result_pipe[1]};
}

void report_result(int result_fd, int code) {
  char byte = static_cast<char>(code);
  [[maybe_unused]] auto n = ::write(result_fd, &byte, 1);
}

}  // namespace lineup::runtime
