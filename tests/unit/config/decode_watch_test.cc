// `watch:`, compose's develop.watch, and their mistakes.
#include <gtest/gtest.h>

#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::check_diag_cases;
using lineup::testing::DiagCase;
using lineup::testing::dump;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

TEST(DecodeWatch, RulesWithPathsMadeAbsolute) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  api:
    command: ./api
    watch:
      - path: ./src
        include: "*.py"
        exclude: [tests/]
        debounce: 1s
      - {path: templates, action: restart}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto& w = *p.config.services[0].watch;
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].path, (tmp.dir() / "src").string());
  EXPECT_EQ(w[0].include, std::vector<std::string>{"*.py"});
  EXPECT_EQ(w[0].exclude, std::vector<std::string>{"tests/"});
  EXPECT_EQ(w[0].debounce, Millis(1000));
  EXPECT_EQ(w[1].debounce, Millis(500)) << "the default";
}

// compose: restart and sync+restart become rules (ignore = exclude); sync needs nothing; rebuild is warned
// about.
TEST(DecodeWatch, ComposeDevelopWatch) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  web:
    command: npm start
    develop:
      watch:
        - {path: ./src, action: sync+restart, target: /app/src, ignore: [node_modules/]}
        - {path: ./public, action: sync, target: /app/public}
        - {path: package.json, action: rebuild}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto& w = *p.config.services[0].watch;
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].path, (tmp.dir() / "src").string());
  EXPECT_EQ(w[0].exclude, std::vector<std::string>{"node_modules/"});
  EXPECT_EQ(lineup::testing::count_diags(p.diags, Severity::warning, "develop.watch action rebuild"), 1u);
}

TEST(DecodeWatch, Mistakes) {
  const DiagCase cases[] = {
      {"no path", "services:\n  a:\n    command: x\n    watch: [{include: '*.py'}]\n", Severity::error, 4, 13,
       "watch: needs a `path`"},
      {"other action", "services:\n  a:\n    command: x\n    watch: [{path: src, action: rebuild}]\n",
       Severity::error, 4, 33, "watch.action: \"rebuild\" is not restart"},
      {"bad debounce", "services:\n  a:\n    command: x\n    watch: [{path: src, debounce: soon}]\n",
       Severity::error, 4, 35, "watch.debounce"},
      {"scalar", "services:\n  a:\n    command: x\n    watch: src\n", Severity::error, 4, 12, "watch"},
  };
  check_diag_cases(cases);
}

}  // namespace
}  // namespace lineup::config
