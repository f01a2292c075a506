#include "config/keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "util/strings.h"

namespace lineup::config {

void check_keys(const Node& map, std::span<const std::string_view> known,
                std::span<const std::string_view> ignored, std::string_view context, bool strict,
                Diagnostics& diags) {
  for (const auto& e : map.entries) {
    if (e.key.starts_with("x-")) continue;
    auto listed = [&](std::span<const std::string_view> keys) {
      return std::find(keys.begin(), keys.end(), e.key) != keys.end();
    };
    if (listed(known) || listed(ignored)) continue;
    std::vector<std::string> candidates(known.begin(), known.end());
    std::string msg = fmt::format("unknown key \"{}\" {}", e.key, context);
    if (auto near = nearest(e.key, candidates)) msg += fmt::format(" (did you mean \"{}\"?)", *near);
    diags.add(strict ? Severity::error : Severity::warning, e.key_at, msg);
  }
}

}  // namespace lineup::config
