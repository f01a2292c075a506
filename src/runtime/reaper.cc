#include "runtime/reaper.h"

#include <signal.h>
#include <sys/wait.h>

namespace lineup::runtime {

Reaper::Reaper(boost::asio::io_context& io, OnExit unwatched, std::function<void()> after_round)
    : sigchld_(io, SIGCHLD), unwatched_(std::move(unwatched)), after_round_(std::move(after_round)) {
  wait();
}

void Reaper::watch(pid_t pid, std::function<void(int)> on_exit) {
  watched_[pid] = std::move(on_exit);
}

void Reaper::reap() {
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    if (auto it = watched_.find(pid); it != watched_.end()) {
      auto on_exit = std::move(it->second);
      watched_.erase(it);
      on_exit(status);
    } else if (unwatched_) {
      unwatched_(pid, status);
    }
  }
  if (after_round_) after_round_();
}

// SIGCHLD signals are merged: one may stand for many exits, so each wakes a
// whole round of waitpid.
void Reaper::wait() {
  sigchld_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    reap();
    wait();
  });
}

}  // namespace lineup::runtime
