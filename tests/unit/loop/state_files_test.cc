// state.json's pace: a write that takes long spaces the next ones, so that a
// stack of thousands of services does not spend its start rewriting it.
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

}  // namespace
}  // namespace lineup::loop
