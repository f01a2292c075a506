#include "config/scalars.h"

#include <fmt/format.h>
#include <charconv>

namespace lineup::config {

std::optional<bool> parse_bool(std::string_view s) {
  for (auto t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})
    if (s == t) return true;
  for (auto f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})
    if (s == f) return false;
  return std::nullopt;
}

void Reader::mismatch(const Node& n, std::string_view what, std::string_view expected) {
  std::string got = n.is_scalar() ? fmt::format("\"{}\"", n.text) : std::string(kind_name(n.kind));
  diags_.error(n.where, fmt::format("{}: expected {}, got {}", what, expected, got));
}

void Reader::not_one_of(const Node& n, std::string_view what, std::string_view got, std::string_view noun,
                        const std::string& choices) {
  diags_.error(n.where, fmt::format("{}: \"{}\" is not {} (use {})", what, got, noun, choices));
}

bool Reader::expect_map(const Node& n, std::string_view what) {
  if (n.is_map()) return true;
  mismatch(n, what, "a mapping");
  return false;
}

std::optional<std::string> Reader::string(const Node& n, std::string_view what) {
  if (n.is_scalar()) return n.text;
  mismatch(n, what, "a string");
  return std::nullopt;
}

std::optional<Millis> Reader::duration(const Node& n, std::string_view what) {
  if (n.is_scalar()) {
    if (auto d = parse_duration(n.text)) return d;
  }
  mismatch(n, what, "a duration like 10s, 250ms or 1m30s");
  return std::nullopt;
}

std::optional<Millis> Reader::seconds(const Node& n, std::string_view what) {
  if (auto v = number(n, what, 0, 1e9)) return Millis(static_cast<long long>(*v * 1000));
  return std::nullopt;
}

std::optional<long long> Reader::integer(const Node& n, std::string_view what, long long min, long long max) {
  if (n.is_scalar()) {
    long long v = 0;
    const char* b = n.text.data();
    const char* e = b + n.text.size();
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec == std::errc() && p == e) {
      if (v >= min && v <= max) return v;
      diags_.error(n.where, fmt::format("{}: {} is out of range ({} to {})", what, v, min, max));
      return std::nullopt;
    }
  }
  mismatch(n, what, "a whole number");
  return std::nullopt;
}

std::optional<double> Reader::number(const Node& n, std::string_view what, double min, double max) {
  if (n.is_scalar()) {
    double v = 0;
    const char* b = n.text.data();
    const char* e = b + n.text.size();
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec == std::errc() && p == e) {
      if (v >= min && v <= max) return v;
      diags_.error(n.where, fmt::format("{}: {} is out of range ({} to {})", what, n.text, min, max));
      return std::nullopt;
    }
  }
  mismatch(n, what, "a number");
  return std::nullopt;
}

std::optional<bool> Reader::boolean(const Node& n, std::string_view what) {
  if (n.is_scalar()) {
    if (auto b = parse_bool(n.text)) return b;
  }
  mismatch(n, what, "true or false");
  return std::nullopt;
}

std::optional<std::vector<std::string>> Reader::string_list(const Node& n, std::string_view what) {
  if (n.is_scalar()) return std::vector<std::string>{n.text};
  if (n.is_null()) return std::vector<std::string>{};
  if (!n.is_sequence()) {
    mismatch(n, what, "a string or a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(n.items.size());
  for (const auto& item : n.items) {
    if (!item.is_scalar()) {
      mismatch(item, what, "a string");
      continue;
    }
    out.push_back(item.text);
  }
  return out;
}

std::optional<Command> Reader::command(const Node& n, std::string_view what) {
  if (n.is_scalar()) {
    if (n.text.empty()) {
      diags_.error(n.where, fmt::format("{}: the command is empty", what));
      return std::nullopt;
    }
    return Command{{"/bin/sh", "-c", n.text}, true};
  }
  if (n.is_sequence()) {
    auto list = string_list(n, what);
    if (!list) return std::nullopt;
    if (list->empty()) {
      diags_.error(n.where, fmt::format("{}: the command is empty", what));
      return std::nullopt;
    }
    return Command{std::move(*list), false, n.from_entrypoint};
  }
  mismatch(n, what, "a command string or a list of arguments");
  return std::nullopt;
}

}  // namespace lineup::config
