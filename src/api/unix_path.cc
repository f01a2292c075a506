#include "api/unix_path.h"

#include <fcntl.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

namespace lineup::api {

UnixPath::UnixPath(const std::string& path) : usable_(path) {
  if (path.size() < sizeof(sockaddr_un::sun_path)) return;
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return;  // one long name: nothing shorter to say
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  dir_fd_ = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ >= 0) usable_ = fmt::format("/proc/self/fd/{}/{}", dir_fd_, path.substr(slash + 1));
}

UnixPath::~UnixPath() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

}  // namespace lineup::api
