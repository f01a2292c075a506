// `schedule:` (lineup's and process-compose's spelling) and its mistakes.
#include <gtest/gtest.h>

#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::check_diag_cases;
using lineup::testing::DiagCase;
using lineup::testing::dump;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

TEST(DecodeSchedule, CronAndInterval) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  backup:
    command: ./backup
    schedule: {cron: "0 2 * * *", timezone: UTC}
  tick:
    command: ./tick
    schedule: {interval: 10m, run_on_start: true}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto& backup = p.config.services[0];
  ASSERT_TRUE(backup.schedule);
  EXPECT_EQ(backup.type, ServiceType::oneshot) << "a schedule makes a oneshot";
  ASSERT_TRUE(backup.schedule->cron);
  EXPECT_EQ(backup.schedule->cron->text(), "0 2 * * *");
  EXPECT_TRUE(backup.schedule->utc);
  const auto& tick = p.config.services[1];
  EXPECT_EQ(tick.schedule->interval, Millis(600'000));
  EXPECT_TRUE(tick.schedule->run_on_start);
}

TEST(DecodeSchedule, Mistakes) {
  const DiagCase cases[] = {
      {"bad cron", "services:\n  a:\n    command: x\n    schedule: {cron: \"0 24 * * *\"}\n", Severity::error,
       4, 22, "schedule.cron: \"0 24 * * *\": field 2 (hour): 24 is out of 0-23"},
      {"both", "services:\n  a:\n    command: x\n    schedule: {cron: \"@daily\", interval: 1m}\n",
       Severity::error, 4, 15, "not both"},
      {"neither", "services:\n  a:\n    command: x\n    schedule: {run_on_start: true}\n", Severity::error, 4,
       15, "needs `cron`"},
      {"too often", "services:\n  a:\n    command: x\n    schedule: {interval: 100ms}\n", Severity::error, 4,
       26, "under 1s"},
      {"a service", "services:\n  a:\n    command: x\n    type: service\n    schedule: {interval: 1m}\n",
       Severity::error, 5, 15, "only a oneshot runs on a schedule"},
      {"time zone", "services:\n  a:\n    command: x\n    schedule: {interval: 1m, timezone: Europe/Paris}\n",
       Severity::error, 4, 40, "lineup knows UTC and Local"},
  };
  check_diag_cases(cases);
}

}  // namespace
}  // namespace lineup::config
