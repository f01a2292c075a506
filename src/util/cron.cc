#include "util/cron.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace lineup {

namespace {

struct Field {
  const char* name;
  int low, high;
  const char* const* names;  // the words for low.., or null
};

constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::array<Field, 5> kFields = {{{"minute", 0, 59, nullptr},
                                           {"hour", 0, 23, nullptr},
                                           {"day of month", 1, 31, nullptr},
                                           {"month", 1, 12, kMonths},
                                           {"day of week", 0, 7, kDays}}};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

Result<int> value(std::string_view text, const Field& f) {
  if (f.names && text.size() == 3) {
    std::string lower;
    for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (int i = 0; i < (f.names == kMonths ? 12 : 7); ++i)
      if (lower == f.names[i]) return f.low + i;
  }
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return unexpected(fmt::format("\"{}\" is not a number", text));
  if (v < f.low || v > f.high) return unexpected(fmt::format("{} is out of {}-{}", v, f.low, f.high));
  return v;
}

// One field into `set` (bit per value); `any`: it was `*` (a day field then does not restrict).
template <size_t N>
Result<Ok> field(std::string_view text, const Field& f, std::bitset<N>& set, bool& any) {
  any = text == "*";
  for (auto part : split(text, ',')) {
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string_view::npos) {
      auto s = value(part.substr(slash + 1), Field{f.name, 1, f.high, nullptr});
      if (!s) return unexpected(fmt::format("step: {}", s.error()));
      step = *s;
      part = part.substr(0, slash);
      any = false;
    }
    int low = f.low, high = f.high;
    if (part != "*") {
      auto dash = part.find('-');
      auto a = value(part.substr(0, dash), f);
      if (!a) return unexpected(a.error());
      low = high = *a;
      if (dash != std::string_view::npos) {
        auto b = value(part.substr(dash + 1), f);
        if (!b) return unexpected(b.error());
        high = *b;
        if (high < low) return unexpected(fmt::format("{}-{} goes backwards", low, high));
      } else if (step > 1) {
        high = f.high;  // `5/15`: from 5, every 15
      }
    }
    for (int v = low; v <= high; v += step) set.set(static_cast<size_t>(v == 7 && N == 7 ? 0 : v));
  }
  return Ok{};
}

}  // namespace

Result<Cron> Cron::parse(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kMacros[] = {
      {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
      {"@weekly", "0 0 * * 0"},  {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"},
      {"@annually", "0 0 1 1 *"}};
  Cron c;
  c.text_ = std::string(text);
  std::string_view spec = text;
  for (auto [macro, expansion] : kMacros)
    if (text == macro) spec = expansion;
  if (spec.starts_with('@'))
    return unexpected(fmt::format("\"{}\" is not one of @hourly, @daily, @weekly, @monthly, @yearly", text));
  std::vector<std::string_view> fields;
  for (auto word : split(spec, ' '))
    if (!word.empty()) fields.push_back(word);
  if (fields.size() != 5)
    return unexpected(fmt::format("{} fields where cron has 5 (minute hour day-of-month month day-of-week)",
                                  fields.size()));
  bool unused = false;
  Result<Ok> results[] = {
      field(fields[0], kFields[0], c.minutes_, unused), field(fields[1], kFields[1], c.hours_, unused),
      field(fields[2], kFields[2], c.days_, c.any_day_), field(fields[3], kFields[3], c.months_, unused),
      field(fields[4], kFields[4], c.weekdays_, c.any_weekday_)};
  for (size_t i = 0; i < 5; ++i)
    if (!results[i])
      return unexpected(fmt::format("field {} ({}): {}", i + 1, kFields[i].name, results[i].error()));
  return c;
}

std::optional<std::time_t> Cron::next(std::time_t after, bool utc) const {
  std::time_t t = after - after % 60 + 60;  // the next whole minute
  std::tm tm{};
  auto to_tm = [&](std::time_t x) { utc ? gmtime_r(&x, &tm) : localtime_r(&x, &tm); };
  auto from_tm = [&] {
    tm.tm_isdst = -1;
    return utc ? timegm(&tm) : mktime(&tm);
  };
  std::time_t limit = after + 5LL * 366 * 24 * 3600;
  to_tm(t);
  while (t <= limit) {
    if (!months_.test(static_cast<size_t>(tm.tm_mon + 1))) {
      tm.tm_mon += 1, tm.tm_mday = 1, tm.tm_hour = 0, tm.tm_min = 0;
    } else {
      bool day = days_.test(static_cast<size_t>(tm.tm_mday)),
           weekday = weekdays_.test(static_cast<size_t>(tm.tm_wday));
      bool day_ok = any_day_ && any_weekday_ ? true
                    : any_day_               ? weekday
                    : any_weekday_           ? day
                                             : (day || weekday);
      if (!day_ok) {
        tm.tm_mday += 1, tm.tm_hour = 0, tm.tm_min = 0;
      } else if (!hours_.test(static_cast<size_t>(tm.tm_hour))) {
        tm.tm_hour += 1, tm.tm_min = 0;
      } else if (!minutes_.test(static_cast<size_t>(tm.tm_min))) {
        tm.tm_min += 1;
      } else {
        return t;
      }
    }
    std::time_t moved = from_tm();  // normalises the fields that ran over (day 32, hour 24...)
    if (moved == -1) return std::nullopt;
    // A clock set back (daylight saving time's end) must not send the search back in time.
    t = moved > t ? moved : t + 60;
    to_tm(t);
  }
  return std::nullopt;
}

}  // namespace lineup
