// `file: PATH`: passes when PATH exists.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "probes/kinds.h"

namespace lineup::probes {

Result check_file(const config::FileProbe& p) {
  struct stat st;
  if (::stat(p.path.c_str(), &st) == 0) return {true, "exists"};
  return {false, std::string(p.path) + ": " + std::strerror(errno)};
}

}  // namespace lineup::probes
