// compose's top-level `include:`: other compose files whose services join
// this project's, each read as its own project (its directory, its `.env`
// for interpolation), in chains, with a cycle reported as the chain of files.
//
//   include:
//     - common/compose.yaml                      # short form
//     - path: ../auth/compose.yaml               # or a list of files merged in order
//       project_directory: ../auth               # default: the file's directory
//       env_file: ../auth/.env                   # default: PROJECT_DIRECTORY/.env if there
//
// A service defined both here and in an included file is an error, as in
// compose. An included service's relative paths are its own project's, and
// it runs in that directory unless it says otherwise.
#pragma once

#include <string>

#include "config/diagnostic.h"
#include "config/tree.h"
#include "config/variables.h"
#include "project/tree_source.h"

namespace lineup::project {

// `tree`: the file at `path` (absolute), already interpolated. `process_env`:
// what every included file's own variables are overridden by.
void resolve_includes(config::Node& tree, const std::string& path, const ReadTree& read,
                      const config::Variables& process_env, config::Diagnostics& diags);

}  // namespace lineup::project
