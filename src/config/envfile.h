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

}  // namespace lineup::config
