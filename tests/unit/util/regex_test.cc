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

// A pattern from the config is compiled once, where it is read: its users
// only search. An invalid one keeps the text and says why, and matches nothing.
TEST(Pattern, CompiledOnceFromItsText) {
  Pattern p = "ready on port [0-9]+";
  EXPECT_EQ(p.text, "ready on port [0-9]+");
  EXPECT_TRUE(p.valid());
  EXPECT_TRUE(p.search("api: ready on port 8080"));
  EXPECT_FALSE(p.search("api: starting"));
  Pattern copy = p;  // shares the compiled matcher
  EXPECT_TRUE(copy.search("ready on port 1"));
}

TEST(Pattern, InvalidOrEmptyMatchesNothing) {
  Pattern bad("listening (on");
  EXPECT_FALSE(bad.valid());
  EXPECT_NE(bad.error.find("missing )"), std::string::npos) << bad.error;
  EXPECT_FALSE(bad.search("listening (on"));
  Pattern none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.search("anything"));
}

}  // namespace
}  // namespace lineup
