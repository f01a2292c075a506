// `.env` files are read the way docker compose reads them, so the same file
// serves both tools. Each row is a file's text and the variables it defines;
// the invalid ones must say which line is wrong and carry on with the rest.
#include "config/envfile.h"

#include <gtest/gtest.h>

#include "load_fixture.h"

namespace lineup::config {
namespace {

EnvList parse_env(std::string_view text, Diagnostics& diags, const Variables& base = {}) {
  return parse_env_text(text, intern_file("test.env"), base, diags);
}

using lineup::testing::dump;

TEST(EnvFile, Parses) {
  struct Case {
    const char* name;
    const char* text;
    EnvList expected;
  } cases[] = {
      {"key value", "A=1\nB=two\n", {{"A", "1"}, {"B", "two"}}},
      {"no final newline", "A=1", {{"A", "1"}}},
      {"empty value", "A=\n", {{"A", ""}}},
      {"spaces around", "  A = spaced  \n", {{"A", "spaced"}}},
      {"value keeps inner =", "URL=a=b=c\n", {{"URL", "a=b=c"}}},
      {"export", "export A=1\nexport  B=2\n", {{"A", "1"}, {"B", "2"}}},
      {"comments and blank lines", "# a comment\n\n   # indented comment\nA=1\n\n", {{"A", "1"}}},
      {"crlf", "A=1\r\nB=2\r\n", {{"A", "1"}, {"B", "2"}}},
      {"names with dots and dashes", "a.b-c_D=1\n", {{"a.b-c_D", "1"}}},
      // Single quotes: literal, no escapes, no interpolation.
      {"single quotes literal",
       "A='$HOME \\n ${X} # not a comment'\n",
       {{"A", "$HOME \\n ${X} # not a comment"}}},
      {"single quotes keep spaces", "A='  padded  '\n", {{"A", "  padded  "}}},
      // Double quotes: escapes and interpolation.
      {"double quotes newline escape", "A=\"line1\\nline2\"\n", {{"A", "line1\nline2"}}},
      {"double quotes tab escape", "A=\"a\\tb\"\n", {{"A", "a\tb"}}},
      {"double quotes escaped quote", "A=\"say \\\"hi\\\"\"\n", {{"A", "say \"hi\""}}},
      {"double quotes escaped backslash", "A=\"c:\\\\dir\"\n", {{"A", "c:\\dir"}}},
      {"double quotes keep #", "A=\"a # b\"\n", {{"A", "a # b"}}},
      // Regression: \$ was unescaped before interpolation, so "pa\$word" became "pa".
      {"double quotes escaped dollar", "A=\"pa\\$word\"\nB=\"\\${A}\"\n", {{"A", "pa$word"}, {"B", "${A}"}}},
      {"double quotes interpolate earlier line", "A=x\nB=\"${A}y\"\n", {{"A", "x"}, {"B", "xy"}}},
      {"double quotes span lines", "A=\"one\ntwo\"\nB=3\n", {{"A", "one\ntwo"}, {"B", "3"}}},
      {"text after closing quote ignored", "A=\"v\" # trailing comment\nB=2\n", {{"A", "v"}, {"B", "2"}}},
      // Unquoted: interpolation, and an inline comment only after a space.
      {"unquoted interpolates earlier line", "A=x\nB=${A}y\nC=$A\n", {{"A", "x"}, {"B", "xy"}, {"C", "x"}}},
      {"later line overrides earlier", "A=1\nA=2\nB=$A\n", {{"A", "1"}, {"A", "2"}, {"B", "2"}}},
      {"single quoted value not interpolated", "A=x\nB='${A}'\n", {{"A", "x"}, {"B", "${A}"}}},
      {"inline comment", "A=value # comment\n", {{"A", "value"}}},
      {"hash without space is data", "A=value#notcomment\n", {{"A", "value#notcomment"}}},
      {"default in unquoted", "A=${UNSET:-fallback}\n", {{"A", "fallback"}}},
      {"literal dollar", "A=cost $$5\n", {{"A", "cost $5"}}},
  };
  for (const auto& c : cases) {
    Diagnostics diags;
    EnvList got = parse_env(c.text, diags);
    EXPECT_EQ(got, c.expected) << c.name;
    EXPECT_TRUE(diags.items().empty()) << c.name << "\n" << dump(diags);
  }
}

TEST(EnvFile, InterpolatesFromBaseVariables) {
  Variables base;
  base.set("HOST", "db.internal");
  base.set("FROM_ENV", "env-value");
  Diagnostics diags;
  EnvList got = parse_env("URL=postgres://${HOST}/app\nFROM_ENV\nNOT_IN_ENV\n", diags, base);
  // A bare NAME takes its value from the environment, and is left out when that has none.
  EnvList expected = {{"URL", "postgres://db.internal/app"}, {"FROM_ENV", "env-value"}};
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(diags.items().empty()) << dump(diags);
}

TEST(EnvFile, InvalidLinesGiveDiagnosticsAndParsingGoesOn) {
  struct Case {
    const char* name;
    const char* text;
    int line;  // of the diagnostic
    const char* message;
    EnvList expected;  // what is still read
  } cases[] = {
      {"not key=value",
       "A=1\nthis is not valid\nB=2\n",
       2,
       "invalid line in env file",
       {{"A", "1"}, {"B", "2"}}},
      {"name starts with digit", "1BAD=x\nB=2\n", 1, "invalid variable name \"1BAD\"", {{"B", "2"}}},
      {"empty name", "A=1\n=x\n", 2, "invalid variable name", {{"A", "1"}}},
      {"space in name", "MY VAR=x\n", 1, "invalid variable name", {}},
      {"malformed template", "A=1\nB=${\nC=3\n", 2, "in the value of B", {{"A", "1"}, {"C", "3"}}},
      {"required variable",
       "A=${NOPE:?must be set}\nB=2\n",
       1,
       "required variable NOPE is missing a value: must be set",
       {{"B", "2"}}},
      {"unterminated double quote",
       "A=1\nB=\"open\n",
       2,
       "unterminated quote in the value of B",
       {{"A", "1"}}},
      {"unterminated single quote", "B='open\n", 1, "unterminated quote", {}},
      // The multi-line value moves the line count on: the bad line is line 4.
      {"line count after multi-line value",
       "A=\"x\ny\"\nB=1\nbad line\n",
       4,
       "invalid line",
       {{"A", "x\ny"}, {"B", "1"}}},
  };
  for (const auto& c : cases) {
    Diagnostics diags;
    EnvList got = parse_env(c.text, diags);
    EXPECT_EQ(got, c.expected) << c.name;
    ASSERT_EQ(diags.items().size(), 1u) << c.name << "\n" << dump(diags);
    const Diagnostic& d = diags.items().front();
    EXPECT_EQ(d.severity, Severity::error) << c.name;
    EXPECT_EQ(file_name(d.where.file), "test.env") << c.name;
    EXPECT_EQ(d.where.line, c.line) << c.name << ": " << format(d);
    EXPECT_NE(d.message.find(c.message), std::string::npos) << c.name << ": " << d.message;
  }
}

TEST(EnvFile, EveryBadLineIsReported) {
  Diagnostics diags;
  EnvList got = parse_env("bad one\nA=1\n2=x\nbad two\n", diags);
  EXPECT_EQ(got, (EnvList{{"A", "1"}}));
  ASSERT_EQ(diags.items().size(), 3u) << dump(diags);
  EXPECT_EQ(diags.items()[0].where.line, 1);
  EXPECT_EQ(diags.items()[1].where.line, 3);
  EXPECT_EQ(diags.items()[2].where.line, 4);
}

}  // namespace
}  // namespace lineup::config
