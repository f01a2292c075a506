// One table per enum, read both ways: every value has a name, every name
// lineup prints reads back as the same value, and the aliases read as their
// value without ever being printed.
#include "util/names.h"

#include <gtest/gtest.h>

#include "config/spec.h"
#include "engine/engine.h"

namespace lineup {
namespace {

template <class E, std::size_t N>
void round_trips(const Named<E> (&table)[N], int values) {
  for (int i = 0; i < values; ++i) {
    auto v = static_cast<E>(i);
    std::string_view name = name_in(table, v);
    EXPECT_NE(name, "?") << "value " << i << " has no name";
    EXPECT_EQ(value_in(table, name), v) << name;
  }
}

TEST(Names, EveryValueHasANameThatReadsBack) {
  round_trips(config::kServiceTypeNames, 2);
  round_trips(config::kPriorityNames, 4);
  round_trips(config::kConditionNames, 3);
  round_trips(config::kRestartPolicyNames, 4);
}

TEST(Names, AliasesReadAsTheirValueAndAreNeverShown) {
  using config::Condition;
  using config::RestartPolicy;
  EXPECT_EQ(value_in(config::kConditionNames, "service_healthy"), Condition::ready);
  EXPECT_EQ(value_in(config::kConditionNames, "process_completed_successfully"), Condition::completed);
  EXPECT_EQ(value_in(config::kRestartPolicyNames, "on_failure"), RestartPolicy::on_failure);
  EXPECT_EQ(value_in(config::kServiceTypeNames, "process"), config::ServiceType::service);
  EXPECT_EQ(config::name_of(Condition::ready), "ready");
  EXPECT_EQ(config::name_of(RestartPolicy::on_failure), "on-failure");
  EXPECT_EQ(value_in(config::kConditionNames, "Ready"), std::nullopt);  // exact words only
}

TEST(Names, ChoicesListTheShownNamesOnly) {
  EXPECT_EQ(choices_in(config::kConditionNames), "started, ready, completed or exited");
  EXPECT_EQ(choices_in(config::kRestartPolicyNames), "no, on-failure, always or unless-stopped");
  EXPECT_EQ(choices_in(config::kServiceTypeNames), "service, oneshot or forking");
  EXPECT_EQ(choices_in(config::kPriorityNames), "critical, high, medium or low");
}

TEST(Names, EngineNamesAreComplete) {
  for (int i = 0; i <= static_cast<int>(engine::State::skipped); ++i)
    EXPECT_NE(engine::name_of(static_cast<engine::State>(i)), "?") << i;
  for (int i = 0; i <= static_cast<int>(engine::Phase::stopped); ++i)
    EXPECT_NE(engine::name_of(static_cast<engine::Phase>(i)), "?") << i;
}

}  // namespace
}  // namespace lineup
