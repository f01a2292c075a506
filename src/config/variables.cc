#include "config/variables.h"

#include <unistd.h>

extern char** environ;

namespace lineup::config {

Variables Variables::from_environment() {
  Variables v;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    v.set(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return v;
}

}  // namespace lineup::config
