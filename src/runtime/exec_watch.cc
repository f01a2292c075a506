#include "runtime/exec_watch.h"

#include <boost/asio/post.hpp>

namespace lineup::runtime {

namespace asio = boost::asio;

namespace {
// One settle_starts() per round of starts, after the last of them: it waits
// for children that have not been scheduled yet, so not once per start.
bool settle_posted = false;
}  // namespace

ExecWatch::ExecWatch(asio::io_context& io, Started started, Done done)
    : started_(std::move(started)), pipe_(io), done_(std::move(done)) {
  pipe_.assign(started_.exec.get());  // still Started's to close: released below
  if (!settle_posted) {
    settle_posted = true;
    asio::post(io, [] {
      settle_posted = false;
      settle_starts();
    });
  }
  wait();
}

ExecWatch::~ExecWatch() {
  if (pipe_.is_open()) pipe_.release();
}

void ExecWatch::wait() {
  pipe_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (!ec) check();
  });
}

void ExecWatch::check(bool past_exec) {
  if (!done_) return;
  auto outcome = exec_outcome(started_, past_exec);
  if (outcome && !*outcome) return;  // not in yet: the wait goes on
  auto done = std::move(done_);
  done_ = nullptr;
  pipe_.cancel();
  // The owner may destroy this watch in done(): nothing of it is touched after.
  done(outcome ? std::nullopt : std::optional<SpawnError>(outcome.error()));
}

}  // namespace lineup::runtime
