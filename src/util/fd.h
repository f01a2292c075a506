// A file descriptor that closes itself: the error paths of a spawn (three
// pipes, a socket, an early return at each step) cannot leak one.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "util/result.h"

namespace lineup {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  // Gives the descriptor to a new owner (an Asio descriptor, a child's fd table).
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Both ends of a close-on-exec pipe; the error is "pipe: <strerror>".
struct Pipe {
  Fd read, write;
  static Result<Pipe> open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return unexpected(std::string("pipe: ") + std::strerror(errno));
    return Pipe{Fd(fds[0]), Fd(fds[1])};
  }
};

}  // namespace lineup
