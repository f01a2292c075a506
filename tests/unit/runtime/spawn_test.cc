// Spawning with real processes: a failure names its step and errno before
// any child runs (a user should never have to decode "exit 127"), and a
// spawned child has its own process group, our pipe as stdout and stderr,
// and a readiness fd at the number it asked for. No sleeps: each test reads
// a pipe to EOF or waits for the child's exit.
#include "runtime/spawn.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "util/fd.h"

namespace lineup::runtime {
namespace {

using Stage = SpawnError::Stage;

std::string read_all(Fd& fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

int exit_code(pid_t pid) {
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

SpawnRequest request(std::vector<std::string> argv, std::string working_dir = "") {
  SpawnRequest r;
  r.argv = std::move(argv);
  r.working_dir = std::move(working_dir);
  return r;
}

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("lineup-spawn-test-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(Spawn, FailuresNameTheStepAndTheErrno) {
  TempDir tmp;
  std::string file = (tmp.path / "plain.txt").string();
  std::ofstream(file) << "not a program\n";
  ::chmod(file.c_str(), 0644);
  struct Case {
    const char* name;
    SpawnRequest req;
    Stage stage;
    int err;
    std::string message;
  } cases[] = {
      {"empty argv", request({}), Stage::command, 0, "exec: empty command"},
      {"missing directory", request({"true"}, (tmp.path / "nowhere").string()), Stage::chdir, ENOENT,
       "chdir " + (tmp.path / "nowhere").string() + ": No such file or directory"},
      {"directory is a file", request({"true"}, file), Stage::chdir, ENOTDIR,
       "chdir " + file + ": Not a directory"},
      {"not in PATH", request({"lineup-no-such-program"}), Stage::exec, 0,
       "exec lineup-no-such-program: command not found in PATH"},
      {"not executable", request({file}), Stage::exec, EACCES, "exec " + file + ": Permission denied"},
      {"relative to the working directory", request({"./plain.txt"}, tmp.path.string()), Stage::exec, EACCES,
       "exec ./plain.txt: Permission denied"},
  };
  for (auto& c : cases) {
    auto pid = spawn(c.req);
    ASSERT_FALSE(pid) << c.name;
    EXPECT_EQ(pid.error().stage, c.stage) << c.name;
    EXPECT_EQ(pid.error().err, c.err) << c.name;
    EXPECT_EQ(pid.error().message(), c.message) << c.name;
  }
}

TEST(Spawn, TheChildGetsItsOwnGroupAndOurPipeForBothStreams) {
  auto out = Pipe::open();
  ASSERT_TRUE(out);
  SpawnRequest req;
  req.argv = {"/bin/sh", "-c",
              "echo out; echo err >&2; read -r pid comm state ppid pgrp rest < /proc/$$/stat; echo $pgrp"};
  req.output_fd = out->write.get();
  auto pid = spawn(req);
  ASSERT_TRUE(pid) << pid.error().message();
  out->write.reset();
  std::string text = read_all(out->read);
  EXPECT_EQ(exit_code(*pid), 0);
  EXPECT_EQ(text, "out\nerr\n" + std::to_string(*pid) + "\n");
}

TEST(Spawn, AReadinessFdIsPlacedAtTheNumberAsked) {
  auto ready = Pipe::open();
  ASSERT_TRUE(ready);
  SpawnRequest req;
  req.argv = {"/bin/sh", "-c", "echo ready >&5"};
  req.extra_fds.emplace_back(ready->write.get(), 5);
  auto pid = spawn(req);
  ASSERT_TRUE(pid) << pid.error().message();
  ready->write.reset();
  EXPECT_EQ(read_all(ready->read), "ready\n");
  EXPECT_EQ(exit_code(*pid), 0);
}

// A child copied lineup's whole descriptor table (a pipe per service) and
// exec closed it entry by entry: a spawn's cost grew with the stack. The
// child now keeps a table of a few entries: the kernel's FDSize says how
// large the table it got was. And it shares ours until then, so our own
// 0, 1 and 2 must come out of the spawn untouched.
TEST(Spawn, TheChildGetsASmallTableWithOnlyWhatItIsGiven) {
  // The first spawn reserves the low numbers the child's table is made of,
  // as the supervisor's first spawn does before its stack's pipes exist.
  auto first = spawn_silent({"/bin/true"}, {}, "");
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(exit_code(*first), 0);
  auto out = Pipe::open();
  ASSERT_TRUE(out);
  std::vector<Fd> crowd;  // as a stack of services does; some not close-on-exec, as Asio's sockets
  for (int i = 0; i < 300; ++i)
    crowd.emplace_back(i % 2 ? ::dup(out->read.get()) : ::fcntl(out->read.get(), F_DUPFD_CLOEXEC, 0));
  ASSERT_GE(crowd.back().get(), 300);
  struct stat before[3], after[3];
  for (int fd = 0; fd < 3; ++fd) ASSERT_EQ(::fstat(fd, &before[fd]), 0);
  SpawnRequest req;
  req.argv = {"/bin/sh", "-c", "grep FDSize /proc/$$/status; ls /proc/$$/fd | tr '\\n' ' '"};
  req.output_fd = out->write.get();
  auto pid = spawn(req);
  ASSERT_TRUE(pid) << pid.error().message();
  out->write.reset();
  crowd.clear();  // our copies of the read end: the child never had them
  std::string text = read_all(out->read);
  EXPECT_EQ(exit_code(*pid), 0);
  EXPECT_EQ(text, "FDSize:\t64\n0 1 2 ");
  for (int fd = 0; fd < 3; ++fd) {
    ASSERT_EQ(::fstat(fd, &after[fd]), 0);
    EXPECT_EQ(after[fd].st_ino, before[fd].st_ino) << "fd " << fd;
    EXPECT_EQ(after[fd].st_dev, before[fd].st_dev) << "fd " << fd;
  }
}

// The descriptors are handed over at low numbers, where the ones asked for
// may be: two readiness fds swapping places still reach the right pipes,
// wherever the numbers used for the hand-over are (tried at every pair of
// numbers a shell can redirect to).
TEST(Spawn, ExtraFdsThatCrossEachOtherReachTheirPipes) {
  auto a = Pipe::open(), b = Pipe::open();
  ASSERT_TRUE(a && b);
  std::string expected_a, expected_b;
  for (int fd = 3; fd < 9; ++fd) {
    SpawnRequest req;
    req.argv = {"/bin/sh", "-c", fmt::format("echo a{0} >&{1}; echo b{0} >&{0}", fd, fd + 1)};
    req.extra_fds = {{a->write.get(), fd + 1}, {b->write.get(), fd}};
    auto pid = spawn(req);
    ASSERT_TRUE(pid) << pid.error().message();
    EXPECT_EQ(exit_code(*pid), 0);
    expected_a += fmt::format("a{}\n", fd);
    expected_b += fmt::format("b{}\n", fd);
  }
  a->write.reset();
  b->write.reset();
  EXPECT_EQ(read_all(a->read), expected_a);
  EXPECT_EQ(read_all(b->read), expected_b);
}

// More descriptors than the hand-over has room for: the child then takes a
// copy of the whole table, and still finds each at its number.
TEST(Spawn, MoreExtraFdsThanTheHandOverHoldsStillArrive) {
  auto out = Pipe::open(), extra = Pipe::open();
  ASSERT_TRUE(out && extra);
  SpawnRequest req;
  req.argv = {"/bin/sh", "-c",
              "for n in $(seq 3 14); do test -e /proc/$$/fd/$n || echo \"$n missing\"; done; echo checked"};
  req.output_fd = out->write.get();
  for (int fd = 3; fd <= 14; ++fd) req.extra_fds.emplace_back(extra->write.get(), fd);
  auto pid = spawn(req);
  ASSERT_TRUE(pid) << pid.error().message();
  out->write.reset();
  EXPECT_EQ(read_all(out->read), "checked\n");
  EXPECT_EQ(exit_code(*pid), 0);
}

TEST(Spawn, ASilentCommandRunsInItsDirectory) {
  TempDir tmp;
  auto pid = spawn_silent({"/bin/sh", "-c", "echo noise; test \"$(pwd)\" = \"$DIR\""},
                          std::vector<std::string>{"DIR=" + tmp.path.string(), "PATH=/usr/bin:/bin"},
                          tmp.path.string());
  ASSERT_TRUE(pid) << pid.error().message();
  EXPECT_EQ(exit_code(*pid), 0);
}

// limits.nofile / nproc: set in the child before the program runs, so even
// its first instruction sees them.
TEST(Spawn, ResourceLimitsAreSetBeforeTheProgramRuns) {
  auto out = Pipe::open();
  ASSERT_TRUE(out);
  SpawnRequest req;
  req.argv = {"/bin/sh", "-c", "echo $(ulimit -Sn) $(ulimit -Hn)"};
  req.output_fd = out->write.get();
  req.rlimits.push_back({RLIMIT_NOFILE, 200, 300, "nofile"});
  auto pid = spawn(req);
  ASSERT_TRUE(pid) << pid.error().message();
  out->write.reset();
  EXPECT_EQ(read_all(out->read), "200 300\n");
  EXPECT_EQ(exit_code(*pid), 0);
}

// A limit the kernel refuses fails the spawn with its name, not an exit 127.
TEST(Spawn, ALimitThatCannotBeSetNamesItself) {
  SpawnRequest req;
  req.argv = {"/bin/true"};
  req.rlimits.push_back({RLIMIT_NOFILE, 300, 200, "nofile"});  // soft above hard: EINVAL
  auto pid = spawn(req);
  ASSERT_FALSE(pid);
  EXPECT_EQ(pid.error().stage, SpawnError::Stage::limit);
  EXPECT_EQ(pid.error().message(), "limits.nofile: Invalid argument");
}

}  // namespace
}  // namespace lineup::runtime
