// Where a running stack's state lives, found without needing a valid config:
// `down` and `ps` must work even after the config was edited or deleted.
#pragma once

#include <string>

#include "cli/cli.h"

namespace lineup::cli {

std::string project_dir_for(const GlobalOptions& g);

}  // namespace lineup::cli
