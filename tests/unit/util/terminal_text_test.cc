// What a service prints cannot take over the operator's terminal.
#include "util/terminal_text.h"

#include <gtest/gtest.h>

namespace lineup {
namespace {

TEST(Printable, ShowsControlCharactersInsteadOfObeyingThem) {
  EXPECT_EQ(printable("ready"), "ready");
  EXPECT_EQ(printable("a\tb"), "a\tb");
  EXPECT_EQ(printable("\x1b[2J\x1b[Hgotcha"), "\\e[2J\\e[Hgotcha");
  EXPECT_EQ(printable("bell\a"), "bell\\x07");
  EXPECT_EQ(printable("over\rwrite"), "over\\rwrite");
  EXPECT_EQ(printable("\x1b]0;title\x07"), "\\e]0;title\\x07");
  EXPECT_EQ(printable("del\x7f"), "del\\x7f");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 is text
}

TEST(TerminalLine, KeepsColoursAndResetsThemAtTheEnd) {
  EXPECT_EQ(terminal_line("plain"), "plain");
  EXPECT_EQ(terminal_line("\x1b[31merror\x1b[0m done"), "\x1b[31merror\x1b[0m done\x1b[0m");
  EXPECT_EQ(terminal_line("\x1b[1;32mok"), "\x1b[1;32mok\x1b[0m");
}

TEST(TerminalLine, EverythingElseIsShownNotObeyed) {
  EXPECT_EQ(terminal_line("\x1b[2Aup two lines"), "\\e[2Aup two lines");
  EXPECT_EQ(terminal_line("\x1b[2J"), "\\e[2J");
  EXPECT_EQ(terminal_line("50%\r100%"), "50%\\r100%");
  EXPECT_EQ(terminal_line("\x1b"), "\\e");
  EXPECT_EQ(terminal_line("\x1b["), "\\e[");
}

}  // namespace
}  // namespace lineup
