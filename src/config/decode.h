// Decoding: the merged, interpolated tree -> Config.
//
// Knows every key lineup reads and every compose key it accepts and ignores
// (image, build, volumes, ...), reads the Kubernetes-style timing names and
// the dialects' one-word aliases (the rest of compose's and process-compose's
// spellings are rewritten before decode: config/dialects.h), applies
// `defaults:` and the active profile, and reports unknown keys with the nearest known one. It does not
// check references between services: that is validation's job.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/spec.h"
#include "config/tree.h"
#include "config/variables.h"

namespace lineup::config {

struct DecodeContext {
  std::string project_dir;
  std::string requested_profile;            // --profile or LINEUP_PROFILE; "" = use default_profile
  std::vector<std::string> named_services;  // named on the command line: active whatever their profiles
  std::vector<std::string> namespaces;      // -n: only services in one of these are active (none: all)
  bool strict = false;                      // unknown keys are errors
  const Variables* variables = nullptr;     // for env_file values and bare names in `environment`
};

// Takes the tree: it is consumed (and freed service by service) as it is decoded.
void decode(Node root, const DecodeContext& ctx, Config& cfg, Diagnostics& diags);

// Exposed for the tests: one probe entry of a `ready:` or `live:` list.
std::optional<Probe> decode_probe(const Node& n, Diagnostics& diags, bool strict);

int signal_number(std::string_view name);  // "SIGINT", "INT", "2" -> 2; 0 if unknown

}  // namespace lineup::config
