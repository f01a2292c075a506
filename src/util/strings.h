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

}  // namespace lineup
