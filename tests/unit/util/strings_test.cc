// Shell-word splitting, as compose splits an `entrypoint` or `command`
// string: quotes and backslashes, no expansion.
#include "util/strings.h"

#include <gtest/gtest.h>

namespace lineup {
namespace {

TEST(ShellWords, SplitsAsAPosixShellWould) {
  struct Case {
    const char* line;
    std::vector<std::string> words;
  } cases[] = {
      {"", {}},
      {"   ", {}},
      {"run", {"run"}},
      {"  run  --port 80 ", {"run", "--port", "80"}},
      {"sh -c 'echo \"$1\"; exit 3'", {"sh", "-c", "echo \"$1\"; exit 3"}},
      {"say \"two words\" 'and three words'", {"say", "two words", "and three words"}},
      {"a\\ b c", {"a b", "c"}},
      {"\"quote \\\" inside\" \"keep \\n as is\"", {"quote \" inside", "keep \\n as is"}},
      {"pre'fix'\"ed\"", {"prefixed"}},
      {"''", {""}},
      {"$(date) ${X} *.txt", {"$(date)", "${X}", "*.txt"}},
      {"tab\tsep\nline", {"tab", "sep", "line"}},
  };
  for (const auto& c : cases) {
    auto got = shell_words(c.line);
    ASSERT_TRUE(got) << c.line;
    EXPECT_EQ(*got, c.words) << c.line;
  }
}

TEST(ShellWords, AnOpenQuoteIsAnError) {
  EXPECT_EQ(shell_words("echo 'open"), std::nullopt);
  EXPECT_EQ(shell_words("echo \"open"), std::nullopt);
  EXPECT_EQ(shell_words("echo \"a\\\""), std::nullopt);
}

}  // namespace
}  // namespace lineup
