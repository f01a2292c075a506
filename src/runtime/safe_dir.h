// A directory lineup writes into (`.lineup/`, `.lineup/logs/`), held open
// and checked once: it is a real directory (not a symlink), it belongs to
// the user lineup runs as, and nobody else can write to it (a group-writable
// one of ours, made under umask 002, is narrowed). Every file in it is then
// created and opened relative to that descriptor, never through a symlink
// (O_NOFOLLOW), only if it is a regular file of our own, temporaries with
// O_EXCL, modes 0600 whatever the umask.
//
// Why: lineup often runs as root. A directory another user can write to,
// or owns, lets that user plant `api.log -> /etc/shadow` and receive a
// service's output there, or have a root-owned file truncated. A check of
// the path and a later open by name leave a window; an open directory
// descriptor does not.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/result.h"

namespace lineup::runtime {

class SafeDir {
 public:
  // Opens `path` (creating it, mode 0700, when `create`) and checks it; the
  // error names the directory and says what is wrong and what to do.
  static Result<SafeDir> open(const std::string& path, bool create);
  // The same for a directory inside this one.
  Result<SafeDir> subdir(std::string_view name, bool create) const;

  SafeDir() = default;
  SafeDir(SafeDir&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  SafeDir& operator=(SafeDir&& o) noexcept;
  SafeDir(const SafeDir&) = delete;
  SafeDir& operator=(const SafeDir&) = delete;
  ~SafeDir();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // openat(2) with O_NOFOLLOW | O_CLOEXEC; a file lineup creates is 0600,
  // and one it finds with a wider mode is narrowed to 0600. -1 and errno on failure.
  int open_file(std::string_view name, int flags) const;
  // Readers never see a half-written file: a fresh temporary (O_EXCL), then
  // swapped in for the old file (renamed, when there is none). false (errno
  // says why) when it could not be written; the old file then stays.
  bool write_atomically(std::string_view name, std::string_view content) const;
  bool rename(std::string_view from, std::string_view to) const;

 private:
  static Result<SafeDir> checked(int fd, std::string path);
  int fd_ = -1;
  std::string path_;
};

}  // namespace lineup::runtime
