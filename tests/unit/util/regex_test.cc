#include "util/regex.h"

#include <gtest/gtest.h>

namespace lineup {
namespace {

TEST(Regex, SearchesAnywhereInTheText) {
  auto re = Regex::compile(R"(listening on (port )?\d+)");
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->search("2026-11-23 listening on port 5432, ready"));
  EXPECT_TRUE(re->search("listening on 80"));
  EXPECT_FALSE(re->search("listening on port"));
  EXPECT_FALSE(re->search(""));
}

TEST(Regex, FlagsInThePattern) {
  auto re = Regex::compile("(?i)address already in use");
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->search("bind: Address Already In Use"));
}

TEST(Regex, InvalidPatternSaysWhy) {
  auto re = Regex::compile("listening (on");
  ASSERT_FALSE(re);
  EXPECT_NE(re.error().find("missing )"), std::string::npos) << re.error();
  auto back = Regex::compile(R"((a)\1)");
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().find("\\1"), std::string::npos) << back.error();
}

// The cases that made std::regex unfit: each pattern against the longest
// output line lineup keeps (64 KiB). With std::regex's polynomial executor
// the first took about 6 minutes, and the default executor overflowed the
// stack; with a linear-time matcher the test finishes at once.
TEST(Regex, LongLinesAgainstBacktrackingShapes) {
  std::string line(64 * 1024, 'a');
  for (const char* pattern : {"a.*b", "(a*)*b", "(a|aa)+$x", "^(a+)+b", R"(\s*:)"}) {
    auto re = Regex::compile(pattern);
    ASSERT_TRUE(re) << pattern << ": " << re.error();
    EXPECT_FALSE(re->search(line)) << pattern;
  }
  EXPECT_TRUE(Regex::compile("a.*a$")->search(line));
}

TEST(Regex, CopiesShareOnePattern) {
  auto re = Regex::compile("ready");
  ASSERT_TRUE(re);
  Regex copy = *re;
  EXPECT_TRUE(copy.search("service ready"));
  EXPECT_TRUE(re->search("ready"));
}

}  // namespace
}  // namespace lineup
