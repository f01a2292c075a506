// Which file changes a watch rule counts (loop/watches.h); the restarts
// themselves are tests/scenarios/watch_restart.
#include "loop/watches.h"

#include <gtest/gtest.h>

namespace lineup::loop {
namespace {

config::WatchRule rule(std::vector<std::string> include, std::vector<std::string> exclude) {
  config::WatchRule r;
  r.path = "/p/src";
  r.include = std::move(include);
  r.exclude = std::move(exclude);
  return r;
}

TEST(WatchRules, EverythingButVcsAndEditorFilesByDefault) {
  auto r = rule({}, {});
  EXPECT_TRUE(counts(r, "app.py"));
  EXPECT_TRUE(counts(r, "pkg/deep/mod.go"));
  EXPECT_TRUE(counts(r, "")) << "an overflowed queue: something changed";
  for (auto ignored : {".git/index", "pkg/.git/HEAD", "app.py.swp", ".app.py.swp", "app.py~", ".#app.py",
                       "#app.py#", "4913", "pkg/__pycache__/m.pyc", "x.tmp"})
    EXPECT_FALSE(counts(r, ignored)) << ignored;
  EXPECT_TRUE(skipped_dir(r, ".git"));
  EXPECT_TRUE(skipped_dir(r, "a/__pycache__"));
  EXPECT_FALSE(skipped_dir(r, "pkg"));
}

TEST(WatchRules, IncludeIsByNameAtAnyDepthUnlessItHasASlash) {
  auto r = rule({"*.py", "templates/*.html"}, {});
  EXPECT_TRUE(counts(r, "a.py"));
  EXPECT_TRUE(counts(r, "pkg/b.py"));
  EXPECT_FALSE(counts(r, "README.md"));
  EXPECT_TRUE(counts(r, "templates/index.html"));
  EXPECT_FALSE(counts(r, "static/index.html"));
}

TEST(WatchRules, ExcludeTakesWholeDirectories) {
  auto r = rule({}, {"tests/", "build", "*.log", "./docs"});
  EXPECT_FALSE(counts(r, "tests/test_a.py"));
  EXPECT_TRUE(counts(r, "pkg/tests_helper.py"));
  EXPECT_FALSE(counts(r, "pkg/build/out.o")) << "a name without '/' at any depth";
  EXPECT_FALSE(counts(r, "server.log"));
  EXPECT_FALSE(counts(r, "docs/index.md"));
  EXPECT_TRUE(skipped_dir(r, "tests"));
  EXPECT_TRUE(skipped_dir(r, "pkg/build"));
  EXPECT_FALSE(skipped_dir(r, "pkg"));
}

}  // namespace
}  // namespace lineup::loop
