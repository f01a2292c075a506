// Regular expressions from the config (`log:` probes, `fail_on_log`,
// `body_regex`), matched against what services print and send: output lines
// of up to 64 KiB, HTTP bodies of up to 1 MiB.
//
// libstdc++'s default executor backtracks recursively, about one stack frame
// per character that a `*` or `+` consumes: "listening .* port" against a
// 40 KB line, or `"status"\s*:` against a body with 100 KB of blanks,
// overflows the 8 MiB stack and kills lineup (found by fuzz/http_response_fuzz).
// The polynomial executor, a documented libstdc++ extension, walks the text
// with a stack that depends on the pattern only. It refuses back-references
// (`\1`), which config validation reports as unsupported.
#pragma once

#include <regex>
#include <string>

namespace lineup {

// Throws std::regex_error for an invalid pattern, as std::regex does.
inline std::regex make_regex(const std::string& pattern) {
#if defined(__GLIBCXX__)
  return std::regex(pattern, std::regex::ECMAScript | std::regex_constants::__polynomial);
#else
  return std::regex(pattern);
#endif
}

// What a user reads when make_regex() refused the pattern.
inline std::string regex_error_text(const std::regex_error& e) {
  if (e.code() == std::regex_constants::error_complexity) return "back-references (\\1) are not supported";
  return e.what();
}

}  // namespace lineup
