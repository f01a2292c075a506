// Cron expressions: what they accept, what they refuse, and when they next match (in UTC).
#include "util/cron.h"

#include <gtest/gtest.h>

namespace lineup {
namespace {

std::time_t utc(int y, int mo, int d, int h, int mi) {
  std::tm tm{};
  tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d, tm.tm_hour = h, tm.tm_min = mi;
  return timegm(&tm);
}

std::time_t next(std::string_view expr, std::time_t after) {
  auto c = Cron::parse(expr);
  EXPECT_TRUE(c) << expr << ": " << (c ? "" : c.error());
  auto n = c->next(after, /*utc=*/true);
  EXPECT_TRUE(n) << expr;
  return n.value_or(0);
}

TEST(Cron, NextMatches) {
  std::time_t t = utc(2026, 12, 6, 14, 3);  // a Sunday
  EXPECT_EQ(next("*/5 * * * *", t), utc(2026, 12, 6, 14, 5));
  EXPECT_EQ(next("* * * * *", t), utc(2026, 12, 6, 14, 4)) << "strictly after";
  EXPECT_EQ(next("0 2 * * *", t), utc(2026, 12, 7, 2, 0));
  EXPECT_EQ(next("30 9 * * mon-fri", t), utc(2026, 12, 7, 9, 30));
  EXPECT_EQ(next("0 0 1 jan *", t), utc(2027, 1, 1, 0, 0));
  EXPECT_EQ(next("0 12 * * 7", t), utc(2026, 12, 6, 12, 0) + 7 * 86400) << "7 is Sunday";
  EXPECT_EQ(next("15,45 */6 * * *", t), utc(2026, 12, 6, 18, 15));
  EXPECT_EQ(next("@hourly", t), utc(2026, 12, 6, 15, 0));
  EXPECT_EQ(next("@monthly", t), utc(2027, 1, 1, 0, 0));
  // Both day fields restricted: either matches (the 13th, or a Friday).
  EXPECT_EQ(next("0 0 13 * fri", t), utc(2026, 12, 11, 0, 0));
  EXPECT_EQ(next("0 0 29 2 *", t), utc(2028, 2, 29, 0, 0)) << "the next leap year";
}

TEST(Cron, NeverIsNoAnswer) {
  auto c = Cron::parse("0 0 30 2 *");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->next(utc(2026, 1, 1, 0, 0), true));
}

TEST(Cron, Mistakes) {
  auto error = [](std::string_view expr) {
    auto c = Cron::parse(expr);
    return c ? std::string("accepted") : c.error();
  };
  EXPECT_EQ(error("* * * *"), "4 fields where cron has 5 (minute hour day-of-month month day-of-week)");
  EXPECT_EQ(error("0 24 * * *"), "field 2 (hour): 24 is out of 0-23");
  EXPECT_EQ(error("61 * * * *"), "field 1 (minute): 61 is out of 0-59");
  EXPECT_EQ(error("* * * foo *"), "field 4 (month): \"foo\" is not a number");
  EXPECT_EQ(error("5-1 * * * *"), "field 1 (minute): 5-1 goes backwards");
  EXPECT_EQ(error("*/0 * * * *"), "field 1 (minute): step: 0 is out of 1-59");
  EXPECT_EQ(error("@reboot"), "\"@reboot\" is not one of @hourly, @daily, @weekly, @monthly, @yearly");
}

}  // namespace
}  // namespace lineup
