// state.json's pace: a write that takes long spaces the next ones, so that a
// stack of thousands of services does not spend its start rewriting it; and
// the last write at the end is skipped when nothing changed since the one
// before (a stop of 1,000 services rendered it twice in a row).
#include "loop/state_files.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lineup::loop {
namespace {

using namespace std::chrono_literals;

TEST(StateFiles, ASlowWriteSpacesTheNextOnes) {
  auto dir = std::filesystem::temp_directory_path() / ("lineup-state-files-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  boost::asio::io_context io;
  std::chrono::nanoseconds render = 0ns;  // how long the fake render takes
  StateFiles files(io, [&] {
    auto end = std::chrono::steady_clock::now() + render;
    while (std::chrono::steady_clock::now() < end) {
    }
    return std::string("{}");
  });
  ASSERT_TRUE(files.open(dir.string()));
  EXPECT_EQ(files.delay(), 50ms) << "nothing written yet";
  files.write_state();
  EXPECT_LT(files.delay(), 1s) << "a quick write keeps the 50 ms (or a little more on a loaded machine)";
  render = 20ms;
  files.write_state();
  EXPECT_GE(files.delay(), 400ms) << "20 times the last write";
  std::ifstream in(dir / "state.json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "{}");
  std::filesystem::remove_all(dir);
}

TEST(StateFiles, TheLastWriteOnlyWhenSomethingChanged) {
  auto dir = std::filesystem::temp_directory_path() / ("lineup-state-flush-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  boost::asio::io_context io;
  int renders = 0;
  StateFiles files(io, [&] {
    ++renders;
    return std::string("{}");
  });
  ASSERT_TRUE(files.open(dir.string()));
  files.flush();
  EXPECT_EQ(renders, 1) << "never written: the first flush writes";
  files.flush();
  EXPECT_EQ(renders, 1) << "nothing changed since";
  files.mark_stale();
  files.flush();
  EXPECT_EQ(renders, 2);
  files.changed();
  files.flush();
  EXPECT_EQ(renders, 3) << "a change waiting for its timer is written now";
  files.write_state();
  EXPECT_EQ(renders, 4) << "an explicit write always writes";
  files.flush();
  EXPECT_EQ(renders, 4);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lineup::loop
