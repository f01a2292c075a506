#include "probes/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace lineup::probes {
namespace {

using std::chrono::milliseconds;

TEST(ProbeSchedule, FirstLiveCheckComesHalfToOneAndAHalfIntervalsAfterReady) {
  for (engine::Id id = 0; id < 1000; ++id) {
    Millis d = first_live_delay(id, milliseconds(1000));
    EXPECT_GE(d, milliseconds(500)) << id;
    EXPECT_LT(d, milliseconds(1500)) << id;
  }
}

TEST(ProbeSchedule, AThousandServicesReadyTogetherDoNotProbeTogether) {
  // 10 ms buckets over the 1 s window: an even spread puts 10 in each.
  std::vector<int> bucket(100, 0);
  for (engine::Id id = 0; id < 1000; ++id)
    ++bucket[static_cast<size_t>((first_live_delay(id, milliseconds(1000)).count() - 500) / 10)];
  EXPECT_LE(*std::max_element(bucket.begin(), bucket.end()), 13);
  EXPECT_GE(*std::min_element(bucket.begin(), bucket.end()), 7);
}

engine::TimePoint at_ms(double ms) {
  return engine::TimePoint(
      std::chrono::duration_cast<engine::Clock::duration>(std::chrono::duration<double, std::milli>(ms)));
}

TEST(ProbeSchedule, LiveChecksRunOnTheNearestSlot) {
  // A 1 s interval has 10 ms slots.
  EXPECT_EQ(on_slot(at_ms(1234.4), milliseconds(1000)), at_ms(1230));
  EXPECT_EQ(on_slot(at_ms(1235.1), milliseconds(1000)), at_ms(1240));
  EXPECT_EQ(on_slot(at_ms(1240), milliseconds(1000)), at_ms(1240));
}

TEST(ProbeSchedule, SlotsAreOnePercentOfTheIntervalBetween1And10Ms) {
  EXPECT_EQ(on_slot(at_ms(1003.6), milliseconds(200)), at_ms(1004));    // 2 ms slots
  EXPECT_EQ(on_slot(at_ms(1003.6), milliseconds(50)), at_ms(1004));     // at least 1 ms
  EXPECT_EQ(on_slot(at_ms(1004.9), milliseconds(60000)), at_ms(1000));  // at most 10 ms
  EXPECT_EQ(on_slot(at_ms(1005.1), milliseconds(60000)), at_ms(1010));
}

}  // namespace
}  // namespace lineup::probes
