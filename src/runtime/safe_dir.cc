#include "runtime/safe_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lineup::runtime {

SafeDir& SafeDir::operator=(SafeDir&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

SafeDir::~SafeDir() {
  if (fd_ >= 0) ::close(fd_);
}

Result<SafeDir> SafeDir::checked(int fd, std::string path) {
  SafeDir dir;
  dir.fd_ = fd;
  dir.path_ = std::move(path);
  struct stat st;
  if (::fstat(fd, &st) != 0) return unexpected(fmt::format("{}: {}", dir.path_, std::strerror(errno)));
  if (st.st_uid != ::geteuid())
    return unexpected(fmt::format("{} is owned by another user (uid {}); refusing to write there (remove it)",
                                  dir.path_, st.st_uid));
  if (st.st_mode & S_IWOTH)
    return unexpected(fmt::format(
        "{} is writable by other users; refusing to write there (chmod o-w, or remove it)", dir.path_));
  // Made under a umask of 002 (user-private groups): ours, so narrowed rather than refused.
  if ((st.st_mode & S_IWGRP) && ::fchmod(fd, st.st_mode & 0755) != 0)
    return unexpected(fmt::format("{} is writable by its group and cannot be narrowed: {}", dir.path_,
                                  std::strerror(errno)));
  return dir;
}

Result<SafeDir> SafeDir::open(const std::string& path, bool create) {
  if (create && ::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return unexpected(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return unexpected(
        errno == ELOOP || errno == ENOTDIR
            ? fmt::format("{} is not a directory (a symlink?); refusing to write there (remove it)", path)
            : fmt::format("{}: {}", path, std::strerror(errno)));
  return checked(fd, path);
}

Result<SafeDir> SafeDir::subdir(std::string_view name, bool create) const {
  std::string n(name), path = path_ + "/" + n;
  if (create && ::mkdirat(fd_, n.c_str(), 0700) != 0 && errno != EEXIST)
    return unexpected(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  int fd = ::openat(fd_, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return unexpected(
        errno == ELOOP || errno == ENOTDIR
            ? fmt::format("{} is not a directory (a symlink?); refusing to write there (remove it)", path)
            : fmt::format("{}: {}", path, std::strerror(errno)));
  return checked(fd, std::move(path));
}

int SafeDir::open_file(std::string_view name, int flags) const {
  // O_NONBLOCK: a FIFO planted under that name must not block the open (refused below).
  int fd = ::openat(fd_, std::string(name).c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
  if (fd < 0) return -1;
  struct stat st;
  // Only a regular file of our own: not a FIFO, a device or another user's
  // file someone left under that name.
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) {
    ::close(fd);
    errno = EPERM;
    return -1;
  }
  if ((st.st_mode & 077) && st.st_uid == ::geteuid()) ::fchmod(fd, 0600);  // written by an older lineup
  return fd;
}

bool SafeDir::write_atomically(std::string_view name, std::string_view content) const {
  std::string tmp = std::string(name) + ".tmp";
  int fd = open_file(tmp, O_WRONLY | O_CREAT | O_EXCL);
  if (fd < 0 && errno == EEXIST) {  // left by a lineup that died while writing it
    ::unlinkat(fd_, tmp.c_str(), 0);
    fd = open_file(tmp, O_WRONLY | O_CREAT | O_EXCL);
  }
  if (fd < 0) return false;
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    content.remove_prefix(static_cast<size_t>(n));
  }
  int saved = errno;
  ::close(fd);
  // A full disk: keep the last complete file rather than an empty one.
  if (!content.empty()) {
    ::unlinkat(fd_, tmp.c_str(), 0);
    errno = saved;
    return false;
  }
  // Replacing a file by rename makes ext4 (auto_da_alloc) write the new
  // file's data out before the rename returns: 0.1-0.5 ms each time, on the
  // loop's thread, for state.json's every write. Exchanging the two names is
  // as atomic for a reader, and ext4 does not flush for it; the old content
  // goes with the temporary. (A machine's crash may then leave an empty
  // file where rename would have left the new one: the state directory
  // describes a stack that the crash ended.)
  if (::renameat2(fd_, tmp.c_str(), fd_, std::string(name).c_str(), RENAME_EXCHANGE) == 0) {
    ::unlinkat(fd_, tmp.c_str(), 0);
    return true;
  }
  // No file to exchange with yet, or a filesystem that cannot exchange.
  return rename(tmp, name);
}

bool SafeDir::rename(std::string_view from, std::string_view to) const {
  return ::renameat(fd_, std::string(from).c_str(), fd_, std::string(to).c_str()) == 0;
}

}  // namespace lineup::runtime
