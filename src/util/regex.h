// Regular expressions from the config (`log:` probes, `fail_on_log`,
// `body_regex`), matched against what services print and send: output lines
// of up to 64 KiB, HTTP bodies of up to 1 MiB, on the one event loop.
//
// Backed by RE2, whose matching time is linear in the text and whose memory
// is bounded by the pattern. std::regex was not fit for this: its default
// executor recurses once per character a `*` consumes (a 40 KB line overflowed
// the stack, found by fuzz/http_response_fuzz), and its polynomial executor
// took minutes on a 64 KiB line against `a.*b`, stalling every service.
// The price is RE2's syntax: no back-references (`\1`), no look-around.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace re2 {
class RE2;
}

namespace lineup {

class Regex {
 public:
  // The error says what is wrong with the pattern, in RE2's words.
  static Result<Regex> compile(std::string_view pattern);

  // True if the pattern matches anywhere in the text.
  bool search(std::string_view text) const;

 private:
  explicit Regex(std::shared_ptr<const re2::RE2> re) : re_(std::move(re)) {}
  std::shared_ptr<const re2::RE2> re_;  // shared: RE2 is not copyable, and it is immutable
};

// A pattern from the config: the text as written (what messages and
// `lineup config` show) and the Regex compiled from it once, when the config
// is read, rather than by every user of it. An invalid text matches nothing;
// `error` says why, for the config's diagnostics.
struct Pattern {
  Pattern() = default;
  Pattern(std::string text);  // implicit: a pattern is written as text
  Pattern(const char* text) : Pattern(std::string(text)) {}

  bool empty() const { return text.empty(); }
  bool valid() const { return regex.has_value(); }
  bool search(std::string_view s) const { return regex && regex->search(s); }

  std::string text;
  std::optional<Regex> regex;
  std::string error;
};

}  // namespace lineup
