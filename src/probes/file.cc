// `file: PATH`: passes when PATH exists (relative paths: to the project dir).
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "probes/kinds.h"

namespace lineup::probes {

Result check_file(const config::FileProbe& p, const std::string& project_dir) {
  std::string path = p.path.empty() || p.path.front() == '/' ? p.path : project_dir + "/" + p.path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return {true, "exists"};
  return {false, std::string(p.path) + ": " + std::strerror(errno)};
}

}  // namespace lineup::probes
