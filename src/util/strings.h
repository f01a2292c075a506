// Small string helpers shared by the config layer and the CLI: the "did you
// mean" suggestions that make every diagnostic actionable.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lineup {

size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo.
std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates);
std::optional<std::string> nearest(std::string_view word, std::initializer_list<std::string_view> candidates);

std::string join(std::span<const std::string> parts, std::string_view sep);

bool contains_icase(std::string_view haystack, std::string_view needle);

// The first `max` bytes of `s`, or fewer so as not to end inside a UTF-8
// character: text cut for a message stays valid UTF-8 (JSON output throws
// on anything else).
std::string_view utf8_prefix(std::string_view s, size_t max);

// `%2F` and friends decoded (URL userinfo, path segments); a `%` not
// followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s);

// A command line split into words as a POSIX shell splits it (quotes and
// backslashes, no expansion): how compose reads an `entrypoint` or
// `command` string. nullopt when a quote is not closed.
std::optional<std::vector<std::string>> shell_words(std::string_view line);

// The UTF-8 character that starts at s[at] (one byte if s[at] does not start one).
std::string_view utf8_char_at(std::string_view s, size_t at);

}  // namespace lineup
