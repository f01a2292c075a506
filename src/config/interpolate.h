// Variable interpolation with docker compose's exact semantics.
//
//   $$           a literal $
//   $VAR ${VAR}  the value, or "" (and a warning) when unset
//   ${VAR:-d}    d when VAR is unset or empty      ${VAR-d}  d when unset
//   ${VAR:?msg}  error when unset or empty         ${VAR?msg} error when unset
//   ${VAR:+alt}  alt when set and non-empty        ${VAR+alt} alt when set
//
// Defaults and alternatives are themselves interpolated, so ${A:-${B:-x}}
// nests. Anything else after a `$` is a malformed template and an error: a
// literal dollar must be written `$$`, exactly as compose requires.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/variables.h"
#include "util/result.h"

namespace lineup::config {

struct InterpolationError {
  std::string message;
  size_t offset = 0;  // where in the text the bad template starts
};

struct Interpolated {
  std::string text;
  std::vector<std::string> unset;  // variables used without a value and without a default
};

// `shell_substitution`: `$(...)` and `$((...))` are left as written, for the
// shell (process-compose's files: it expands variables and leaves those).
Result<Interpolated, InterpolationError> interpolate(std::string_view text, const Variables& vars,
                                                     bool shell_substitution = false);

}  // namespace lineup::config
