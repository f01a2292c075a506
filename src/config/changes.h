// What differs between the config a stack runs on and the file read again:
// per service, the fields that changed, split into those of its process
// definition (the process must start again) and those applied in place.
// Fields are named as `lineup config` names them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/spec.h"

namespace lineup::config {

struct ServiceDiff {
  std::vector<std::string> restart;   // command, type, working_dir, environment, ports, limits
  std::vector<std::string> in_place;  // probes, policies, priority, hooks, grace, dependencies...
  bool empty() const { return restart.empty() && in_place.empty(); }
};

// For each service of `fresh` that `applied` has too (by name), what differs.
// The stack-wide `environment:` counts as each service's environment.
std::map<std::string, ServiceDiff> diff_services(const Config& applied, const Config& fresh);

// "command and environment changed", "ready, live changed".
std::string describe(const std::vector<std::string>& fields);

}  // namespace lineup::config
