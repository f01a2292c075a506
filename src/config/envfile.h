// `.env` files in docker compose's dialect: KEY=VALUE lines, `export ` and
// `#` comments allowed, 'single quotes' literal, "double quotes" with \n
// escapes, and ${VAR} interpolation (from earlier lines and `base`) in
// unquoted and double-quoted values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/diagnostic.h"
#include "config/variables.h"

namespace lineup::config {

using EnvList = std::vector<std::pair<std::string, std::string>>;

EnvList parse_env_text(std::string_view text, uint32_t file, const Variables& base, Diagnostics& diags);

// Reads and parses the env file `path` names (`full`: where it is). One
// reader for the stack's env files and the services': an error at `where`
// when it is missing and required, or there but unusable even when optional.
EnvList read_env_file(const std::string& path, const std::string& full, Location where, bool required,
                      const Variables& base, Diagnostics& diags);

}  // namespace lineup::config
