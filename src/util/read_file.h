// Reads a whole file the user named (a config file, an env file), with a
// cap: `-f /dev/zero` or `env_file: /dev/zero` is refused once the cap is
// passed, instead of growing without bound. One reader for every such
// file, so they all have the same limit and say the same things.
#pragma once

#include <cstddef>
#include <string>

#include "util/result.h"

namespace lineup {

constexpr size_t kMaxInputFile = 64 << 20;

struct ReadError {
  int code;             // errno, or EFBIG past the cap, EISDIR for a directory
  std::string message;  // without the path: "is a directory", "No such file or directory", ...
  bool missing() const;
};
Result<std::string, ReadError> read_file(const std::string& path, size_t cap = kMaxInputFile);
// The reading part of read_file, for a descriptor its caller opened its own
// way (relative to a checked directory, a cgroup's file): read to its end,
// left open. `expected`: the size to reserve, when known.
Result<std::string, ReadError> read_to_end(int fd, size_t cap = kMaxInputFile, size_t expected = 0);

}  // namespace lineup
