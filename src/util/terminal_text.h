// Text from outside (a service's output, its STATUS= line, a server's
// reply quoted in a reason) on the operator's terminal. A service must not
// be able to rewrite that terminal: move the cursor, clear the screen, ring
// the bell, retitle the window or overwrite a line with a carriage return.
#pragma once

#include <string>
#include <string_view>

namespace lineup {

// Every control character shown, not obeyed: ESC as "\e", CR as "\r",
// others as "\xNN" (tabs stay). For lineup's own messages, which quote such text.
std::string printable(std::string_view text);

// A line of service output after the `name | ` prefix: its colours (SGR
// sequences, ESC [ ... m) are kept and reset at the end of the line, so they
// cannot leak into the next one; every other control sequence is shown as
// printable() shows it.
std::string terminal_line(std::string_view line);

}  // namespace lineup
