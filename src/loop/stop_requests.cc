#include "loop/stop_requests.h"

#include <signal.h>

#include <fmt/format.h>

namespace lineup::loop {

StopRequests::StopRequests(boost::asio::io_context& io, OnStop on_stop, std::function<void()> on_hangup)
    : io_(io),
      signals_(io, SIGINT, SIGTERM, SIGHUP),
      on_stop_(std::move(on_stop)),
      on_hangup_(std::move(on_hangup)) {
  signals_.add(SIGUSR2);
  signals_.add(SIGQUIT);
  wait();
}

StopRequests::~StopRequests() = default;

void StopRequests::wait() {
  signals_.async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP && on_hangup_) {
      on_hangup_();
    } else if (sig == SIGUSR2 || sig == SIGQUIT) {
      on_stop_(true, "");
    } else {
      bool second = signal_seen_ != 0;
      if (!second) signal_seen_ = sig;
      on_stop_(second, second ? "second signal: emergency stop (SIGKILL to every service)"
                              : "stopping (press Ctrl-C again for an emergency stop)");
    }
    wait();
  });
}

Result<Ok> StopRequests::watch_state_dir(const std::string& project_dir, const runtime::SafeDir& dir,
                                         const std::string& shown) {
  auto watch = runtime::StateDirWatch::start(io_, project_dir, dir, [this, shown] {
    on_stop_(false, fmt::format("{} was removed: stopping the stack (without it nothing can see or stop it)",
                                shown));
  });
  if (!watch) return unexpected(watch.error() + " (removing it will not stop the stack)");
  dir_watch_ = std::move(*watch);
  return Ok{};
}

}  // namespace lineup::loop
