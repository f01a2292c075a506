// What a reload compares: the process definition (restart) against the rest
// (in place), through the whole loading pipeline, as a user edits a file.
#include "config/changes.h"

#include <gtest/gtest.h>

#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::load_yaml;
using lineup::testing::TempProject;
using Fields = std::vector<std::string>;

ServiceDiff diff_of(std::string_view before, std::string_view after, const std::string& service,
                    const Variables& vars_after = {}) {
  TempProject a, b;
  auto old_p = load_yaml(a, before);
  auto new_p = load_yaml(b, after, vars_after);
  EXPECT_FALSE(old_p.diags.has_errors());
  EXPECT_FALSE(new_p.diags.has_errors());
  // Both read from the same directory name would compare working_dir equal; these differ, so align them.
  new_p.config.project_dir = old_p.config.project_dir;
  for (auto& s : new_p.config.services) s.working_dir = old_p.config.services.front().working_dir;
  auto diffs = diff_services(old_p.config, new_p.config);
  return diffs[service];
}

constexpr std::string_view kBase = R"(services:
  db:
    command: postgres
    environment: {PGPORT: "5432", DB_PASSWORD: old}
    ready: [{tcp: "127.0.0.1:5432"}]
)";

TEST(ConfigChanges, UnchangedIsEmpty) {
  EXPECT_TRUE(diff_of(kBase, kBase, "db").empty());
}

TEST(ConfigChanges, CommandIsAProcessField) {
  auto d = diff_of(kBase,
                   R"(services:
  db:
    command: postgres -c fsync=off
    environment: {PGPORT: "5432", DB_PASSWORD: old}
    ready: [{tcp: "127.0.0.1:5432"}]
)",
                   "db");
  EXPECT_EQ(d.restart, Fields{"command"});
  EXPECT_TRUE(d.in_place.empty());
}

// A secret's new value is a change, though `lineup config` shows both as ***.
TEST(ConfigChanges, SecretValueChangeIsSeen) {
  auto d = diff_of(kBase,
                   R"(services:
  db:
    command: postgres
    environment: {PGPORT: "5432", DB_PASSWORD: new}
    ready: [{tcp: "127.0.0.1:5432"}]
)",
                   "db");
  EXPECT_EQ(d.restart, Fields{"environment"});
}

TEST(ConfigChanges, StackEnvironmentCountsForEveryService) {
  auto d = diff_of(std::string("environment: {TZ: UTC}\n") + std::string(kBase),
                   std::string("environment: {TZ: Europe/Paris}\n") + std::string(kBase), "db");
  EXPECT_EQ(d.restart, Fields{"environment"});
}

// Interpolated values are compared as resolved: the same text, another variable value.
TEST(ConfigChanges, InterpolatedValueIsCompared) {
  std::string_view file = "services:\n  api:\n    command: ./api --port ${PORT:-8000}\n";
  Variables port;
  port.set("PORT", "9000");
  EXPECT_EQ(diff_of(file, file, "api", port).restart, Fields{"command"});
}

TEST(ConfigChanges, ProbesPolicyAndPriorityApplyInPlace) {
  auto d = diff_of(kBase,
                   R"(services:
  db:
    command: postgres
    environment: {PGPORT: "5432", DB_PASSWORD: old}
    ready: [{tcp: "127.0.0.1:5433"}]
    priority: high
    restart: always
    stop_grace_period: 30s
)",
                   "db");
  EXPECT_TRUE(d.restart.empty());
  EXPECT_EQ(d.in_place, (Fields{"priority", "ready", "restart", "stop_grace_period"}));
}

TEST(ConfigChanges, PlanHintsAreNoChange) {
  auto d = diff_of(kBase, std::string(kBase) + "    expected_startup: 5s\n", "db");
  EXPECT_TRUE(d.empty());
}

TEST(ConfigChanges, Describe) {
  EXPECT_EQ(describe({"command"}), "command changed");
  EXPECT_EQ(describe({"command", "environment"}), "command and environment changed");
  EXPECT_EQ(describe({"ready", "live", "priority"}), "ready, live and priority changed");
}

}  // namespace
}  // namespace lineup::config
