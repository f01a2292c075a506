// The engine's actions, carried out in the order it gave them, but with at
// most kSpawnsPerTurn spawns per turn of the loop: a startup of 1,000
// services leaves the loop free in between for the API, signals and output.
// What follows a deferred spawn waits with it, so the order holds (a
// service's timers are armed after its process exists).
#pragma once

#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <vector>

#include "engine/engine.h"

namespace lineup::loop {

class ActionQueue {
 public:
  static constexpr int kSpawnsPerTurn = 16;
  // `perform` carries out one action; `resumed` follows a turn that went on
  // with a deferred queue.
  ActionQueue(boost::asio::io_context& io, std::function<void(engine::Action&)> perform,
              std::function<void()> resumed);

  // Queues `actions` and carries out what this turn allows.
  void push(std::vector<engine::Action> actions);
  bool empty() const { return queue_.empty(); }

 private:
  void run();

  boost::asio::io_context& io_;
  std::function<void(engine::Action&)> perform_;
  std::function<void()> resumed_;
  std::deque<engine::Action> queue_;
  bool running_ = false;
  bool resume_posted_ = false;
};

}  // namespace lineup::loop
