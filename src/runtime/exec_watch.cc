#include "runtime/exec_watch.h"

#include <boost/asio/post.hpp>

namespace lineup::runtime {

namespace asio = boost::asio;

ExecWatch::ExecWatch(asio::io_context& io, Started started, Done done)
    : started_(std::move(started)), pipe_(io), done_(std::move(done)) {
  pipe_.assign(started_.exec.get());  // still Started's to close: released below
  // After this turn's other starts: the first of these waits for the
  // children not scheduled yet, the others find nothing left to do.
  asio::post(io, [] { settle_starts(); });
  wait();
}

ExecWatch::~ExecWatch() {
  if (pipe_.is_open()) pipe_.release();
}

void ExecWatch::wait() {
  pipe_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (!ec && !check()) wait();  // a wake-up with nothing to read: the watch is still there
  });
}

bool ExecWatch::check(bool past_exec) {
  if (!done_) return true;
  auto outcome = exec_outcome(started_, past_exec);
  if (outcome && !*outcome) return false;  // not in yet
  auto done = std::move(done_);
  done_ = nullptr;
  pipe_.cancel();
  // The owner may destroy this watch in done(): nothing of it is touched after.
  done(outcome ? std::nullopt : std::optional<SpawnError>(outcome.error()));
  return true;
}

}  // namespace lineup::runtime
