// The loop's watch on a started process's exec (runtime/exec_watch.h), with
// real processes: it says "runs" for a program that runs and the exec's
// reason for one that cannot, and io_context::run() ends once both are said.
#include "runtime/exec_watch.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace lineup::runtime {
namespace {

TEST(ExecWatch, SaysWhetherTheProgramRunsAndWhyNot) {
  auto garbage = std::filesystem::temp_directory_path() / ("lineup-exec-watch-" + std::to_string(::getpid()));
  std::ofstream(garbage) << "no interpreter line, no ELF header\n";
  ::chmod(garbage.c_str(), 0755);
  SpawnRequest runs, fails;
  runs.argv = {"/bin/true"};
  fails.argv = {garbage.string()};
  auto first = start(runs);
  auto second = start(fails);
  ASSERT_TRUE(first && second);
  pid_t pids[] = {first->pid, second->pid};
  boost::asio::io_context io;
  std::set<std::string> said;
  auto record = [&said](std::optional<SpawnError> failed) {
    said.insert(failed ? failed->message() : "runs");
  };
  ExecWatch one(io, std::move(*first), record), other(io, std::move(*second), record);
  io.run();  // ends once both have been said: nothing else is waited for
  EXPECT_EQ(said, (std::set<std::string>{"runs", "exec " + garbage.string() + ": Exec format error"}));
  for (pid_t pid : pids) EXPECT_EQ(::waitpid(pid, nullptr, 0), pid);
  std::filesystem::remove(garbage);
}

}  // namespace
}  // namespace lineup::runtime
