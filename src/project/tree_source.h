// How the passes that reach into other files (compose's `include` and
// `extends.file`) get those files: read, parsed and interpolated by the
// loader (project/load.cc), so every file goes through the same steps.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "config/diagnostic.h"
#include "config/tree.h"
#include "config/variables.h"

namespace lineup::project {

// The tree of the file at `path` (absolute), interpolated with `vars`;
// nullopt when it could not be read or parsed (said in the diagnostics, at
// `from` when the file cannot be read).
using ReadTree = std::function<std::optional<config::Node>(
    const std::string& path, const config::Variables& vars, config::Location from)>;

// The directory of the file a node was read from.
std::string directory_of(config::Location where);

// A service taken from a file in `dir` into another project: its relative
// paths (working_dir, env_file, watch and develop.watch paths, file probes)
// made absolute against `dir`; with `own_directory`, a service with no
// working_dir runs in `dir` (an included project's services run in theirs).
void rebase_paths(config::Node& service, const std::string& dir, bool own_directory);

}  // namespace lineup::project
