// The process tree `down` kills when the supervisor does not answer.
#include "runtime/process_tree.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace lineup::runtime {
namespace {

TEST(LiveDescendants, ParentsBeforeChildrenZombiesAndStrangersLeftOut) {
  std::vector<ProcessEntry> table = {
      {10, 1, false, false},   // the root
      {11, 10, false, false},  // a service
      {12, 11, false, false},  // its child
      {13, 10, true, false},   // a dead service, not reaped yet
      {14, 13, false, false},  // whose child lives on
      {20, 1, false, false},   // someone else's
  };
  auto got = live_descendants(table, {10});
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<pid_t>{11, 12, 14}));
  auto order = live_descendants(table, {10});
  EXPECT_LT(std::find(order.begin(), order.end(), 11) - order.begin(),
            std::find(order.begin(), order.end(), 12) - order.begin());
  EXPECT_TRUE(live_descendants(table, {12}).empty());
}

TEST(ProcessTable, SeesAChildStoppedAndThenAZombie) {
  pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  ::kill(child, SIGSTOP);
  ::waitpid(child, nullptr, WUNTRACED);  // returns once it is stopped
  auto entry = process_entry(child);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->ppid, ::getpid());
  EXPECT_TRUE(entry->stopped);
  auto mine = live_descendants(process_table(), {::getpid()});
  EXPECT_NE(std::find(mine.begin(), mine.end(), child), mine.end());
  ::kill(child, SIGKILL);
  siginfo_t info;
  ::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT);  // dead, not reaped
  entry = process_entry(child);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(entry->zombie);
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(process_entry(child));
}

}  // namespace
}  // namespace lineup::runtime
