// The engine's actions in order, at most kSpawnsPerTurn spawns per turn of
// the loop, and what follows a deferred spawn waits with it.
#include "loop/action_queue.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace lineup::loop {
namespace {

using engine::Action;

std::vector<Action> spawns_then_timer(int n) {
  std::vector<Action> out;
  for (int i = 0; i < n; ++i) out.push_back(engine::Spawn{i, 1});
  out.push_back(engine::ArmTimer{0, engine::Timer::startup, Millis(1), 1});
  return out;
}

TEST(ActionQueue, SpawnsAreSpreadOverTurnsInOrder) {
  boost::asio::io_context io;
  std::vector<std::string> done;
  int resumed = 0;
  ActionQueue q(
      io,
      [&](Action& a) {
        if (auto* s = std::get_if<engine::Spawn>(&a))
          done.push_back("spawn " + std::to_string(s->id));
        else
          done.push_back("timer");
      },
      [&] { ++resumed; });
  q.push(spawns_then_timer(40));
  EXPECT_EQ(done.size(), size_t(ActionQueue::kSpawnsPerTurn)) << "the first turn stops after 16 spawns";
  EXPECT_FALSE(q.empty());
  io.poll_one();
  EXPECT_EQ(done.size(), size_t(2 * ActionQueue::kSpawnsPerTurn));
  EXPECT_EQ(resumed, 1);
  io.poll();
  ASSERT_EQ(done.size(), 41u);
  EXPECT_TRUE(q.empty());
  for (int i = 0; i < 40; ++i) EXPECT_EQ(done[size_t(i)], "spawn " + std::to_string(i));
  EXPECT_EQ(done.back(), "timer") << "the timer is armed after its spawn";
}

TEST(ActionQueue, ActionsPushedWhileDeferredWaitTheirTurn) {
  boost::asio::io_context io;
  std::vector<int> order;
  ActionQueue q(
      io, [&](Action& a) { order.push_back(std::holds_alternative<engine::Spawn>(a) ? 0 : 1); }, [] {});
  q.push(spawns_then_timer(20));
  q.push({engine::PhaseChanged{engine::Phase::ready}});  // queued behind the deferred spawns
  EXPECT_EQ(order.size(), size_t(ActionQueue::kSpawnsPerTurn));
  io.poll();
  ASSERT_EQ(order.size(), 22u);
  EXPECT_EQ(order[20], 1);
  EXPECT_EQ(order[21], 1);
}

TEST(ActionQueue, AnActionThatPushesMoreDoesNotRunThemOutOfOrder) {
  boost::asio::io_context io;
  std::vector<int> order;
  ActionQueue* self = nullptr;
  ActionQueue q(
      io,
      [&](Action& a) {
        auto& n = std::get<engine::Notice>(a);
        order.push_back(n.id);
        if (n.id == 0) self->push({engine::Notice{2, engine::State::stopped, engine::State::ready, ""}});
      },
      [] {});
  self = &q;
  q.push({engine::Notice{0, engine::State::stopped, engine::State::ready, ""},
          engine::Notice{1, engine::State::stopped, engine::State::ready, ""}});
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

}  // namespace
}  // namespace lineup::loop
