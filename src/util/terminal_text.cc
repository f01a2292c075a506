#include "util/terminal_text.h"

#include <fmt/format.h>

namespace lineup {

namespace {

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

void show(std::string& out, unsigned char c) {
  if (c == 0x1b)
    out += "\\e";
  else if (c == '\r')
    out += "\\r";
  else
    out += fmt::format("\\x{:02x}", c);
}

// The length of an SGR sequence (ESC [ digits and ; ... m) at the start of `s`, or 0.
size_t sgr_length(std::string_view s) {
  if (s.size() < 3 || s[0] != '\x1b' || s[1] != '[') return 0;
  for (size_t i = 2; i < s.size(); ++i) {
    char c = s[i];
    if (c == 'm') return i + 1;
    if (!((c >= '0' && c <= '9') || c == ';')) return 0;
  }
  return 0;
}

}  // namespace

std::string printable(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && !is_control(static_cast<unsigned char>(text[i]))) ++i;
  if (i == text.size()) return std::string(text);  // the common case: nothing to do
  std::string out(text.substr(0, i));
  for (; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (is_control(c))
      show(out, c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

std::string terminal_line(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && !is_control(static_cast<unsigned char>(line[i]))) ++i;
  if (i == line.size()) return std::string(line);
  std::string out(line.substr(0, i));
  bool coloured = false;
  while (i < line.size()) {
    auto c = static_cast<unsigned char>(line[i]);
    if (size_t n = sgr_length(line.substr(i)); n > 0) {
      out.append(line.substr(i, n));
      coloured = true;
      i += n;
      continue;
    }
    if (is_control(c))
      show(out, c);
    else
      out += static_cast<char>(c);
    ++i;
  }
  if (coloured) out += "\x1b[0m";
  return out;
}

}  // namespace lineup
