// Spawning with real processes: a failure names its step and errno before
// any child runs (a user should never have to decode "exit 127"), and a
// spawned child has its own process group, our pipe as stdout and stderr,
// and a readiness fd at the number it asked for. No sleeps: each test reads
// a pipe to EOF or waits for the child's exit.
#include "runtime/spawn.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

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
