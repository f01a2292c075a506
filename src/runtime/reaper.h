// Collecting the children that exited: one waitpid(-1) loop, for the
// supervisor and for `lineup wait`.
//
// A child is either watched (an exec probe, a stop_command: its own
// callback gets the status) or not (a service's main process, an orphan
// that came to us as subreaper): those go to the one `unwatched` callback,
// which ignores what it does not know. `after_round` runs once every exit
// of a round has been handed on, for decisions that need them all (a group
// that drained while its main process was gone).
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>
#include <unordered_map>

namespace lineup::runtime {

class Reaper {
 public:
  using OnExit = std::function<void(pid_t pid, int status)>;
  Reaper(boost::asio::io_context& io, OnExit unwatched, std::function<void()> after_round = {});
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  // `on_exit(status)` once `pid` has exited and been reaped.
  void watch(pid_t pid, std::function<void(int status)> on_exit);
  // Collects every child that has exited by now, without waiting for SIGCHLD.
  void reap();

 private:
  void wait();
  boost::asio::signal_set sigchld_;
  OnExit unwatched_;
  std::function<void()> after_round_;
  std::unordered_map<pid_t, std::function<void(int)>> watched_;
};

}  // namespace lineup::runtime
