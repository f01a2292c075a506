// What only a process-compose file (one with `processes:`) means, rewritten
// on the tree before the shared dialect rewrites (dialects.h):
//
//   vars (top level and per process)  -> `{{.NAME}}` in the process's values
//                                        replaced, as process-compose's Go
//                                        templates do
//   env_file (per process)            -> relative to the process's working_dir
//   log_location (per process)        -> read as lineup's own key (a copy of the output)
//   keys with no lineup equivalent    -> removed, with one warning per key
//   (is_tty, is_elevated, log_level...)  saying what lineup does instead
//   description                       -> removed (documentation only)
//
// `is_strict` and `disable_env_expansion` are read by the loader, which needs
// them before this runs (project/load.cc).
#pragma once

#include "config/diagnostic.h"
#include "config/tree.h"

namespace lineup::config {

void rewrite_process_compose(Node& root, Diagnostics& diags);

// process-compose's top-level switches: unknown keys are errors; no ${VAR} interpolation.
bool process_compose_strict(const Node& root);
bool process_compose_no_interpolation(const Node& root);

}  // namespace lineup::config
