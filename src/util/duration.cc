#include "util/duration.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace lineup {

namespace {

// Reads a non-negative decimal number ("10", "1.5", ".5") from the front of s.
std::optional<double> take_number(std::string_view& s) {
  size_t i = 0;
  bool digits = false, dot = false;
  while (i < s.size()) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++i;
  }
  if (!digits) return std::nullopt;
  double value = 0;
  std::string copy(s.substr(0, i));
  auto [ptr, ec] = std::from_chars(copy.data(), copy.data() + copy.size(), value);
  if (ec != std::errc() || ptr != copy.data() + copy.size()) return std::nullopt;
  s.remove_prefix(i);
  return value;
}

std::optional<double> unit_in_ms(std::string_view& s) {
  // Longest units first so "ms" is not read as "m" followed by "s".
  static constexpr std::pair<std::string_view, double> units[] = {{"ms", 1.0}, {"us", 0.001}, {"h", 3600e3},
                                                                  {"m", 60e3}, {"s", 1e3},    {"d", 86400e3}};
  for (auto [name, factor] : units) {
    if (s.starts_with(name)) {
      s.remove_prefix(name.size());
      return factor;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty() || text.size() > 64) return std::nullopt;

  std::string_view s = text;
  auto first = take_number(s);
  if (!first) return std::nullopt;
  if (s.empty()) {  // bare number: seconds
    if (*first > 1e9) return std::nullopt;
    return Millis(static_cast<long long>(std::llround(*first * 1000.0)));
  }
  double total_ms = 0;
  std::optional<double> number = first;
  while (true) {
    auto unit = unit_in_ms(s);
    if (!unit) return std::nullopt;
    total_ms += *number * *unit;
    if (s.empty()) break;
    number = take_number(s);
    if (!number) return std::nullopt;
  }
  if (total_ms > 1e12) return std::nullopt;
  return Millis(static_cast<long long>(std::llround(total_ms)));
}

std::string format_duration(Millis d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  if (ms < 1000) return fmt::format("{}ms", ms);
  std::string out;
  long long h = ms / 3600000, m = (ms / 60000) % 60, rest = ms % 60000;
  if (h) out += fmt::format("{}h", h);
  if (m) out += fmt::format("{}m", m);
  if (rest) {
    if (rest % 1000 == 0) {
      out += fmt::format("{}s", rest / 1000);
    } else {
      std::string frac = fmt::format("{:.3f}", rest / 1000.0);
      while (frac.back() == '0') frac.pop_back();
      out += frac + "s";
    }
  }
  return out;
}

}  // namespace lineup
