// Validation: the checks that look across services (references, ports,
// required variables). Per-field checks happen while decoding; cycles are
// found on the graph (project/load.cc). Every problem is collected.
#pragma once

#include "config/diagnostic.h"
#include "config/spec.h"
#include "config/variables.h"

namespace lineup::config {

void validate(const Config& cfg, const Variables& vars, uint32_t main_file, Diagnostics& diags);

// A variable as services and the API see it: the process environment and
// env files (as interpolation used them), then the global `environment:`.
const std::string* find_variable(const Config& cfg, const Variables& vars, std::string_view name);

}  // namespace lineup::config
