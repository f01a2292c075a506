// Interpolation must match docker compose exactly: a user moving a compose
// file to lineup should get the same strings, the same "unset" warnings and
// the same errors. Each table row is one template and what compose makes of it.
#include "config/interpolate.h"

#include <gtest/gtest.h>

namespace lineup::config {
namespace {

Variables test_vars() {
  Variables v;
  v.set("SET", "value");
  v.set("EMPTY", "");
  v.set("B", "b");
  v.set("A_1", "underscore-digit");
  v.set("lower", "lc");
  return v;
}

TEST(Interpolate, ExpandsLikeCompose) {
  struct Case {
    const char* text;
    const char* expected;
    std::vector<std::string> unset;
  } cases[] = {
      // No template at all.
      {"plain text", "plain text", {}},
      {"", "", {}},
      // $$ is a literal dollar and never starts a variable.
      {"$$", "$", {}},
      {"a$$b", "a$b", {}},
      {"$$SET", "$SET", {}},
      {"$${SET}", "${SET}", {}},
      {"$$$$", "$$", {}},
      // $VAR and ${VAR}.
      {"$SET", "value", {}},
      {"${SET}", "value", {}},
      {"x${SET}y${SET}z",
       "xvaluey"
       "valuez",
       {}},
      {"$SET-suffix", "value-suffix", {}},  // a name stops at the first non-name character
      {"$SET.txt", "value.txt", {}},
      {"${SET}x", "valuex", {}},
      {"$SETx", "", {"SETx"}},  // the whole run of name characters is the name
      {"${A_1}", "underscore-digit", {}},
      {"$A_1", "underscore-digit", {}},
      {"${lower}", "lc", {}},
      {"${EMPTY}", "", {}},  // set but empty is not unset
      {"$UNSET", "", {"UNSET"}},
      {"${UNSET}", "", {"UNSET"}},
      {"$U1 and ${U2}", " and ", {"U1", "U2"}},
      // :- (unset or empty) versus - (unset only).
      {"${UNSET:-d}", "d", {}},
      {"${EMPTY:-d}", "d", {}},
      {"${SET:-d}", "value", {}},
      {"${UNSET-d}", "d", {}},
      {"${EMPTY-d}", "", {}},
      {"${SET-d}", "value", {}},
      {"${UNSET:-}", "", {}},
      {"${UNSET:-a b c}", "a b c", {}},
      {"${UNSET:-$$}", "$", {}},
      {"${UNSET:-http://h:1/p}", "http://h:1/p", {}},
      // :+ (set and non-empty) versus + (set).
      {"${UNSET:+alt}", "", {}},
      {"${EMPTY:+alt}", "", {}},
      {"${SET:+alt}", "alt", {}},
      {"${UNSET+alt}", "", {}},
      {"${EMPTY+alt}", "alt", {}},
      {"${SET+alt}", "alt", {}},
      // :? and ? pass the value through when satisfied.
      {"${SET:?msg}", "value", {}},
      {"${SET?msg}", "value", {}},
      {"${EMPTY?msg}", "", {}},
      // Nesting: operands are interpolated themselves.
      {"${UNSET:-${B:-x}}", "b", {}},
      {"${UNSET:-${UNSET2:-x}}", "x", {}},
      {"${UNSET:-${B}}", "b", {}},
      {"${SET:+${B}}", "b", {}},
      {"${UNSET:-pre-${B}-post}", "pre-b-post", {}},
      {"${UNSET:-${U2:-${U3:-deep}}}", "deep", {}},
      // An unset variable inside a default is reported only when the default is used.
      {"${UNSET:-${UNSET2}}", "", {"UNSET2"}},
      {"${SET:-${UNSET2}}", "value", {}},
      {"${UNSET:+${UNSET2}}", "", {}},
      {"${SET:+$UNSET2}", "", {"UNSET2"}},
  };
  Variables vars = test_vars();
  for (const auto& c : cases) {
    auto r = interpolate(c.text, vars);
    ASSERT_TRUE(r) << c.text << ": " << r.error().message;
    EXPECT_EQ(r->text, c.expected) << c.text;
    EXPECT_EQ(r->unset, c.unset) << c.text;
  }
}

TEST(Interpolate, RequiredVariableMessages) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"${UNSET:?need it}", "required variable UNSET is missing a value: need it"},
      {"${EMPTY:?need it}", "required variable EMPTY is missing a value: need it"},
      {"${UNSET?need it}", "required variable UNSET is missing a value: need it"},
      {"${UNSET:?}", "required variable UNSET is missing a value"},
      {"${UNSET?}", "required variable UNSET is missing a value"},
      {"${UNSET:?set it in $B}", "required variable UNSET is missing a value: set it in b"},
      {"prefix ${UNSET:?x}", "required variable UNSET is missing a value: x"},
      {"${UNSET:-${INNER:?nested}}", "required variable INNER is missing a value: nested"},
  };
  Variables vars = test_vars();
  for (const auto& c : cases) {
    auto r = interpolate(c.text, vars);
    ASSERT_FALSE(r) << c.text << " gave \"" << r->text << "\"";
    EXPECT_EQ(r.error().message, c.message) << c.text;
  }
}

