// What `lineup export` produces for every engine: files to write, and the
// parts of the config that the engine has no equivalent for.
#pragma once

#include <string>
#include <vector>

namespace lineup::exporter {

struct File {
  std::string name;  // relative to the output directory
  std::string text;
};

struct Exported {
  std::vector<File> files;
  // "api: log probe (ready): Kubernetes has no probe that reads a container's output"
  std::vector<std::string> not_carried;
};

}  // namespace lineup::exporter
