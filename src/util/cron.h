// Cron expressions, as crontab(5) writes them: five fields (minute, hour,
// day of month, month, day of week), each `*`, a number, a range `a-b`, a
// step `*/n` or `a-b/n`, or a comma list of those; month and day names
// (jan, mon); 7 is Sunday too; and @hourly, @daily (@midnight), @weekly,
// @monthly, @yearly (@annually). When both day fields are restricted, a day
// matching either runs (cron's rule).
#pragma once

#include <bitset>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lineup {

class Cron {
 public:
  // The expression, or what is wrong with it ("field 2 (hour): 24 is out of 0-23").
  static Result<Cron> parse(std::string_view text);
  // The first minute strictly after `after` that matches, in local time
  // (or UTC); nullopt if none within the next 5 years (February 30th).
  std::optional<std::time_t> next(std::time_t after, bool utc = false) const;
  const std::string& text() const { return text_; }
  // The values each field allows (what `lineup export systemd` writes as OnCalendar=).
  const std::bitset<60>& minutes() const { return minutes_; }
  const std::bitset<24>& hours() const { return hours_; }
  const std::bitset<32>& days() const { return days_; }      // 1-31
  const std::bitset<13>& months() const { return months_; }  // 1-12
  const std::bitset<7>& weekdays() const { return weekdays_; }
  bool any_day() const { return any_day_; }  // `*` in the day-of-month field
  bool any_weekday() const { return any_weekday_; }

 private:
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1-31
  std::bitset<13> months_;   // 1-12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool any_day_ = true, any_weekday_ = true;
  std::string text_;
};

}  // namespace lineup