TEST(Interpolate, MalformedTemplatesAreErrors) {
  struct Case {
    const char* text;
    size_t offset;  // where the bad template starts
  } cases[] = {
      {"${", 0},         {"${}", 0},        {"${ foo}", 0}, {"${foo!}", 0},
      {"$", 0},          {"abc$", 3},       {"$1", 0},      {"x $1", 2},
      {"${foo", 0},      {"${foo:-bar", 0}, {"${foo:", 0},  {"${foo:x}", 0},
      {"${1}", 0},       {"${foo bar}", 0}, {"$ x", 0},     {"ok ${SET} ${", 10},
      {"${foo-}}${", 8}, {"$-", 0},         {"$}", 0},      {"${foo:-${}}", 7},
  };
  Variables vars = test_vars();
  for (const auto& c : cases) {
    auto r = interpolate(c.text, vars);
    ASSERT_FALSE(r) << c.text << " gave \"" << r->text << "\"";
    EXPECT_FALSE(r.error().message.empty()) << c.text;
    EXPECT_EQ(r.error().offset, c.offset) << c.text << ": " << r.error().message;
  }
}

TEST(Interpolate, MalformedMessagesSayWhatIsWrong) {
  Variables vars = test_vars();
  auto msg = [&](const char* text) {
    auto r = interpolate(text, vars);
    return r ? std::string("(no error)") : r.error().message;
  };
  EXPECT_NE(msg("${").find("missing `}`"), std::string::npos) << msg("${");
  EXPECT_NE(msg("${}").find("empty variable name"), std::string::npos) << msg("${}");
  EXPECT_NE(msg("${ foo}").find("${ foo}"), std::string::npos) << msg("${ foo}");
  EXPECT_NE(msg("${foo!}").find("`!`"), std::string::npos) << msg("${foo!}");
  EXPECT_NE(msg("cost $").find("$$"), std::string::npos) << msg("cost $");
  EXPECT_NE(msg("$1").find("$$"), std::string::npos) << msg("$1");
}

TEST(Interpolate, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "${A:-";
  deep += "x";
  for (int i = 0; i < 10000; ++i) deep += "}";
  auto r = interpolate(deep, Variables{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested too deeply"), std::string::npos) << r.error().message;
}

TEST(Interpolate, ModerateNestingWorks) {
  std::string t;
  for (int i = 0; i < 30; ++i) t += "${U" + std::to_string(i) + ":-";
  t += "bottom";
  for (int i = 0; i < 30; ++i) t += "}";
  auto r = interpolate(t, Variables{});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->text, "bottom");
}

TEST(Interpolate, ShellSubstitutionPassesThroughForProcessCompose) {
  Variables vars = test_vars();
  auto r = interpolate("echo $(date +%s) $((1 + 2)) $$ ${SET}", vars, /*shell_substitution=*/true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->text, "echo $(date +%s) $((1 + 2)) $ " + std::string(*vars.get("SET")));
  // compose's rule, without it: `$(` is a malformed template.
  EXPECT_FALSE(interpolate("echo $(date)", vars));
  // Other malformed templates stay errors either way.
  EXPECT_FALSE(interpolate("echo $1", vars, true));
}

}  // namespace
}  // namespace lineup::config
