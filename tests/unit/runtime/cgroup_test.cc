// The stop signal reaches each process of a service once: the group's
// members get it from kill(-group), so the cgroup pass signals only the
// processes outside the group (a setsid() escapee). A second copy made a
// shell's TERM trap run twice ("stopper a, a, b"). Real processes in a real
// cgroup; skipped where cgroup v2 cannot be delegated to lineup.
#include "runtime/cgroup.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "runtime/spawn.h"

namespace lineup::runtime {
namespace {

// A process that lives until it is signalled; its default actions stay, so
// the first fatal signal it is sent is the one waitpid reports.
pid_t sleeper_in(int cgroup_fd) {
  SpawnRequest req;
  req.argv = {"sleep", "600"};
  req.cgroup_fd = cgroup_fd;
  auto pid = spawn(req);
  EXPECT_TRUE(pid) << (pid ? "" : pid.error().message());
  return pid ? *pid : -1;
}

// The signal that ended `pid` (0: it was not killed), reaped; the pid is
// forgotten so the guard below does not signal it again.
int killed_by(pid_t& pid) {
  int status = 0;
  pid_t waited = ::waitpid(pid, &status, 0);
  pid = 0;
  return waited > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

// What an assertion left running is killed and reaped: no test leaves a process.
struct KillLeftovers {
  pid_t* pids[2];
  ~KillLeftovers() {
    for (pid_t* p : pids)
      if (*p > 0) {
        ::kill(*p, SIGKILL);
        ::waitpid(*p, nullptr, 0);
      }
  }
};

// A stack's cgroup of its own for each test, swept and removed after it.
class CgroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lineup-cgroup-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    stack_ = Cgroups::stack_dir(dir_.string(), true);
    if (!stack_) GTEST_SKIP() << "cgroup v2 is not delegated to this user here";
  }
  void TearDown() override {
    if (stack_) {
      EXPECT_TRUE(Cgroups::sweep_stale(dir_.string()));  // removes the test's cgroups
    }
    std::filesystem::remove_all(dir_);
  }
  // Two sleepers in the first attempt cgroup of service `svc`, each in its
  // own process group (spawn makes one per child).
  void two_sleepers(Cgroups& cgroups, pid_t& a, pid_t& b) {
    int fd = cgroups.attempt_fd("svc");
    ASSERT_GE(fd, 0);
    a = sleeper_in(fd);
    b = sleeper_in(fd);
    ASSERT_GT(a, 0);
    ASSERT_GT(b, 0);
  }
  std::filesystem::path dir_;
  std::optional<std::string> stack_;
};

TEST_F(CgroupsTest, TheCgroupPassSignalsOnlyProcessesOutsideTheGroup) {
  {
    Cgroups cgroups(stack_);
    // `group` stands for the attempt's group, `outside` for a process that left it.
    pid_t group = 0, outside = 0;
    KillLeftovers guard{{&group, &outside}};
    ASSERT_NO_FATAL_FAILURE(two_sleepers(cgroups, group, outside));

    cgroups.signal_outside_group("svc", group, SIGUSR1);
    EXPECT_EQ(killed_by(outside), SIGUSR1);
    // A fatal signal is recorded when it is sent: had the group's member
    // been sent SIGUSR1 too, waitpid would report it rather than SIGTERM.
    ::kill(group, SIGTERM);
    EXPECT_EQ(killed_by(group), SIGTERM);
  }
}

// An attempt's cgroup goes as soon as its processes are gone (not with the
// whole stack at exit), and stays while one is left.
TEST_F(CgroupsTest, AnAttemptsCgroupIsRemovedOnceEmptyAndKeptWhileAProcessIsLeft) {
  {
    Cgroups cgroups(stack_);
    pid_t first = 0, second = 0;
    KillLeftovers guard{{&first, &second}};
    ASSERT_NO_FATAL_FAILURE(two_sleepers(cgroups, first, second));
    std::string attempt = *stack_ + "/svc-svc.1";

    ::kill(first, SIGTERM);
    EXPECT_EQ(killed_by(first), SIGTERM);
    EXPECT_FALSE(cgroups.release_if_empty("svc"));  // `second` is still in it
    EXPECT_TRUE(std::filesystem::exists(attempt));

    ::kill(second, SIGTERM);
    EXPECT_EQ(killed_by(second), SIGTERM);
    EXPECT_TRUE(cgroups.release_if_empty("svc"));
    EXPECT_FALSE(std::filesystem::exists(attempt));
    EXPECT_TRUE(cgroups.release_if_empty("svc"));  // asked again: nothing is there
  }
}

}  // namespace
}  // namespace lineup::runtime
