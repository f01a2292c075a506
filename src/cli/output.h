// How the CLI prints diagnostics and loads the project for a command.
#pragma once

#include <cstdio>
#include <optional>

#include "cli/cli.h"
#include "config/diagnostic.h"
#include "config/redact.h"
#include "project/load.h"

namespace lineup::cli {

project::LoadOptions load_options(const GlobalOptions& g);

bool use_color(const GlobalOptions& g, FILE* stream);

// Prints diagnostics (errors always, warnings unless quiet, notes when verbose
// or `notes`), sorted and redacted.
void print_diagnostics(const config::Diagnostics& diags, const config::Redactor& redact,
                       const GlobalOptions& g, FILE* out, bool notes = false);

// For every command but `check`: load, and refuse an unusable or invalid
// config with its diagnostics and exit code 2.
std::optional<project::Project> load_valid(const GlobalOptions& g, std::vector<std::string> named = {});

}  // namespace lineup::cli
