// The last pass over a decoded config: what the rest of lineup would
// otherwise work out again, each user in its own way, wherever it needs it.
//   - Every relative path becomes absolute, against the project directory
//     (as compose resolves paths against the project, not against where
//     lineup runs): working_dir (the project directory when not set), file
//     probe paths, a unix api.listen.
//   - api.listen is parsed once; an address that does not parse is an error.
// Patterns are compiled when they are decoded (util/regex.h, Pattern).
#pragma once

#include <string>

#include "config/diagnostic.h"
#include "config/spec.h"

namespace lineup::config {

// `path` made absolute against `dir`, lexically normal ("./a/../b" -> "DIR/b").
// Absolute paths, and any path when `dir` is empty, are returned as written.
std::string absolute_in(const std::string& dir, const std::string& path);

void normalize(Config& cfg, Diagnostics& diags);

}  // namespace lineup::config
