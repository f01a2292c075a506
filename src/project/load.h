// Loading a project: the config layer's passes, in order, each named.
//
//   locate files -> read + parse -> env files -> interpolate (+ include)
//   -> merge -> extends -> dialects (compose / process-compose spellings
//   rewritten) -> decode (defaults, profile; replicas) -> normalize
//   -> validate -> graph (cycles)
//
// Every pass appends to one Diagnostics list; the caller decides what the
// diagnostics mean for its exit code (`check` reports, others refuse).
#pragma once

#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/spec.h"
#include "config/variables.h"
#include "graph/graph.h"

namespace lineup::project {

struct LoadOptions {
  std::vector<std::string> files;      // -f, in order; empty = look for the default names
  std::string project_dir;             // --project-dir; empty = the first file's directory
  std::string profile;                 // --profile; empty = LINEUP_PROFILE, then default_profile
  std::vector<std::string> env_files;  // --env-file: extra files for interpolation only (not exported)
  std::vector<std::string> named_services;
  std::vector<std::string> namespaces;  // -n: only services in these (none: every service)
  bool strict = false;
  const config::Variables* environment = nullptr;  // the process environment (null = read it)
  // The text of `files[i]`, taken instead of reading that file (same order;
  // files past its end are read): the fuzzer (fuzz/config_fuzz.cc) and tests
  // run the whole pipeline without touching the disk.
  std::vector<std::string> file_texts;
};

struct Project {
  config::Config config;
  graph::Graph graph;
  config::Variables variables;  // what interpolation used
  config::Diagnostics diags;
  uint32_t main_file = config::kNoFile;
  bool unusable = false;  // no file, unreadable, or not YAML: nothing else could be checked
};

Project load(const LoadOptions& options);

// The names `-f` defaults to, in the order they are tried.
inline constexpr const char* kDefaultFileNames[] = {
    "lineup.yaml",         "lineup.yml",         "compose.yaml",         "compose.yml",
    "docker-compose.yaml", "docker-compose.yml", "process-compose.yaml", "process-compose.yml"};

}  // namespace lineup::project
