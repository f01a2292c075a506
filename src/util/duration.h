// Durations as users write them: "250ms", "10s", "1m30s", "2h", "1.5s", or a
// bare number of seconds. One parser for the config, the CLI and `wait`, so
// every place accepts exactly the same spellings.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lineup {

using Millis = std::chrono::milliseconds;

// nullopt when the text is not a duration; negative durations are refused.
std::optional<Millis> parse_duration(std::string_view text);

// The shortest readable spelling: 1500ms -> "1.5s", 90000ms -> "1m30s".
std::string format_duration(Millis d);

}  // namespace lineup
