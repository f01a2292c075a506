#include "util/duration.h"

#include <gtest/gtest.h>

namespace lineup {
namespace {

TEST(ParseDuration, Spellings) {
  struct Case {
    const char* text;
    long long ms;
  } cases[] = {{"250ms", 250}, {"10s", 10000}, {"1m30s", 90000}, {"2h", 7200000},     {"5", 5000},
               {"1.5s", 1500}, {"0", 0},       {"0.25", 250},    {"1h2m3s", 3723000}, {" 3s ", 3000}};
  for (auto c : cases) {
    auto d = parse_duration(c.text);
    ASSERT_TRUE(d) << c.text;
    EXPECT_EQ(d->count(), c.ms) << c.text;
  }
}

TEST(ParseDuration, Rejects) {
  for (const char* bad : {"", "ten", "-1s", "10x", "s", "1.2.3s", "10 s", "1e9999"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(FormatDuration, Readable) {
  EXPECT_EQ(format_duration(Millis(0)), "0s");
  EXPECT_EQ(format_duration(Millis(250)), "250ms");
  EXPECT_EQ(format_duration(Millis(1500)), "1.5s");
  EXPECT_EQ(format_duration(Millis(90000)), "1m30s");
  EXPECT_EQ(format_duration(Millis(7200000)), "2h");
}

}  // namespace
}  // namespace lineup
