#include "loop/action_queue.h"

#include <boost/asio/post.hpp>

namespace lineup::loop {

ActionQueue::ActionQueue(boost::asio::io_context& io, std::function<void(engine::Action&)> perform,
                         std::function<void()> resumed)
    : io_(io), perform_(std::move(perform)), resumed_(std::move(resumed)) {}

void ActionQueue::push(std::vector<engine::Action> actions) {
  for (auto& a : actions) queue_.push_back(std::move(a));
  run();
}

void ActionQueue::run() {
  // A call below us (an action that fed an event) goes on with the queue; a posted turn will.
  if (running_ || resume_posted_) return;
  running_ = true;
  int spawned = 0;
  while (!queue_.empty()) {
    if (std::holds_alternative<engine::Spawn>(queue_.front()) && spawned++ == kSpawnsPerTurn) {
      resume_posted_ = true;
      boost::asio::post(io_, [this] {
        resume_posted_ = false;
        run();
        resumed_();
      });
      break;
    }
    engine::Action a = std::move(queue_.front());
    queue_.pop_front();
    perform_(a);
  }
  running_ = false;
}

}  // namespace lineup::loop
