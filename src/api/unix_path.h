// A Unix socket path the kernel accepts. `sun_path` holds 107 bytes and a
// project can live deeper than that; a longer path is reached through a
// descriptor of its directory, as /proc/self/fd/N/NAME, for as long as this
// object lives (bind and connect resolve it like any other path).
#pragma once

#include <string>

namespace lineup::api {

class UnixPath {
 public:
  explicit UnixPath(const std::string& path);
  ~UnixPath();
  UnixPath(const UnixPath&) = delete;
  UnixPath& operator=(const UnixPath&) = delete;

  // What to give bind() or connect(): the path itself when it fits.
  const std::string& usable() const { return usable_; }

 private:
  int dir_fd_ = -1;
  std::string usable_;
};

}  // namespace lineup::api
