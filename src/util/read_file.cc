#include "util/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace lineup {

bool ReadError::missing() const {
  return code == ENOENT;
}

Result<std::string, ReadError> read_file(const std::string& path, size_t cap) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unexpected(ReadError{errno, std::strerror(errno)});
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return unexpected(ReadError{EISDIR, "is a directory"});
  }
  // A regular file says its size; a device or a pipe is read until the cap.
  auto out =
      read_to_end(fd, cap, S_ISREG(st.st_mode) ? std::min(static_cast<size_t>(st.st_size), cap) + 1 : 0);
  ::close(fd);
  return out;
}

Result<std::string, ReadError> read_to_end(int fd, size_t cap, size_t expected) {
  std::string out;
  out.reserve(expected);
  char buf[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(ReadError{errno, std::strerror(errno)});
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > cap)
      return unexpected(ReadError{
          EFBIG, fmt::format("is larger than {} MiB (the limit for a file lineup reads)", cap >> 20)});
  }
}

}  // namespace lineup
