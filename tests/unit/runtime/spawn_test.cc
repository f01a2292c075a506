// Spawning with real processes: a failure names its step and errno before
// any child runs (a user should never have to decode "exit 127"), and a
// spawned child has its own process group, our pipe as stdout and stderr,
// and a readiness fd at the number it asked for. No sleeps: each test reads
// a pipe to EOF or waits for the child's exit.
#include "runtime/spawn.h"

#include <poll.h>
#include <signal.h>
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
  std::string garbage = (tmp.path / "garbage").string();  // executable, but no program: the exec says so
  std::ofstream(garbage) << "no interpreter line, no ELF header\n";
  ::chmod(garbage.c_str(), 0755);
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
      {"not a program", request({garbage}), Stage::exec, ENOEXEC, "exec " + garbage + ": Exec format error"},
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

// start() does not wait for the exec: what the exec says comes through
// Started::exec, readable once the program runs (end of file) or cannot.
Result<bool, SpawnError> outcome_when_readable(const Started& s) {
  struct pollfd ready {
    s.exec.get(), POLLIN, 0
  };
  EXPECT_EQ(::poll(&ready, 1, 60'000), 1);
  return exec_outcome(s, /*past_exec=*/false);
}

// What start() makes of a request whose program cannot run: the failure's
// message, read from the pipe; the child has exited with 127.
std::string exec_failure(const SpawnRequest& r) {
  auto started = start(r);
  if (!started) return "start() itself failed: " + started.error().message();
  settle_starts();
  auto outcome = outcome_when_readable(*started);
  EXPECT_EQ(exit_code(started->pid), outcome ? 0 : 127);
  return outcome ? "it ran" : outcome.error().message();
}

TEST(Start, AnExecFailureComesThroughThePipe) {
  TempDir tmp;
  std::string garbage = (tmp.path / "garbage").string();
  std::ofstream(garbage) << "no interpreter line, no ELF header\n";
  ::chmod(garbage.c_str(), 0755);
  EXPECT_EQ(exec_failure(request({garbage})), "exec " + garbage + ": Exec format error");

  SpawnRequest limited = request({"/bin/true"});
  limited.rlimits.push_back({RLIMIT_NPROC, 300, 200, "nproc"});  // soft above hard: EINVAL
  EXPECT_EQ(exec_failure(limited), "limits.nproc: Invalid argument");
}

// A directory that passed the check before the clone but cannot be entered
// by the child is named as the directory, not as the program. Here it is
// one of lineup's descriptors, above those a child keeps.
TEST(Start, AWorkingDirectoryRefusedInTheChildNamesItself) {
  Fd tmp(::open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(tmp);
  Fd high(::fcntl(tmp.get(), F_DUPFD_CLOEXEC, 200));
  ASSERT_GE(high.get(), 200);
  std::string dir = fmt::format("/proc/self/fd/{}", high.get());
  EXPECT_EQ(exec_failure(request({"/bin/true"}, dir)), "chdir " + dir + ": No such file or directory");
}

// Once the process has exited (the loop reaped it), the outcome is in without
// waiting on the pipe: the exit closed it, or the report is there.
TEST(Start, TheOutcomeIsInOnceTheProcessHasExited) {
  auto runs = start(request({"/bin/true"}));
  ASSERT_TRUE(runs) << runs.error().message();
  auto readonly = Pipe::open();
  ASSERT_TRUE(readonly);
  SpawnRequest req = request({"/bin/true"});
  req.join_cgroups.emplace_back(readonly->read.get(), "memory");  // not writable: joining fails in the child
  auto fails = start(req);
  ASSERT_TRUE(fails) << fails.error().message();
  EXPECT_EQ(exit_code(runs->pid), 0);
  EXPECT_EQ(exit_code(fails->pid), 127);
  auto outcome = exec_outcome(*runs, /*past_exec=*/true);
  ASSERT_TRUE(outcome) << outcome.error().message();
  EXPECT_TRUE(*outcome);
  outcome = exec_outcome(*fails, /*past_exec=*/true);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().message(), "joining its memory cgroup: Bad file descriptor");
}

// Children in flight at once, more than there are slot sets to hand their
// descriptors over: each gets its own pipes, and each pipe ends (no slot
// keeps a write end open once its child has a table of its own).
TEST(Start, ManyChildrenInFlightEachGetTheirOwnPipes) {
  constexpr int kChildren = 40;
  std::vector<Pipe> outputs, readiness;
  std::vector<Started> started;
  for (int i = 0; i < kChildren; ++i) {
    auto out = Pipe::open();
    auto ready = Pipe::open();
    ASSERT_TRUE(out && ready);
    SpawnRequest req;
    req.argv = {"/bin/sh", "-c", fmt::format("echo out{0}; echo ready{0} >&3", i)};
    req.output_fd = out->write.get();
    req.extra_fds.emplace_back(ready->write.get(), 3);
    auto one = start(req);
    ASSERT_TRUE(one) << one.error().message();
    out->write.reset();
    ready->write.reset();
    outputs.push_back(std::move(*out));
    readiness.push_back(std::move(*ready));
    started.push_back(std::move(*one));
  }
  settle_starts();
  for (int i = 0; i < kChildren; ++i) {
    auto at = static_cast<size_t>(i);
    EXPECT_EQ(read_all(outputs[at].read), fmt::format("out{}\n", i));
    EXPECT_EQ(read_all(readiness[at].read), fmt::format("ready{}\n", i));
    auto outcome = outcome_when_readable(started[at]);
    ASSERT_TRUE(outcome) << outcome.error().message();
    EXPECT_TRUE(*outcome);
    EXPECT_EQ(exit_code(started[at].pid), 0);
  }
}

// The end of a child's pipe can wait: a child cloned meanwhile holds a copy
// of it until it drops its slots. Once the child has exited, no report in
// the pipe means that its program ran. Here a process forked by the test
// holds the copy.
TEST(Start, AnExitedChildsOutcomeNeedsNoEndOfItsPipe) {
  auto started = start(request({"/bin/true"}));
  ASSERT_TRUE(started) << started.error().message();
  auto hold = Pipe::open();
  ASSERT_TRUE(hold);
  pid_t holder = ::fork();  // a copy of every descriptor, the child's slots included
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    char c;
    [[maybe_unused]] auto n = ::read(hold->read.get(), &c, 1);
    ::_exit(0);
  }
  EXPECT_EQ(exit_code(started->pid), 0);
  auto unknown = exec_outcome(*started, /*past_exec=*/false);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);  // no end of file yet: the holder has the write end
  auto outcome = exec_outcome(*started, /*past_exec=*/true);
  ASSERT_TRUE(outcome) << outcome.error().message();
  EXPECT_TRUE(*outcome);
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
}

}  // namespace
}  // namespace lineup::runtime
