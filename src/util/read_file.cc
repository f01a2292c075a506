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
  std::string out;
  // A regular file says its size; a device or a pipe is read until the cap.
  if (S_ISREG(st.st_mode)) out.reserve(std::min(static_cast<size_t>(st.st_size), cap) + 1);
  char buf[64 * 1024];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return unexpected(ReadError{e, std::strerror(e)});
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > cap) {
      ::close(fd);
      return unexpected(ReadError{
          EFBIG, fmt::format("is larger than {} MiB (the limit for a file lineup reads)", cap >> 20)});
    }
  }
  ::close(fd);
  return out;
}

}  // namespace lineup
