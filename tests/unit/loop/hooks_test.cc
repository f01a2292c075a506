// What an on_state hook hears: the events a state change means, and the JSON
// a webhook receives (the delivery itself is tests/scenarios/state_hooks).
#include "loop/hooks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lineup::loop {
namespace {

using config::HookEvent;
using engine::Phase;
using engine::State;

std::vector<HookEvent> kinds(const std::vector<StateEvent>& events) {
  std::vector<HookEvent> out;
  for (const auto& e : events) out.push_back(e.kind);
  return out;
}

engine::ServiceView view(int attempts, std::string error = {}) {
  engine::ServiceView v;
  v.name = "api";
  v.attempts = attempts;
  v.error = std::move(error);
  return v;
}

TEST(HookEvents, ServiceLifecycle) {
  bool troubled = false;
  auto ready = events_of({0, State::starting, State::ready, ""}, view(1), troubled);
  EXPECT_EQ(kinds(ready), std::vector<HookEvent>{HookEvent::ready});
  EXPECT_TRUE(events_of({0, State::ready, State::backoff, "exit 1"}, view(1, "exit 1"), troubled).empty());
  EXPECT_TRUE(troubled);
  auto restarted = events_of({0, State::waiting, State::starting, "attempt 2"}, view(2, "exit 1"), troubled);
  ASSERT_EQ(kinds(restarted), std::vector<HookEvent>{HookEvent::restarted});
  EXPECT_EQ(restarted[0].reason, "exit 1") << "why it had to restart";
  auto back = events_of({0, State::starting, State::ready, ""}, view(2), troubled);
  EXPECT_EQ(kinds(back), (std::vector<HookEvent>{HookEvent::recovered, HookEvent::ready}));
  EXPECT_FALSE(troubled);
  auto failed = events_of({0, State::starting, State::failed, "not ready after 1m"}, view(3), troubled);
  ASSERT_EQ(kinds(failed), std::vector<HookEvent>{HookEvent::failed});
  EXPECT_EQ(failed[0].service, "api");
  EXPECT_EQ(failed[0].state, "failed");
  EXPECT_EQ(failed[0].reason, "not ready after 1m");
  EXPECT_EQ(kinds(events_of({0, State::backoff, State::blocked, "breaker"}, view(3), troubled)),
            std::vector<HookEvent>{HookEvent::blocked});
  EXPECT_TRUE(events_of({0, State::stopping, State::stopping, "SIGKILL"}, view(3), troubled).empty());
  EXPECT_TRUE(events_of({0, State::pending, State::starting, ""}, view(1), troubled).empty())
      << "a first start is no restart";
}

TEST(HookEvents, StackPhases) {
  EXPECT_EQ(kinds(events_of(Phase::starting, Phase::ready)), std::vector<HookEvent>{HookEvent::ready});
  EXPECT_EQ(kinds(events_of(Phase::ready, Phase::degraded)), std::vector<HookEvent>{HookEvent::degraded});
  EXPECT_EQ(kinds(events_of(Phase::degraded, Phase::ready)), std::vector<HookEvent>{HookEvent::recovered});
  EXPECT_EQ(kinds(events_of(Phase::starting, Phase::failed)), std::vector<HookEvent>{HookEvent::failed});
  EXPECT_TRUE(events_of(Phase::ready, Phase::stopping).empty());
  EXPECT_EQ(events_of(Phase::starting, Phase::degraded)[0].service, "");
}

TEST(HookEvents, WebhookJson) {
  auto j = nlohmann::json::parse(
      hook_json({HookEvent::failed, "api", "failed", "exit 1"}, "shop", 4, "2026-12-06T10:00:00Z"));
  EXPECT_EQ(j["event"], "failed");
  EXPECT_EQ(j["service"], "api");
  EXPECT_EQ(j["stack"], "shop");
  EXPECT_EQ(j["dropped"], 4);
  EXPECT_EQ(j["text"], "lineup: shop: api failed: exit 1");
  auto stack = nlohmann::json::parse(hook_json({HookEvent::degraded, "", "DEGRADED", ""}, "shop", 0, "t"));
  EXPECT_EQ(stack["text"], "lineup: shop is DEGRADED");
}

}  // namespace
}  // namespace lineup::loop
