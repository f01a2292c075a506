// state.json, lineup.pid and last-run.json are read by other lineup
// commands, the API and users' scripts while the supervisor rewrites them:
// a reader must find the old file or the new one, whole, never a part, and
// nothing written may follow a symlink someone planted.
#include "runtime/safe_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace lineup::runtime {
namespace {

namespace fs = std::filesystem;

struct StateDirFixture : ::testing::Test {
  fs::path root = fs::temp_directory_path() / ("lineup-safe-dir-" + std::to_string(::getpid()));
  void SetUp() override {
    fs::remove_all(root);
    auto d = SafeDir::open(root.string(), true);
    ASSERT_TRUE(d) << d.error();
    dir = std::move(*d);
  }
  void TearDown() override { fs::remove_all(root); }
  std::string contents(const std::string& name) const {
    std::ifstream in(root / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  SafeDir dir;
};

TEST_F(StateDirFixture, WritesANewFileWithNoTemporaryLeft) {
  ASSERT_TRUE(dir.write_atomically("state.json", "{\"a\":1}"));
  EXPECT_EQ(contents("state.json"), "{\"a\":1}");
  EXPECT_FALSE(fs::exists(root / "state.json.tmp"));
  EXPECT_EQ(fs::status(root / "state.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(StateDirFixture, ReplacesAFileAndAReaderOfTheOldOneKeepsIt) {
  ASSERT_TRUE(dir.write_atomically("lineup.pid", "1 2\n"));
  std::ifstream old_reader(root / "lineup.pid");  // opened before the replacement
  ASSERT_TRUE(dir.write_atomically("lineup.pid", "3 4\n"));
  EXPECT_EQ(contents("lineup.pid"), "3 4\n");
  EXPECT_FALSE(fs::exists(root / "lineup.pid.tmp"));
  std::string seen;
  std::getline(old_reader, seen);
  EXPECT_EQ(seen, "1 2");
}

TEST_F(StateDirFixture, ATemporaryLeftByADeadWriterIsReplaced) {
  std::ofstream(root / "state.json.tmp") << "half a fi";
  ASSERT_TRUE(dir.write_atomically("state.json", "whole"));
  EXPECT_EQ(contents("state.json"), "whole");
  EXPECT_FALSE(fs::exists(root / "state.json.tmp"));
}

TEST_F(StateDirFixture, APlantedSymlinkIsReplacedNotFollowed) {
  fs::path victim = root.string() + "-victim";
  std::ofstream(victim) << "precious";
  fs::create_symlink(victim, root / "state.json");
  ASSERT_TRUE(dir.write_atomically("state.json", "ours"));
  EXPECT_FALSE(fs::is_symlink(root / "state.json"));
  EXPECT_EQ(contents("state.json"), "ours");
  std::ifstream in(victim);
  std::string left;
  std::getline(in, left);
  EXPECT_EQ(left, "precious");
  fs::remove(victim);
}

// A reader polling the file while it is rewritten hundreds of times sees
// one of the versions, whole, every time (the file always exists). The
// writer goes on until the reader has read a hundred times: on a busy
// machine the reader's thread may start late.
TEST_F(StateDirFixture, AReaderNeverSeesAPartOrNoFile) {
  const std::string a(20000, 'a'), b(30000, 'b');
  ASSERT_TRUE(dir.write_atomically("state.json", a));
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, bad{0};
  std::thread reader([&] {
    while (!done) {
      std::string got = contents("state.json");
      if (got != a && got != b) ++bad;
      ++reads;
    }
  });
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int i = 0; (i < 300 || reads < 100) && std::chrono::steady_clock::now() < give_up; ++i)
    if (!dir.write_atomically("state.json", i % 2 ? a : b)) {
      ADD_FAILURE() << "write " << i << " failed";
      break;
    }
  done = true;
  reader.join();
  EXPECT_GE(reads, 100);
  EXPECT_EQ(bad, 0) << "of " << reads << " reads";
}

}  // namespace
}  // namespace lineup::runtime
