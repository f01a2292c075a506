// What asks the stack to stop from outside the API: signals, and the state
// directory disappearing.
//
// SIGINT, SIGTERM and SIGHUP stop gracefully, a second one (Ctrl-C twice)
// in an emergency; but a detached stack has no terminal to hang up, so
// there SIGHUP asks for a reload (on_hangup), as it does of most daemons;
// SIGUSR2 (the guardian is gone, or `down --emergency`)
// and SIGQUIT at once in an emergency. `.lineup/` removed or replaced under
// a running stack: `ps`, `down` and the next `up` all find the stack
// through it, so nothing could see or stop it any more; it stops as if by
// `down`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>
#include <memory>
#include <string>

#include "runtime/safe_dir.h"
#include "runtime/state_dir.h"

namespace lineup::loop {

class StopRequests {
 public:
  // `why`: the line to show (empty: nothing to say).
  using OnStop = std::function<void(bool emergency, const std::string& why)>;
  // With on_hangup, SIGHUP calls it instead of stopping.
  StopRequests(boost::asio::io_context& io, OnStop on_stop, std::function<void()> on_hangup = {});
  ~StopRequests();

  // Watches `dir` (`shown` is how it is named to the user); an error says
  // why removing it will not stop the stack.
  Result<Ok> watch_state_dir(const std::string& project_dir, const runtime::SafeDir& dir,
                             const std::string& shown);
  void stop_watching() { dir_watch_.reset(); }
  // The first SIGINT, SIGTERM or SIGHUP, if one came: `up` exits 128 + it.
  int signal_seen() const { return signal_seen_; }

 private:
  void wait();
  boost::asio::io_context& io_;
  boost::asio::signal_set signals_;
  OnStop on_stop_;
  std::function<void()> on_hangup_;
  int signal_seen_ = 0;
  std::unique_ptr<runtime::StateDirWatch> dir_watch_;
};

}  // namespace lineup::loop
