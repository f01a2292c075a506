// The one waitpid loop: a watched child's status goes to its own callback,
// any other child's to the `unwatched` one, and each round ends with
// `after_round`. Real children; the loop runs until the last one is seen.
#include "runtime/reaper.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>

namespace lineup::runtime {
namespace {

pid_t child_exiting_with(int code) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(code);
  return pid;
}

// A generous guard: the test fails instead of hanging if a SIGCHLD is lost.
void run_until_every_exit_is_reported(boost::asio::io_context& io) {
  boost::asio::steady_timer guard(io, std::chrono::seconds(60));
  bool expired = false;
  guard.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    expired = true;
    io.stop();
  });
  io.run();
  EXPECT_FALSE(expired) << "the reaper never reported every child";
}

TEST(Reaper, WatchedAndUnwatchedChildrenEachGoWhereTheyBelong) {
  boost::asio::io_context io;
  std::map<pid_t, int> unwatched;
  int rounds = 0, watched_status = -1;
  int seen = 0;
  auto done = [&] {
    if (++seen == 3) io.stop();
  };
  Reaper reaper(
      io,
      [&](pid_t pid, int status) {
        unwatched[pid] = WEXITSTATUS(status);
        done();
      },
      [&] { ++rounds; });
  pid_t a = child_exiting_with(3);
  pid_t b = child_exiting_with(4);
  pid_t w = child_exiting_with(7);
  reaper.watch(w, [&](int status) {
    watched_status = WEXITSTATUS(status);
    done();
  });
  run_until_every_exit_is_reported(io);
  EXPECT_EQ(watched_status, 7);
  EXPECT_EQ(unwatched, (std::map<pid_t, int>{{a, 3}, {b, 4}}));
  EXPECT_GE(rounds, 1);
}

TEST(Reaper, ReapNowCollectsWithoutWaitingForTheSignal) {
  boost::asio::io_context io;
  int status = -1;
  Reaper reaper(io, nullptr);
  pid_t pid = child_exiting_with(5);
  reaper.watch(pid, [&](int s) { status = WEXITSTATUS(s); });
  // The child is gone once waitid sees it exited (WNOWAIT leaves it to the reaper).
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
  reaper.reap();
  EXPECT_EQ(status, 5);
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1) << "reaped once, by the reaper";
}

TEST(Reaper, AChildKilledBySignalReportsTheSignal) {
  boost::asio::io_context io;
  int sig = 0;
  Reaper reaper(io, nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::pause();
    ::_exit(0);
  }
  reaper.watch(pid, [&](int s) {
    sig = WIFSIGNALED(s) ? WTERMSIG(s) : 0;
    io.stop();
  });
  ::kill(pid, SIGTERM);
  run_until_every_exit_is_reported(io);
  EXPECT_EQ(sig, SIGTERM);
}

}  // namespace
}  // namespace lineup::runtime
