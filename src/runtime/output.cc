#include "runtime/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace lineup::runtime {

LogFile& LogFile::operator=(LogFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    max_ = o.max_;
    size_ = o.size_;
    fd_ = o.fd_;
    failing_ = o.failing_;
    o.fd_ = -1;
  }
  return *this;
}

LogFile::~LogFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool LogFile::open() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return false;
  struct stat st;
  size_ = ::fstat(fd_, &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
  return true;
}

bool LogFile::write(std::string_view bytes) {
  if (path_.empty()) return true;
  if (fd_ < 0 && !open()) {
    bool first = !failing_;
    failing_ = true;
    return !first;
  }
  if (max_ && size_ + bytes.size() > max_ && size_ > 0) {
    // Rotate: the current file becomes NAME.log.1 (replacing an older one).
    ::close(fd_);
    fd_ = -1;
    std::string old = path_ + ".1";
    ::rename(path_.c_str(), old.c_str());
    if (!open()) return false;
  }
  size_t before = size_;
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      // A full disk: what made it of this chunk is taken back, so the file
      // never ends in a cut line (the chunk holds whole lines only).
      if (::ftruncate(fd_, static_cast<off_t>(before)) == 0) size_ = before;
      bool first = !failing_;
      failing_ = true;
      return !first;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<size_t>(n);
  }
  failing_ = false;
  return true;
}

}  // namespace lineup::runtime
